// The training lab's field view (issue #7 "watch the learned field converge"): the velocity field v(x, τ) of a learned
// 2D model (arrows in the run's colour) over the exact one (grey arrows), on the marginal density p_τ (grey shading),
// from core/train/velocityField.ts. A functional d3 module `(svg, data, options) => report` (DESIGN §6).

import { scaleLinear, select } from 'd3';
import type { VelocityFieldComparison } from '../core/train/velocityField.ts';

export interface FieldChartReport {
  tau: number;
  arrows: number;
  relativeError: number;
}

export function drawFieldChart(svgElement: SVGSVGElement, field: VelocityFieldComparison, options: { size: number; color: string }): FieldChartReport {
  const { size } = options;
  const svg = select(svgElement).attr('viewBox', `0 0 ${size} ${size}`).attr('width', size).attr('height', size);
  svg.selectAll('*').remove();
  const pad = 8;
  const x = scaleLinear().domain([field.lo, field.hi]).range([pad, size - pad]);
  const y = scaleLinear().domain([field.lo, field.hi]).range([size - pad, pad]);
  const n = field.size;
  const cell = (size - 2 * pad) / (n - 1);
  const shade = svg.append('g').attr('class', 'field-density');
  for (let p = 0; p < n * n; p++) {
    if (field.density[p] < 1e-3) continue;
    shade
      .append('rect')
      .attr('x', x(field.points[2 * p]) - cell / 2)
      .attr('y', y(field.points[2 * p + 1]) - cell / 2)
      .attr('width', cell)
      .attr('height', cell)
      .attr('fill', 'currentColor')
      .attr('opacity', 0.35 * field.density[p]);
  }
  // one length scale for both fields: the largest exact speed where the density is not negligible fills 0.9 cells;
  // longer arrows (the learned field far off) are clipped to 1.5 cells so that they cannot cover the view
  let top = 0;
  for (let p = 0; p < n * n; p++) if (field.density[p] >= 1e-3) top = Math.max(top, Math.hypot(field.exact[2 * p], field.exact[2 * p + 1]));
  const scale = (0.9 * cell) / (top || 1);
  const arrows = (values: Float64Array, color: string, width: number, cls: string) => {
    const g = svg.append('g').attr('class', cls);
    for (let p = 0; p < n * n; p++) {
      const [vx, vy] = [values[2 * p], values[2 * p + 1]];
      const length = Math.min(Math.hypot(vx, vy) * scale, 1.5 * cell);
      if (!(length > 0.5)) continue;
      const angle = Math.atan2(-vy, vx);
      const [x0, y0] = [x(field.points[2 * p]), y(field.points[2 * p + 1])];
      const [x1, y1] = [x0 + length * Math.cos(angle), y0 + length * Math.sin(angle)];
      const head = Math.min(4, length / 3);
      g.append('path')
        .attr('d', `M${x0},${y0}L${x1},${y1}M${x1 - head * Math.cos(angle - 0.5)},${y1 - head * Math.sin(angle - 0.5)}L${x1},${y1}L${x1 - head * Math.cos(angle + 0.5)},${y1 - head * Math.sin(angle + 0.5)}`)
        .attr('stroke', color)
        .attr('stroke-width', width)
        .attr('fill', 'none');
    }
    return g.selectAll('path').size();
  };
  arrows(field.exact, '#888', 1, 'field-exact');
  const drawn = arrows(field.learned, options.color, 1.5, 'field-learned');
  return { tau: field.tau, arrows: drawn, relativeError: field.relativeError };
}

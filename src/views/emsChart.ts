// DPM-Solver-v3's empirical model statistics (specs §6.2–6.3, issue 11 view 6): one of l_λ, s_λ, b_λ against λ on
// the EMS grid, the mean over dimensions as a line and the min–max over dimensions as a shaded band. A functional
// d3 module `(svg, data, options) => report` (DESIGN §6).

import { area, axisBottom, axisLeft, line, scaleLinear, select } from 'd3';
import { drawAxisTitles } from './axisTitles.ts';

export type EmsQuantity = 'l' | 's' | 'b';

export interface EmsSeries {
  lambdas: ArrayLike<number>;
  /** (points + 1) × dim row-major */
  values: ArrayLike<number>;
  dim: number;
}

export interface EmsSummary {
  mean: number[];
  min: number[];
  max: number[];
}

export interface EmsChartReport {
  quantity: EmsQuantity;
  points: number;
  /** vertices of the min–max band's outline (2 per grid point) */
  bandVertices: number;
}

export const EMS_TITLES: Record<EmsQuantity, string> = { l: 'l_λ', s: 's_λ', b: 'b_λ' };

export function summariseEms(series: EmsSeries): EmsSummary {
  const rows = series.lambdas.length;
  const d = series.dim;
  const mean: number[] = [];
  const min: number[] = [];
  const max: number[] = [];
  for (let j = 0; j < rows; j++) {
    let s = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < d; i++) {
      const v = series.values[j * d + i];
      s += v;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    mean.push(s / d);
    min.push(lo);
    max.push(hi);
  }
  return { mean, min, max };
}

export function drawEmsChart(svgElement: SVGSVGElement, lambdas: ArrayLike<number>, summary: EmsSummary, options: { width: number; height: number; quantity: EmsQuantity; color: string }): EmsChartReport {
  const { width, height, quantity, color } = options;
  const svg = select(svgElement).attr('viewBox', `0 0 ${width} ${height}`).attr('width', width).attr('height', height);
  svg.selectAll('*').remove();
  const m = { top: 10, right: 12, bottom: 36, left: 50 };
  const innerW = Math.max(10, width - m.left - m.right);
  const innerH = Math.max(10, height - m.top - m.bottom);
  const root = svg.append('g').attr('transform', `translate(${m.left},${m.top})`);
  const rows = Array.from(lambdas, (lambda, j) => ({ lambda, mean: summary.mean[j], min: summary.min[j], max: summary.max[j] })).filter(
    (r) => Number.isFinite(r.lambda) && Number.isFinite(r.min) && Number.isFinite(r.max),
  );
  const x = scaleLinear()
    .domain([Math.min(...rows.map((r) => r.lambda)), Math.max(...rows.map((r) => r.lambda))])
    .range([0, innerW]);
  let lo = Math.min(...rows.map((r) => r.min));
  let hi = Math.max(...rows.map((r) => r.max));
  if (!(lo < hi)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const y = scaleLinear().domain([lo, hi]).range([innerH, 0]).nice();
  root
    .append('g')
    .attr('class', 'axis')
    .attr('transform', `translate(0,${innerH})`)
    .call(axisBottom(x).ticks(6, '~g'));
  root.append('g').attr('class', 'axis').call(axisLeft(y).ticks(4, '~g'));
  drawAxisTitles(root, { innerW, innerH }, { x: 'λ = log(α/σ)', y: EMS_TITLES[quantity], xOffset: 32, yOffset: 38 });
  const band = area<(typeof rows)[number]>()
    .x((r) => x(r.lambda))
    .y0((r) => y(r.min))
    .y1((r) => y(r.max));
  root.append('path').attr('class', 'ems-band').attr('d', band(rows)).attr('fill', color).attr('fill-opacity', 0.2).attr('stroke', 'none');
  const mean = line<(typeof rows)[number]>()
    .x((r) => x(r.lambda))
    .y((r) => y(r.mean));
  root.append('path').attr('class', 'ems-mean').attr('d', mean(rows)).attr('fill', 'none').attr('stroke', color).attr('stroke-width', 1.8);
  return { quantity, points: rows.length, bandVertices: 2 * rows.length };
}

// The training lab's loss curves (issue #7 "Compare optimizers"): training loss against steps or against wall time,
// one line per optimizer, log y. A functional d3 module `(svg, data, options) => report` (DESIGN §6). Long runs are
// drawn from at most ~600 points per curve (a running mean over each bucket: the noise of single batches would hide
// the trend), and the report says what was drawn.

import { axisBottom, axisLeft, line, scaleLinear, scaleLog, select } from 'd3';
import { drawAxisTitles } from './axisTitles.ts';
import { CLAIM_COLORS } from './claimChart.ts';

export interface TrainCurve {
  label: string;
  steps: number[];
  losses: number[];
  wallMs: number[];
}

export interface TrainChartReport {
  x: 'steps' | 'wall';
  /** per curve: points drawn and the last value drawn */
  drawn: { label: string; points: number; last: number | null }[];
}

const MAX_POINTS = 600;

/** bucket means of (x, y) down to at most MAX_POINTS points */
export function bucketMeans(xs: number[], ys: number[]): { x: number; y: number }[] {
  const size = Math.max(1, Math.ceil(xs.length / MAX_POINTS));
  const out: { x: number; y: number }[] = [];
  for (let i = 0; i < xs.length; i += size) {
    const end = Math.min(xs.length, i + size);
    let sum = 0;
    for (let j = i; j < end; j++) sum += ys[j];
    out.push({ x: xs[end - 1], y: sum / (end - i) });
  }
  return out.filter((p) => Number.isFinite(p.y) && p.y > 0);
}

export function drawTrainChart(svgElement: SVGSVGElement, curves: TrainCurve[], options: { width: number; height: number; x: 'steps' | 'wall' }): TrainChartReport {
  const { width, height } = options;
  const svg = select(svgElement).attr('viewBox', `0 0 ${width} ${height}`).attr('width', width).attr('height', height);
  svg.selectAll('*').remove();
  const m = { top: 12, right: 16, bottom: 40, left: 62 };
  const innerW = Math.max(10, width - m.left - m.right);
  const innerH = Math.max(10, height - m.top - m.bottom);
  const root = svg.append('g').attr('transform', `translate(${m.left},${m.top})`);
  const series = curves.map((c) => bucketMeans(options.x === 'steps' ? c.steps : c.wallMs.map((w) => w / 1000), c.losses));
  const all = series.flat();
  const xMax = all.length ? Math.max(...all.map((p) => p.x)) : 1;
  const [lo, hi] = all.length ? [Math.min(...all.map((p) => p.y)), Math.max(...all.map((p) => p.y))] : [0.1, 1];
  const x = scaleLinear().domain([0, xMax || 1]).range([0, innerW]).nice();
  const y = scaleLog().domain([lo / 1.2, hi * 1.2]).range([innerH, 0]);
  root.append('g').attr('class', 'axis').attr('transform', `translate(0,${innerH})`).call(axisBottom(x).ticks(6));
  root.append('g').attr('class', 'axis').call(axisLeft(y).ticks(5, '~g'));
  drawAxisTitles(root, { innerW, innerH }, { x: options.x === 'steps' ? 'training step' : 'wall time (s)', y: 'training loss (batch mean, bucketed)', xOffset: 34, yOffset: 50 });
  const path = line<{ x: number; y: number }>()
    .x((p) => x(p.x))
    .y((p) => y(p.y));
  const drawn = series.map((points, i) => {
    root.append('path').attr('class', 'train-line').attr('d', path(points)).attr('fill', 'none').attr('stroke', CLAIM_COLORS[i % CLAIM_COLORS.length]).attr('stroke-width', 2);
    return { label: curves[i].label, points: points.length, last: points.length ? points[points.length - 1].y : null };
  });
  return { x: options.x, drawn };
}

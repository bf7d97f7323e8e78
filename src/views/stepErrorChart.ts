// The per-step error of one configuration (issue #11 view 4; d3, a functional chart module `(svg, data, options) =>
// report`, DESIGN §6): one bar per step i = 0 … N−1 with height e_i, the local error that step contributes against
// the exact flow from the solver's own state (core/sampling/stepErrors.ts has the definition), in the solver's
// colour, and the global error at the end (the same-noise RMSE) as a dashed line for comparison.
// Linear by default (where the error comes from, at a glance); a log axis shows the early steps' tiny errors, with
// zero bars (an exact step, e.g. the last step into σ = 0) left out there and counted in the report.

import { axisBottom, axisLeft, format, scaleBand, scaleLinear, scaleLog, select } from 'd3';
import { drawAxisTitles } from './axisTitles.ts';
import { solverColor } from './palette.ts';

export interface StepErrorChartData {
  solver: string;
  label: string;
  /** its configuration's colour (default: the solver's) */
  color?: string;
  /** e_0 … e_{N−1} */
  local: number[];
  /** grid times t_0 … t_N (for the tooltips) */
  times: number[];
  /** the global error at the end, or null when unknown */
  global: number | null;
}

export interface StepErrorChartOptions {
  width: number;
  height: number;
  scale: 'linear' | 'log';
}

export interface StepErrorChartReport {
  /** bars drawn (N on a linear axis; on a log axis the positive ones) */
  bars: number;
  /** the height of each drawn bar in data units (its e_i), in step order */
  drawn: number[];
  /** zero or non-finite values not drawn (log axis) */
  skipped: number;
  globalLine: boolean;
  domain: [number, number];
}

const MARGIN = { top: 12, right: 14, bottom: 38, left: 58 };
const tick = format('~g');

/** Draw (or redraw) the bars into `svg`; everything inside it is replaced. */
export function drawStepErrorChart(svgElement: SVGSVGElement, data: StepErrorChartData, options: StepErrorChartOptions): StepErrorChartReport {
  const { width, height, scale } = options;
  const svg = select(svgElement).attr('viewBox', `0 0 ${width} ${height}`).attr('width', width).attr('height', height);
  svg.selectAll('*').remove();
  const innerW = Math.max(10, width - MARGIN.left - MARGIN.right);
  const innerH = Math.max(10, height - MARGIN.top - MARGIN.bottom);
  const root = svg.append('g').attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);
  const steps = data.local.length;
  const log = scale === 'log';
  const shown = (v: number) => Number.isFinite(v) && (log ? v > 0 : v >= 0);
  const values = [...data.local, ...(data.global !== null ? [data.global] : [])].filter(shown);
  let hi = values.length ? Math.max(...values) : 1;
  let lo = log ? (values.length ? Math.min(...values) : hi / 10) : 0;
  if (log && lo === hi) [lo, hi] = [lo / 2, hi * 2];
  if (!log && hi === 0) hi = 1;
  const y = log ? scaleLog().domain([lo, hi]).range([innerH, 0]).nice() : scaleLinear().domain([0, hi]).range([innerH, 0]).nice();
  const x = scaleBand<number>()
    .domain(data.local.map((_, i) => i))
    .range([0, innerW])
    .padding(0.2);
  const every = Math.max(1, Math.ceil(steps / 12));
  root
    .append('g')
    .attr('class', 'axis')
    .attr('transform', `translate(0,${innerH})`)
    .call(axisBottom(x).tickValues(data.local.map((_, i) => i).filter((i) => i % every === 0)));
  root
    .append('g')
    .attr('class', 'axis')
    .call(
      axisLeft(y)
        .ticks(4, log ? '~e' : '~g')
        .tickFormat((d) => (log ? format('.0e')(d as number) : tick(d as number))),
    );
  drawAxisTitles(root, { innerW, innerH }, { x: 'step i (t_i → t_i+1)', y: `local error e_i${log ? ' (log)' : ''}`, xOffset: 32, yOffset: 46 });

  const color = data.color ?? solverColor(data.solver);
  const base = y.range()[0];
  const bars = data.local.map((v, i) => ({ i, v })).filter((b) => shown(b.v));
  root
    .append('g')
    .attr('class', 'step-error-bars')
    .attr('data-solver', data.solver)
    .selectAll('rect')
    .data(bars)
    .join('rect')
    .attr('class', 'step-error-bar')
    .attr('data-step', (b) => b.i)
    .attr('x', (b) => x(b.i) ?? 0)
    .attr('width', x.bandwidth())
    .attr('y', (b) => Math.min(base, y(b.v)))
    .attr('height', (b) => Math.max(0, base - y(b.v)))
    .attr('fill', color)
    .append('title')
    .text((b) => `${data.label}, step ${b.i} (t = ${data.times[b.i]?.toPrecision(4)} → ${data.times[b.i + 1]?.toPrecision(4)}): e = ${b.v.toPrecision(4)}`);

  const globalLine = data.global !== null && shown(data.global);
  if (globalLine) {
    const gy = y(data.global!);
    const g = root.append('g').attr('class', 'step-error-global');
    g.append('line').attr('x1', 0).attr('x2', innerW).attr('y1', gy).attr('y2', gy).style('stroke', 'var(--ink)').attr('stroke-width', 1.2).attr('stroke-dasharray', '5 4');
    g.append('text')
      .attr('x', innerW)
      .attr('y', gy - 4)
      .attr('text-anchor', 'end')
      .style('fill', 'var(--ink)')
      .style('font-size', '11px')
      .text(`global error (same-noise RMSE) ${data.global!.toPrecision(3)}`);
  }
  const domain = y.domain() as [number, number];
  return { bars: bars.length, drawn: bars.map((b) => b.v), skipped: steps - bars.length, globalLine, domain: [domain[0], domain[1]] };
}

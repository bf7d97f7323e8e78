// The PDE lab's d3 charts (DESIGN §6: functional modules `(svg, data, options) => report`): the 1D field as a
// line, the invariants over time, the stepper's stability region with the grid's hλ, the convergence study,
// and the colour bar. Each redraws its svg from scratch and returns what it drew (for the test hook).

import { axisBottom, axisLeft, contours, extent, format, geoIdentity, geoPath, line, scaleLinear, scaleLog, select, type ScaleLinear } from 'd3';
import { amplificationFactor } from '../../core/pde/stability.ts';
import type { StepperName } from '../../core/pde/steppers.ts';
import type { Complex } from '../../core/pde/types.ts';
import type { ConvergenceResult } from '../../engine/pde/convergence.ts';
import type { ColormapName } from '../../state/pdeStore.ts';
import { isStepperUnstable, summarizeStability } from '../../ui/pde/stabilityInfo.ts';
import { drawAxisTitles } from '../axisTitles.ts';
import { colormapCss } from './colormaps.ts';

const tick = format('~g');
const sci = format('.2~e');

/** colours of the two side-by-side runs and of the steppers in the convergence chart */
export const RUN_COLORS = { primary: '#2563eb', compare: '#c2410c' } as const;
const STEPPER_COLORS: Record<string, string> = {
  euler: '#868e96',
  rk2: '#a61e4d',
  rk4: '#d9480f',
  'imex-euler': '#5f3dc4',
  sbdf2: '#1971c2',
  cnab2: '#0c8599',
  ifrk4: '#e67700',
  etd1: '#2b8a3e',
  etdrk2: '#5c940d',
  etdrk3: '#087f5b',
  etdrk4: '#2563eb',
};
export const stepperColor = (s: string) => STEPPER_COLORS[s] ?? '#495057';

function frame(svgElement: SVGSVGElement, width: number, height: number, margin: { top: number; right: number; bottom: number; left: number }) {
  const svg = select(svgElement).attr('viewBox', `0 0 ${width} ${height}`).attr('width', width).attr('height', height);
  svg.selectAll('*').remove();
  const innerW = Math.max(10, width - margin.left - margin.right);
  const innerH = Math.max(10, height - margin.top - margin.bottom);
  const root = svg.append('g').attr('transform', `translate(${margin.left},${margin.top})`);
  return { svg, root, innerW, innerH };
}

function axes(root: ReturnType<typeof frame>['root'], x: ScaleLinear<number, number> | ReturnType<typeof scaleLog>, y: ScaleLinear<number, number> | ReturnType<typeof scaleLog>, innerH: number, ticks = 5) {
  root.append('g').attr('class', 'axis').attr('transform', `translate(0,${innerH})`).call(axisBottom(x as ScaleLinear<number, number>).ticks(ticks, '~g'));
  root.append('g').attr('class', 'axis').call(axisLeft(y as ScaleLinear<number, number>).ticks(4, '~g'));
}

// ---- 1D field ----------------------------------------------------------------------------------------------

export interface LineSeries {
  label: string;
  color: string;
  values: ArrayLike<number>;
}

export interface LinePlotOptions {
  width: number;
  height: number;
  /** the box length: x_j = j·L/n */
  length: number;
  yTitle: string;
}

export interface LinePlotReport {
  series: { label: string; points: number; min: number; max: number }[];
  /** maps a pointer position (px in the svg) to (x, u): for dragging the profile */
  invert(px: number, py: number): [number, number];
}

export function drawLinePlot(svgElement: SVGSVGElement, data: LineSeries[], options: LinePlotOptions): LinePlotReport {
  const margin = { top: 8, right: 12, bottom: 34, left: 50 };
  const { root, innerW, innerH } = frame(svgElement, options.width, options.height, margin);
  const all = data.flatMap((s) => Array.from(s.values).filter(Number.isFinite));
  let [lo, hi] = all.length ? (extent(all) as [number, number]) : [0, 1];
  if (hi - lo < 1e-12) [lo, hi] = [lo - 0.5, hi + 0.5];
  const pad = 0.06 * (hi - lo);
  const x = scaleLinear().domain([0, options.length]).range([0, innerW]);
  const y = scaleLinear().domain([lo - pad, hi + pad]).range([innerH, 0]).nice();
  axes(root, x, y, innerH);
  drawAxisTitles(root, { innerW, innerH }, { x: 'x', y: options.yTitle, xOffset: 30, yOffset: 40 });
  for (const s of data) {
    const n = s.values.length;
    const points: [number, number][] = Array.from({ length: n + 1 }, (_, j) => [x((j * options.length) / n), y(s.values[j % n])]);
    // the periodic point x = L repeats x = 0, so the line spans the whole box
    root.append('path').attr('fill', 'none').attr('stroke', s.color).attr('stroke-width', 1.6).attr('d', line()(points.filter((p) => Number.isFinite(p[1]))));
  }
  return {
    series: data.map((s) => {
      const finite = Array.from(s.values).filter(Number.isFinite);
      return { label: s.label, points: s.values.length, min: Math.min(...finite), max: Math.max(...finite) };
    }),
    invert: (px, py) => [x.invert(px - margin.left), y.invert(py - margin.top)],
  };
}

// ---- invariants over time ----------------------------------------------------------------------------------

export interface InvariantChartSeries {
  label: string;
  color: string;
  times: number[];
  values: number[];
}

export interface InvariantChartReport {
  lines: { label: string; points: number; first: number | null; last: number | null; relativeChange: number | null }[];
}

export function drawInvariantChart(svgElement: SVGSVGElement, data: InvariantChartSeries[], options: { width: number; height: number; title: string }): InvariantChartReport {
  const { root, innerW, innerH } = frame(svgElement, options.width, options.height, { top: 8, right: 12, bottom: 30, left: 64 });
  const times = data.flatMap((s) => s.times);
  const values = data.flatMap((s) => s.values).filter(Number.isFinite);
  const [t0, t1] = times.length ? (extent(times) as [number, number]) : [0, 1];
  let [lo, hi] = values.length ? (extent(values) as [number, number]) : [0, 1];
  // a conserved quantity is flat: show its round-off, not a blown-up axis of nothing
  const span = Math.max(hi - lo, 1e-9 * Math.max(1, Math.abs(hi)));
  [lo, hi] = [lo - 0.1 * span, hi + 0.1 * span];
  const x = scaleLinear().domain([t0, t1 > t0 ? t1 : t0 + 1]).range([0, innerW]);
  const y = scaleLinear().domain([lo, hi]).range([innerH, 0]);
  axes(root, x, y, innerH, 4);
  drawAxisTitles(root, { innerW, innerH }, { x: 'time t', y: options.title, xOffset: 27, yOffset: 56 });
  for (const s of data) {
    const points = s.times.map((t, i) => [x(t), y(s.values[i])] as [number, number]).filter((p) => Number.isFinite(p[1]));
    root.append('path').attr('fill', 'none').attr('stroke', s.color).attr('stroke-width', 1.6).attr('d', line()(points));
  }
  return {
    lines: data.map((s) => {
      const first = s.values.length ? s.values[0] : null;
      const last = s.values.length ? s.values[s.values.length - 1] : null;
      const relativeChange = first !== null && last !== null && first !== 0 ? (last - first) / Math.abs(first) : null;
      return { label: s.label, points: s.values.length, first, last, relativeChange };
    }),
  };
}

// ---- stability region --------------------------------------------------------------------------------------

export interface StabilityReport {
  stepper: string;
  /** distinct z = h·L(k) over the grid */
  eigenvalues: number;
  /** how many lie where the PDE damps or keeps them (Re z ≤ 0) but |R(z)| > 1: made unstable by the stepper */
  unstable: number;
  /** how many have Re z > 0 (growing in the PDE itself) */
  growing: number;
  /** the largest |R(z)| over the stepper-unstable ones (0 when none) */
  maxGrowth: number;
  /** the drawn window in z */
  window: { re: [number, number]; im: [number, number] };
}

/**
 * The region |R(z)| ≤ 1 of `stepper` (shaded; d3.contours of |R| on a grid over the window) with the grid's
 * z = hλ as dots: red where the stepper makes a mode grow that the PDE damps, hollow where the PDE itself grows
 * (Re z > 0). The window covers the dots and at least [−4, 1] × [−3, 3].
 */
export function drawStabilityRegion(svgElement: SVGSVGElement, data: { stepper: StepperName; eigenvalues: Complex[] }, options: { width: number; height: number }): StabilityReport {
  const { root, innerW, innerH } = frame(svgElement, options.width, options.height, { top: 8, right: 12, bottom: 34, left: 48 });
  const { stepper, eigenvalues } = data;
  const re = eigenvalues.map((z) => z[0]);
  const im = eigenvalues.map((z) => Math.abs(z[1]));
  const reLo = Math.min(-4, 1.08 * Math.min(0, ...re));
  const reHi = Math.max(1, 1.08 * Math.max(0, ...re));
  const imHi = Math.max(3, 1.08 * Math.max(0, ...im));
  const x = scaleLinear().domain([reLo, reHi]).range([0, innerW]);
  const y = scaleLinear().domain([-imHi, imHi]).range([innerH, 0]);
  const gw = 160;
  // square cells, so one uniform scale maps grid cells to the plot
  const gh = Math.max(2, Math.round((gw * innerH) / innerW));
  const grid = new Float64Array(gw * gh);
  for (let j = 0; j < gh; j++)
    for (let i = 0; i < gw; i++) {
      const z: Complex = [reLo + ((i + 0.5) / gw) * (reHi - reLo), imHi - ((j + 0.5) / gh) * 2 * imHi];
      const r = amplificationFactor(stepper, z);
      grid[j * gw + i] = -Math.hypot(r[0], r[1]);
    }
  // regions where −|R| ≥ −1, i.e. |R| ≤ 1, in grid cells → the plot's pixels
  const [region] = contours().size([gw, gh]).thresholds([-1])(Array.from(grid));
  root
    .append('path')
    .attr('class', 'stability-region')
    .attr('fill', '#c5dafc')
    .attr('stroke', '#2563eb')
    .attr('d', geoPath(geoIdentity().scale(innerW / gw))(region));
  root.append('line').attr('x1', x(reLo)).attr('x2', x(reHi)).attr('y1', y(0)).attr('y2', y(0)).attr('stroke', '#adb5bd');
  root.append('line').attr('x1', x(0)).attr('x2', x(0)).attr('y1', 0).attr('y2', innerH).attr('stroke', '#adb5bd');
  axes(root, x, y, innerH);
  drawAxisTitles(root, { innerW, innerH }, { x: 'Re hλ', y: 'Im hλ', xOffset: 30, yOffset: 36 });
  const dots = root.append('g');
  for (const z of eigenvalues) {
    const dot = dots.append('circle').attr('cx', x(z[0])).attr('cy', y(z[1])).attr('r', 2.2).attr('opacity', 0.8);
    // currentColor: the page's ink in either theme (dark on light, light on dark)
    if (z[0] > 0) dot.attr('fill', 'none').attr('stroke', 'currentColor');
    else dot.attr('fill', isStepperUnstable(stepper, z) ? '#c92a2a' : 'currentColor');
  }
  const summary = summarizeStability(stepper, eigenvalues);
  return { stepper, eigenvalues: summary.modes, unstable: summary.unstable, growing: summary.growing, maxGrowth: summary.maxGrowth, window: { re: [reLo, reHi], im: [-imHi, imHi] } };
}

// ---- convergence study -------------------------------------------------------------------------------------

export interface ConvergenceChartReport {
  curves: { stepper: string; order: number | null; points: number; diverged: number }[];
}

export function drawConvergenceChart(svgElement: SVGSVGElement, result: ConvergenceResult, options: { width: number; height: number }): ConvergenceChartReport {
  const { root, innerW, innerH } = frame(svgElement, options.width, options.height, { top: 14, right: 110, bottom: 36, left: 56 });
  const dts = result.curves.flatMap((c) => c.points.map((p) => p.dt));
  const errors = result.curves.flatMap((c) => c.points.map((p) => p.error)).filter((e): e is number => e !== null && e > 0);
  const [dtLo, dtHi] = extent(dts) as [number, number];
  const x = scaleLog().domain([dtLo / 1.3, dtHi * 1.3]).range([0, innerW]);
  const [eLo, eHi] = errors.length ? (extent(errors) as [number, number]) : [1e-8, 1];
  const y = scaleLog().domain([eLo / 3, eHi * 3]).range([innerH, 0]);
  root.append('g').attr('class', 'axis').attr('transform', `translate(0,${innerH})`).call(axisBottom(x).ticks(5, '~g'));
  root.append('g').attr('class', 'axis').call(axisLeft(y).ticks(5, '.0e'));
  drawAxisTitles(root, { innerW, innerH }, { x: 'time step dt (log)', y: 'error at tEnd (log)', xOffset: 31, yOffset: 46 });
  const curves = result.curves.map((curve) => {
    const color = stepperColor(curve.stepper);
    const ok = curve.points.filter((p) => p.error !== null && p.error > 0);
    root.append('path').attr('fill', 'none').attr('stroke', color).attr('stroke-width', 1.8).attr('d', line()(ok.map((p) => [x(p.dt), y(p.error!)])));
    for (const p of ok) root.append('circle').attr('cx', x(p.dt)).attr('cy', y(p.error!)).attr('r', 3).attr('fill', color);
    const diverged = curve.points.filter((p) => p.diverged);
    // a blown-up run has no error: an × on the top edge at its dt marks the stability limit
    for (const p of diverged) {
      const cx = x(p.dt);
      root.append('path').attr('d', `M${cx - 4},-4L${cx + 4},4M${cx - 4},4L${cx + 4},-4`).attr('stroke', color).attr('stroke-width', 2).append('title').text(`${curve.stepper} blew up at dt = ${p.dt} (step ${p.diverged!.step}, t = ${tick(p.diverged!.time)})`);
    }
    if (diverged.length && ok.length) {
      const limit = Math.max(...ok.map((p) => p.dt));
      root.append('line').attr('x1', x(limit)).attr('x2', x(limit)).attr('y1', 0).attr('y2', innerH).attr('stroke', color).attr('stroke-dasharray', '3,3').attr('opacity', 0.7);
    }
    const last = ok[0];
    const label = `${curve.stepper}: ${curve.order === null ? 'order n/a' : `order ${curve.order.toFixed(2)}`}`;
    if (last) root.append('text').attr('x', innerW + 6).attr('y', y(last.error!)).attr('dy', '0.35em').attr('font-size', 11).attr('fill', color).text(label);
    else root.append('text').attr('x', innerW + 6).attr('y', 0).attr('font-size', 11).attr('fill', color).text(`${curve.stepper}: all diverged`);
    return { stepper: curve.stepper, order: curve.order, points: ok.length, diverged: diverged.length };
  });
  return { curves };
}

// ---- colour bar --------------------------------------------------------------------------------------------

export function drawColorBar(svgElement: SVGSVGElement, colormap: ColormapName, range: [number, number], options: { width: number; height: number; id: string }): void {
  const { svg, root, innerW } = frame(svgElement, options.width, options.height, { top: 2, right: 14, bottom: 18, left: 14 });
  const gradient = svg.append('defs').append('linearGradient').attr('id', options.id);
  for (let i = 0; i <= 16; i++) gradient.append('stop').attr('offset', `${(i / 16) * 100}%`).attr('stop-color', colormapCss(colormap, i / 16));
  root.append('rect').attr('width', innerW).attr('height', 10).attr('fill', `url(#${options.id})`);
  const x = scaleLinear().domain(range).range([0, innerW]);
  root.append('g').attr('class', 'axis').attr('transform', 'translate(0,10)').call(axisBottom(x).ticks(4).tickFormat((v) => (Math.abs(+v) < 1e-3 && +v !== 0 ? sci(+v) : tick(+v))));
}

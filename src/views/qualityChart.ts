// Quality vs. cost (d3, a functional chart module `(svg, data, options) => report`, DESIGN §6): one metric
// against NFE on log-log axes, one curve per solver, the current NFE marked. With several seeds each curve gets
// its 95% interval as a shaded band; the metric's null band (two exact sets compared) is a grey horizontal band:
// below it a sampler cannot be told from exact sampling. Each curve's end is labelled with its log-log slope
// over its last 3 points above noise (above the below-noise line and the null band; for the same-noise RMSE,
// minus the global order).
//
// MMD² is the unbiased estimator (specs/samplers.md §17.3a): near convergence it scatters around 0 and
// can be ≤ 0. On a log axis such points (and those within the estimator's noise, when a noise level is
// given) are drawn on a floor line labelled "below noise" (hollow markers), never dropped.

import { axisBottom, axisLeft, format, line, max as d3max, min as d3min, scaleLog, select } from 'd3';
import { bandOutline, horizontalBand, polygonPath, tailSlope, type SlopeFit } from './chartMath.ts';
import { drawAxisTitles } from './axisTitles.ts';
import { solverColor } from './palette.ts';

export interface QualityPoint {
  nfe: number;
  value: number;
  /** the 95% interval over seeds (absent with one seed) */
  low?: number;
  high?: number;
}

export interface QualityCurve {
  solver: string;
  label: string;
  /** its configuration's colour (default: the solver's) */
  color?: string;
  points: QualityPoint[];
}

export interface QualityChartData {
  curves: QualityCurve[];
  /** the live run's value at the current NFE, per solver (drawn as a ring) */
  live?: { solver: string; nfe: number; value: number; color?: string }[];
}

export interface QualityChartOptions {
  width: number;
  height: number;
  /** y axis title */
  title: string;
  /** NFE range of the x axis */
  nfeDomain: [number, number];
  /** the NFE the controls are set to (vertical marker) */
  currentNfe?: number;
  /**
   * values ≤ this are "below noise" (drawn hollow on a floor line at this level); default 0: only
   * non-positive values. For the unbiased MMD² the size of its most negative estimate is a fair guess.
   */
  noiseFloor?: number;
  /** the metric's null band (exact against exact), same units as the values */
  nullBand?: { low: number; high: number; mean: number };
  /** a line added to the null band's tooltip (whose band it is, when curves end at different points) */
  nullBandNote?: string;
  /** text beside a curve's end for its fitted slope (default `slope −1.9`); no label when absent */
  slopeLabel?: (slope: number) => string;
}

/** What was drawn, for the page's test hook (views report that they rendered the current data). */
export interface QualityChartReport {
  curves: {
    solver: string;
    /** drawn points with their pixel positions (y grows downwards); yLow/yHigh are the band's edges there */
    points: { nfe: number; value: number; low?: number; high?: number; x: number; y: number; yLow?: number; yHigh?: number }[];
    /** vertices of the shaded interval band (0: none drawn) */
    bandVertices: number;
    slope: SlopeFit | null;
  }[];
  /** the null band as drawn (pixel rows), null when there is none or it lies below the axis */
  nullBand: { low: number; high: number; top: number; bottom: number; label: string } | null;
  /** the live run's rings as drawn (value × scale, pixel centre) */
  live: { solver: string; nfe: number; value: number; x: number; y: number }[];
}

const MARGIN = { top: 14, right: 16, bottom: 34, left: 54 };
const tick = format('~g');

/** Draw (or redraw) the chart into `svg`; everything inside it is replaced. */
export function drawQualityChart(svgElement: SVGSVGElement, data: QualityChartData, options: QualityChartOptions): QualityChartReport {
  const { width, height } = options;
  const svg = select(svgElement).attr('viewBox', `0 0 ${width} ${height}`).attr('width', width).attr('height', height);
  svg.selectAll('*').remove();
  // slope labels sit to the right of the curves' ends (the last NFE is at the right edge)
  const marginRight = options.slopeLabel ? 78 : MARGIN.right;
  const innerW = Math.max(10, width - MARGIN.left - marginRight);
  const innerH = Math.max(10, height - MARGIN.top - MARGIN.bottom);
  const root = svg.append('g').attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);

  const threshold = options.noiseFloor ?? 0;
  const all = [...data.curves.flatMap((c) => c.points.map((p) => p.value)), ...(data.live ?? []).map((p) => p.value)].filter(Number.isFinite);
  // the axis also holds the bands' upper edges and the null band (whose lower edge may be ≤ 0: see horizontalBand)
  const extents = [...data.curves.flatMap((c) => c.points.map((p) => p.high ?? Number.NaN)), options.nullBand?.high ?? Number.NaN].filter(Number.isFinite);
  const positive = [...all, ...extents].filter((v) => v > threshold);
  const hasBelow = all.some((v) => v <= threshold);
  const top = d3max(positive) ?? 1;
  const bottom = d3min(positive) ?? top / 100;
  // the floor sits a bit below the smallest value that is above noise
  const floor = threshold > 0 ? threshold : bottom / 3;
  const yLow = hasBelow ? floor / 1.6 : bottom / 1.5;
  const x = scaleLog().domain(options.nfeDomain).range([0, innerW]);
  const y = scaleLog()
    .domain([yLow, Math.max(top * 1.5, yLow * 10)])
    .range([innerH, 0])
    .nice();
  const yOf = (v: number) => y(v > threshold ? v : floor);
  // a band's lower edge: values below noise or below the axis (a 95% interval over few seeds can reach ≤ 0)
  // go to the axis' bottom, rather than stretching the axis over decades or leaving the plot
  const yOfLow = (v: number) => (v > threshold ? Math.min(innerH, y(v)) : innerH);

  // grid and axes
  const xTicks = [2, 3, 5, 10, 20, 30, 50].filter((t) => t >= options.nfeDomain[0] && t <= options.nfeDomain[1]);
  root
    .append('g')
    .attr('class', 'grid')
    .selectAll('line')
    .data(all.length > 0 ? y.ticks().filter((t) => Math.abs(Math.log10(t) - Math.round(Math.log10(t))) < 1e-9) : [])
    .join('line')
    .attr('x1', 0)
    .attr('x2', innerW)
    .attr('y1', (d) => y(d))
    .attr('y2', (d) => y(d));
  root
    .append('g')
    .attr('class', 'axis')
    .attr('transform', `translate(0,${innerH})`)
    .call(axisBottom(x).tickValues(xTicks).tickFormat((d) => tick(d as number)));
  root
    .append('g')
    .attr('class', 'axis')
    .call(axisLeft(y).ticks(5, '~g'));
  drawAxisTitles(root, { innerW, innerH }, { x: 'NFE (model evaluations)', y: options.title, xOffset: 30, yOffset: 42 });

  if (all.length === 0) {
    root
      .append('text')
      .attr('class', 'empty-label')
      .attr('x', innerW / 2)
      .attr('y', innerH / 2)
      .attr('text-anchor', 'middle')
      .text('no points yet');
  }

  // the null band under everything else
  let nullReport: QualityChartReport['nullBand'] = null;
  if (options.nullBand && all.length > 0) {
    const [yMin, yMax] = y.domain();
    const rows = horizontalBand(options.nullBand.low, options.nullBand.high, yMin, yMax, y);
    if (rows) {
      const label = 'exact-vs-exact noise';
      const g = root.append('g').attr('class', 'null-band');
      g.append('rect')
        .attr('x', 0)
        .attr('width', innerW)
        .attr('y', rows.top)
        .attr('height', Math.max(1, rows.bottom - rows.top))
        .append('title')
        .text(
          `${label}: ${options.title} between two independent exact sample sets, ${options.nullBand.low.toPrecision(2)} … ${options.nullBand.high.toPrecision(2)} (mean ${options.nullBand.mean.toPrecision(2)}); below its top a sampler cannot be told from exact sampling${options.nullBandNote ? `. ${options.nullBandNote}` : ''}`,
        );
      g.append('text').attr('class', 'null-band-label').attr('x', innerW - 4).attr('y', rows.top - 3).attr('text-anchor', 'end').text(label);
      nullReport = { low: options.nullBand.low, high: options.nullBand.high, top: rows.top, bottom: rows.bottom, label };
    }
  }

  // floor line for values below noise
  if (hasBelow) {
    const fy = y(floor);
    root.append('line').attr('class', 'noise-floor').attr('x1', 0).attr('x2', innerW).attr('y1', fy).attr('y2', fy);
    root
      .append('text')
      .attr('class', 'noise-floor-label')
      .attr('x', 4)
      .attr('y', fy - 4)
      .attr('text-anchor', 'start')
      .text(threshold > 0 ? `below noise (≤ ${threshold.toPrecision(2)})` : 'below noise (≤ 0)');
  }

  // current NFE
  if (options.currentNfe !== undefined && options.currentNfe >= options.nfeDomain[0] && options.currentNfe <= options.nfeDomain[1]) {
    const cx = x(options.currentNfe);
    root.append('line').attr('class', 'current-nfe').attr('x1', cx).attr('x2', cx).attr('y1', 0).attr('y2', innerH);
    root
      .append('text')
      .attr('class', 'current-nfe-label')
      .attr('x', cx + 4)
      .attr('y', 10)
      .text(`NFE ${options.currentNfe}`);
  }

  // curves
  const path = line<QualityPoint>()
    .x((p) => x(p.nfe))
    .y((p) => yOf(p.value));
  const report: QualityChartReport = { curves: [], nullBand: nullReport, live: [] };
  const slopeLabels: { y: number; x: number; text: string; color: string; solver: string }[] = [];
  for (const curve of data.curves) {
    const color = curve.color ?? solverColor(curve.solver);
    const points = curve.points.filter((p) => Number.isFinite(p.value)).sort((a, b) => a.nfe - b.nfe);
    const g = root.append('g').attr('class', 'curve').attr('data-solver', curve.solver);
    const intervals = points.flatMap((p) => (p.low !== undefined && p.high !== undefined ? [{ nfe: p.nfe, low: p.low, high: p.high }] : []));
    const outline = bandOutline(intervals, x, yOf, yOfLow);
    if (outline.length > 0) {
      g.append('path').attr('class', 'ci-band').attr('d', polygonPath(outline)).attr('fill', color).attr('fill-opacity', 0.18).attr('stroke', 'none');
    }
    // points inside the null band are noise-limited: their slope would be read as an order it is not
    const slope = tailSlope(points, 3, Math.max(threshold, options.nullBand?.high ?? -Infinity));
    report.curves.push({
      solver: curve.solver,
      points: points.map((p) => ({
        nfe: p.nfe,
        value: p.value,
        x: x(p.nfe),
        y: yOf(p.value),
        ...(p.low !== undefined && p.high !== undefined ? { low: p.low, high: p.high, yLow: yOfLow(Math.min(p.low, p.high)), yHigh: yOf(Math.max(p.low, p.high)) } : {}),
      })),
      bandVertices: outline.length,
      slope,
    });
    if (slope && options.slopeLabel && points.length > 0) {
      const end = points[points.length - 1];
      slopeLabels.push({ x: x(end.nfe), y: yOf(end.value), text: options.slopeLabel(slope.slope), color, solver: curve.solver });
    }
    g.append('path').attr('d', path(points)).attr('fill', 'none').attr('stroke', color).attr('stroke-width', 2);
    g.selectAll('circle')
      .data(points)
      .join('circle')
      .attr('cx', (p) => x(p.nfe))
      .attr('cy', (p) => yOf(p.value))
      .attr('r', (p) => (p.nfe === options.currentNfe ? 5.5 : 3.5))
      // below the noise: hollow (filled with the panel's colour, styles.css `.hollow`, so in either theme)
      .attr('class', (p) => (p.value > threshold ? null : 'hollow'))
      .attr('fill', (p) => (p.value > threshold ? color : 'white'))
      .attr('stroke', color)
      .attr('stroke-width', 1.5)
      .append('title')
      .text(
        (p) =>
          `${curve.label}, NFE ${+p.nfe.toFixed(1)}: ${options.title} = ${p.value.toPrecision(3)}${p.low !== undefined && p.high !== undefined ? ` (95% interval ${p.low.toPrecision(3)} … ${p.high.toPrecision(3)})` : ''}${p.value <= threshold ? ' (below noise)' : ''}`,
      );
  }

  // slope labels at the curves' ends, pushed apart vertically so that they do not overlap
  slopeLabels.sort((a, b) => a.y - b.y);
  for (let i = 1; i < slopeLabels.length; i++) slopeLabels[i].y = Math.max(slopeLabels[i].y, slopeLabels[i - 1].y + 12);
  for (const l of slopeLabels) {
    root
      .append('text')
      .attr('class', 'slope-label')
      .attr('data-solver', l.solver)
      .attr('x', l.x + 8)
      .attr('y', l.y + 4)
      .attr('text-anchor', 'start')
      .attr('fill', l.color)
      .text(l.text);
  }

  // the live run at the current NFE (may be an NFE the sweep does not have)
  for (const p of data.live ?? []) {
    if (!Number.isFinite(p.value) || p.nfe < options.nfeDomain[0] || p.nfe > options.nfeDomain[1]) continue;
    const color = p.color ?? solverColor(p.solver);
    report.live.push({ solver: p.solver, nfe: p.nfe, value: p.value, x: x(p.nfe), y: yOf(p.value) });
    root
      .append('circle')
      .attr('class', 'live-point')
      .attr('cx', x(p.nfe))
      .attr('cy', yOf(p.value))
      .attr('r', 8)
      .attr('fill', 'none')
      .attr('stroke', color)
      .attr('stroke-width', 2)
      .append('title')
      .text(`live run, NFE ${p.nfe}: ${options.title} = ${p.value.toPrecision(3)}${p.value <= threshold ? ' (below noise)' : ''}`);
  }
  return report;
}

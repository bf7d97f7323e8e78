// The time grid of each configuration (d3, a functional chart module `(svg, data, options) => report`,
// DESIGN §6): one quantity — t, σ̃ = σ/α or λ = log(α/σ) — against the step index, one line of points per
// solver, so schedules and solvers' grids can be compared at a glance (a log-SNR-uniform grid is a straight
// line in λ; Karras's is straight in σ̃^(1/ρ)). A grid that ends at σ = 0 has λ = +∞ and σ̃ = 0 there: that
// point is pinned to the panel's edge and drawn hollow, never dropped, so every panel shows N + 1 points.

import { axisBottom, axisLeft, format, line, scaleLinear, scaleLog, select } from 'd3';
import { drawAxisTitles } from './axisTitles.ts';
import { solverColor } from './palette.ts';

export type GridQuantity = 't' | 'sigma' | 'lambda';

export interface GridSeries {
  solver: string;
  label: string;
  /** its configuration's colour (default: the solver's) */
  color?: string;
  t: number[];
  /** σ̃ = σ/α (the k-diffusion σ) */
  sigmaTilde: number[];
  lambda: number[];
}

export interface GridChartOptions {
  width: number;
  height: number;
  quantity: GridQuantity;
}

export interface GridChartReport {
  quantity: GridQuantity;
  /** per solver: points drawn (pinned ones included) and how many were pinned to an edge */
  series: { solver: string; points: number; pinned: number }[];
}

const MARGIN = { top: 10, right: 12, bottom: 36, left: 50 };
const tick = format('~g');

export const GRID_QUANTITY_TITLES: Record<GridQuantity, string> = {
  t: 'time t',
  sigma: 'σ̃ = σ/α (log)',
  lambda: 'λ = log(α/σ)',
};

function valuesOf(series: GridSeries, quantity: GridQuantity): number[] {
  return quantity === 't' ? series.t : quantity === 'sigma' ? series.sigmaTilde : series.lambda;
}

/** Draw (or redraw) one panel into `svg`; everything inside it is replaced. */
export function drawGridChart(svgElement: SVGSVGElement, data: GridSeries[], options: GridChartOptions): GridChartReport {
  const { width, height, quantity } = options;
  const svg = select(svgElement).attr('viewBox', `0 0 ${width} ${height}`).attr('width', width).attr('height', height);
  svg.selectAll('*').remove();
  const innerW = Math.max(10, width - MARGIN.left - MARGIN.right);
  const innerH = Math.max(10, height - MARGIN.top - MARGIN.bottom);
  const root = svg.append('g').attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);

  // σ̃ spans decades (80 … 0.002 on the EDM defaults): a log axis; t and λ are drawn as they are
  const logAxis = quantity === 'sigma';
  const finite = data.flatMap((s) => valuesOf(s, quantity)).filter((v) => Number.isFinite(v) && (!logAxis || v > 0));
  const maxSteps = Math.max(1, ...data.map((s) => s.t.length - 1));
  const x = scaleLinear().domain([0, maxSteps]).range([0, innerW]);
  let lo = finite.length ? Math.min(...finite) : logAxis ? 0.01 : 0;
  let hi = finite.length ? Math.max(...finite) : logAxis ? 100 : 1;
  if (lo === hi) {
    lo = logAxis ? lo / 2 : lo - 1;
    hi = logAxis ? hi * 2 : hi + 1;
  }
  const y = logAxis ? scaleLog().domain([lo, hi]).range([innerH, 0]).nice() : scaleLinear().domain([lo, hi]).range([innerH, 0]).nice();
  // a value the axis cannot show (λ = +∞, σ̃ = 0 at a σ = 0 end) sits on the edge it goes towards
  const pin = (v: number): { y: number; pinned: boolean } => {
    if (Number.isFinite(v) && (!logAxis || v > 0)) return { y: y(v), pinned: false };
    return { y: v === Infinity ? 0 : innerH, pinned: true };
  };

  root
    .append('g')
    .attr('class', 'axis')
    .attr('transform', `translate(0,${innerH})`)
    .call(
      axisBottom(x)
        .ticks(Math.min(maxSteps, 8))
        .tickFormat((d) => tick(d as number)),
    );
  root
    .append('g')
    .attr('class', 'axis')
    .call(axisLeft(y).ticks(4, '~g'));
  drawAxisTitles(root, { innerW, innerH }, { x: 'step index i', y: GRID_QUANTITY_TITLES[quantity], xOffset: 32, yOffset: 38 });

  const report: GridChartReport = { quantity, series: [] };
  for (const [k, series] of data.entries()) {
    const color = series.color ?? solverColor(series.solver);
    // configurations often share a grid (every fixed-grid solver on the same schedule and NFE): earlier series get
    // larger markers, so that coinciding points show as concentric rings in each colour instead of hiding
    const radius = 2.5 + 1.6 * (data.length - 1 - k);
    const values = valuesOf(series, quantity);
    const placed = values.map((v, i) => ({ i, v, ...pin(v) }));
    const g = root.append('g').attr('class', 'grid-series').attr('data-solver', series.solver);
    const path = line<(typeof placed)[number]>()
      .x((p) => x(p.i))
      .y((p) => p.y);
    g.append('path').attr('d', path(placed)).attr('fill', 'none').attr('stroke', color).attr('stroke-width', 1.5).attr('stroke-opacity', 0.8);
    g.selectAll('circle')
      .data(placed)
      .join('circle')
      .attr('class', (p) => (p.pinned ? 'grid-point pinned' : 'grid-point'))
      .attr('cx', (p) => x(p.i))
      .attr('cy', (p) => p.y)
      .attr('r', radius)
      .attr('fill', (p) => (p.pinned ? 'white' : color))
      .attr('stroke', color)
      .attr('stroke-width', 1.2)
      .append('title')
      .text((p) => `${series.label}, step ${p.i}: ${GRID_QUANTITY_TITLES[quantity]} = ${Number.isFinite(p.v) ? p.v.toPrecision(4) : p.v === Infinity ? '+∞ (σ = 0)' : String(p.v)}`);
    report.series.push({ solver: series.solver, points: placed.length, pinned: placed.filter((p) => p.pinned).length });
  }
  return report;
}

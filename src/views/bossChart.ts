// BOSS (specs §14, issue 4): the one-jump cost matrix c_kj as a heatmap (k: the anchor a jump starts from, rows;
// j: the anchor it lands on, columns; k < j only, log colour scale) with the Bellman path drawn on it as a staircase
// (row i_m, column i_{m+1}) → (row i_{m+1}, column i_{m+1}) → …, the uniform path dashed beside it; and the step
// sizes of both grids as paired bars. Functional d3 modules `(svg, data, options) => report` (DESIGN §6).
// The (K_max + 1)² cells are painted on a canvas and placed in the SVG as one image (10⁴ rects would be slow).

import { axisBottom, axisLeft, color as d3color, format, interpolateViridis, line, max, scaleBand, scaleLinear, scaleLog, scaleSequentialLog, select } from 'd3';
import { drawAxisTitles } from './axisTitles.ts';

export interface BossHeatmapData {
  kMax: number;
  /** (K_max + 1)² row-major, c_kj for k < j */
  cost: ArrayLike<number>;
  indices: number[];
  uniformIndices: number[];
}

export interface BossHeatmapReport {
  /** cells with a positive finite cost (coloured); zero costs (the teacher's own steps) are drawn white */
  coloured: number;
  zero: number;
  /** the colour scale's domain */
  domain: [number, number];
  /** vertices of the drawn staircases */
  pathVertices: number;
  uniformVertices: number;
}

export const BOSS_OPTIMAL_COLOR = '#e15759';
export const BOSS_UNIFORM_COLOR = '#ffffff';
const MARGIN = { top: 10, right: 64, bottom: 40, left: 50 };
const tick = format('~g');
const LOG_DECADES = 8;

/** the staircase of a path through the matrix, as (column j, row k) cell centres */
function staircase(indices: number[]): [number, number][] {
  const points: [number, number][] = [];
  for (let m = 0; m + 1 < indices.length; m++) {
    points.push([indices[m + 1], indices[m]]);
    if (m + 2 < indices.length) points.push([indices[m + 1], indices[m + 1]]);
  }
  return points;
}

export function drawBossHeatmap(svgElement: SVGSVGElement, data: BossHeatmapData, options: { size: number }): BossHeatmapReport {
  const { kMax, cost, indices, uniformIndices } = data;
  const n1 = kMax + 1;
  const width = options.size + MARGIN.left + MARGIN.right;
  const height = options.size + MARGIN.top + MARGIN.bottom;
  const svg = select(svgElement).attr('viewBox', `0 0 ${width} ${height}`).attr('width', width).attr('height', height);
  svg.selectAll('*').remove();
  const inner = options.size;
  const root = svg.append('g').attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);

  let lo = Infinity;
  let hi = 0;
  let coloured = 0;
  let zero = 0;
  for (let k = 0; k < kMax; k++)
    for (let j = k + 1; j <= kMax; j++) {
      const c = cost[k * n1 + j];
      if (Number.isFinite(c) && c > 0) {
        lo = Math.min(lo, c);
        hi = Math.max(hi, c);
        coloured++;
      } else zero++;
    }
  // rounding leaves costs of 1e-30 beside the exact zeros of the teacher's own steps: the scale spans at most
  // LOG_DECADES decades below the largest cost, and smaller costs take its darkest colour
  lo = Math.max(lo, hi * 10 ** -LOG_DECADES);
  if (!(lo < hi)) {
    lo = lo === Infinity || lo <= 0 ? 1e-6 : lo / 2;
    hi = Math.max(hi * 2, lo * 4);
  }
  const colour = scaleSequentialLog(interpolateViridis).domain([lo, hi]).clamp(true);

  // cell (k, j) at column j, row k: x = j, y = k, each one unit of the band
  const canvas = document.createElement('canvas');
  canvas.width = n1;
  canvas.height = n1;
  const context = canvas.getContext('2d');
  if (context) {
    const image = context.createImageData(n1, n1);
    for (let k = 0; k < n1; k++)
      for (let j = 0; j < n1; j++) {
        const at = 4 * (k * n1 + j);
        if (j <= k) {
          image.data.set([244, 246, 250, 255], at);
          continue;
        }
        const c = cost[k * n1 + j];
        if (!(Number.isFinite(c) && c > 0)) {
          image.data.set([255, 255, 255, 255], at);
          continue;
        }
        const rgb = d3color(colour(c))!.rgb();
        image.data.set([rgb.r, rgb.g, rgb.b, 255], at);
      }
    context.putImageData(image, 0, 0);
    root
      .append('image')
      .attr('class', 'boss-cells')
      .attr('href', canvas.toDataURL())
      .attr('width', inner)
      .attr('height', inner)
      .attr('preserveAspectRatio', 'none')
      .style('image-rendering', 'pixelated');
  }
  const cell = scaleLinear().domain([0, n1]).range([0, inner]);
  const centre = (i: number) => cell(i + 0.5);
  root.append('rect').attr('width', inner).attr('height', inner).attr('fill', 'none').attr('stroke', '#b8c1cf');

  const axisScale = scaleLinear().domain([0, kMax]).range([centre(0), centre(kMax)]);
  root
    .append('g')
    .attr('class', 'axis')
    .attr('transform', `translate(0,${inner})`)
    .call(axisBottom(axisScale).ticks(6).tickFormat((d) => tick(d as number)));
  root.append('g').attr('class', 'axis').call(axisLeft(axisScale).ticks(6).tickFormat((d) => tick(d as number)));
  drawAxisTitles(root, { innerW: inner, innerH: inner }, { x: 'anchor j (jump lands on)', y: 'anchor k (jump starts from)', xOffset: 34, yOffset: 36 });

  const path = line<[number, number]>()
    .x((p) => centre(p[0]))
    .y((p) => centre(p[1]));
  const uniform = staircase(uniformIndices);
  const optimal = staircase(indices);
  root
    .append('path')
    .attr('class', 'boss-uniform-path')
    .attr('d', path(uniform))
    .attr('fill', 'none')
    .attr('stroke', BOSS_UNIFORM_COLOR)
    .attr('stroke-width', 2)
    .attr('stroke-dasharray', '4 3');
  root.append('path').attr('class', 'boss-optimal-path').attr('d', path(optimal)).attr('fill', 'none').attr('stroke', BOSS_OPTIMAL_COLOR).attr('stroke-width', 2.2);
  root
    .append('g')
    .selectAll('circle')
    .data(optimal.filter((_, i) => i % 2 === 0))
    .join('circle')
    .attr('cx', (p) => centre(p[0]))
    .attr('cy', (p) => centre(p[1]))
    .attr('r', 3)
    .attr('fill', BOSS_OPTIMAL_COLOR)
    .append('title')
    .text((p) => `jump ${p[1]} → ${p[0]}: c = ${cost[p[1] * n1 + p[0]].toPrecision(3)}`);

  // the colour bar
  const bar = svg.append('g').attr('transform', `translate(${MARGIN.left + inner + 12},${MARGIN.top})`);
  const barScale = scaleLog().domain([lo, hi]).range([inner, 0]);
  const decades = Math.log10(hi / lo);
  const stops = 24;
  for (let i = 0; i < stops; i++) {
    const v = lo * (hi / lo) ** ((i + 0.5) / stops);
    bar
      .append('rect')
      .attr('x', 0)
      .attr('y', (inner * (stops - 1 - i)) / stops)
      .attr('width', 10)
      .attr('height', inner / stops + 0.5)
      .attr('fill', colour(v));
  }
  bar
    .append('g')
    .attr('class', 'axis')
    .attr('transform', 'translate(10,0)')
    .call(
      axisLeft(barScale)
        .tickValues(barScale.ticks().filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9).filter((_, i, all) => all.length <= 6 || i % Math.ceil(decades / 5) === 0))
        .tickFormat(format('.0e'))
        .tickSizeOuter(0),
    )
    .call((g) => g.selectAll('text').attr('x', 14).attr('text-anchor', 'start'))
    .call((g) => g.selectAll('line').attr('x2', 4));

  return { coloured, zero, domain: [lo, hi], pathVertices: optimal.length, uniformVertices: uniform.length };
}

export interface BossStepsData {
  /** the optimal and the uniform grid's times t_0 > … > t_K */
  optimal: number[];
  uniform: number[];
}

export interface BossStepsReport {
  steps: number;
  optimal: number[];
  uniform: number[];
}

/** |Δt| of each step, optimal beside uniform */
export function drawBossSteps(svgElement: SVGSVGElement, data: BossStepsData, options: { width: number; height: number }): BossStepsReport {
  const { width, height } = options;
  const svg = select(svgElement).attr('viewBox', `0 0 ${width} ${height}`).attr('width', width).attr('height', height);
  svg.selectAll('*').remove();
  const m = { top: 10, right: 12, bottom: 40, left: 50 };
  const innerW = Math.max(10, width - m.left - m.right);
  const innerH = Math.max(10, height - m.top - m.bottom);
  const root = svg.append('g').attr('transform', `translate(${m.left},${m.top})`);
  const sizes = (t: number[]) => t.slice(1).map((v, i) => Math.abs(t[i] - v));
  const optimal = sizes(data.optimal);
  const uniform = sizes(data.uniform);
  const steps = optimal.length;
  const x = scaleBand<number>()
    .domain(Array.from({ length: steps }, (_, i) => i + 1))
    .range([0, innerW])
    .padding(0.2);
  const y = scaleLinear()
    .domain([0, max([...optimal, ...uniform]) ?? 1])
    .range([innerH, 0])
    .nice();
  const half = x.bandwidth() / 2;
  root
    .append('g')
    .attr('class', 'axis')
    .attr('transform', `translate(0,${innerH})`)
    .call(axisBottom(x).tickValues(x.domain().filter((i) => steps <= 12 || i % Math.ceil(steps / 12) === 0)));
  root.append('g').attr('class', 'axis').call(axisLeft(y).ticks(4, '~g'));
  drawAxisTitles(root, { innerW, innerH }, { x: 'step m', y: '|Δt| of the step', xOffset: 32, yOffset: 38 });
  const bars = (values: number[], offset: number, fill: string, cls: string, what: string) =>
    root
      .append('g')
      .attr('class', cls)
      .selectAll('rect')
      .data(values)
      .join('rect')
      .attr('x', (_, i) => x(i + 1)! + offset)
      .attr('y', (v) => y(v))
      .attr('width', half)
      .attr('height', (v) => innerH - y(v))
      .attr('fill', fill)
      .append('title')
      .text((v, i) => `${what} step ${i + 1}: |Δt| = ${v.toPrecision(3)}`);
  bars(optimal, 0, BOSS_OPTIMAL_COLOR, 'boss-optimal-bars', 'Bellman');
  bars(uniform, half, '#8a94a6', 'boss-uniform-bars', 'uniform');
  return { steps, optimal, uniform };
}

// A paper claim's measurements (issue 4, src/core/claims.ts): one metric against the claim's axis (NFE, or a
// schedule parameter at fixed NFE), one line with markers per series. A functional d3 module
// `(svg, data, options) => report` (DESIGN §6). The y axis is logarithmic when every value is positive; a metric
// that reaches zero or below (the unbiased MMD², a mass fraction of 0) gets a linear axis instead, so no point is
// dropped. The best point of each series is ringed on parameter axes (where the claim is about an optimum).

import { axisBottom, axisLeft, line, scaleLinear, scaleLog, select } from 'd3';
import { drawAxisTitles } from './axisTitles.ts';

/** series colours: distinct on the light chart background and for the common colour-vision deficiencies */
export const CLAIM_COLORS = ['#3ba7f0', '#f28e2b', '#59a14f', '#e15759', '#b07aa1', '#76b7b2'];

export interface ClaimChartData {
  axis: { label: string; values: number[]; log: boolean };
  metricLabel: string;
  /** per series: label and the metric at each axis value (NaN: not measured yet) */
  series: { label: string; values: number[] }[];
  /** ring each series' smallest value (claims about an optimum) */
  markBest: boolean;
}

export interface ClaimChartReport {
  yScale: 'log' | 'linear';
  /** drawn markers per series */
  markers: number[];
  /** the axis value of each series' ringed best point (null when not marked) */
  best: (number | null)[];
}

export function drawClaimChart(svgElement: SVGSVGElement, data: ClaimChartData, options: { width: number; height: number }): ClaimChartReport {
  const { width, height } = options;
  const svg = select(svgElement).attr('viewBox', `0 0 ${width} ${height}`).attr('width', width).attr('height', height);
  svg.selectAll('*').remove();
  const m = { top: 12, right: 16, bottom: 40, left: 62 };
  const innerW = Math.max(10, width - m.left - m.right);
  const innerH = Math.max(10, height - m.top - m.bottom);
  const root = svg.append('g').attr('transform', `translate(${m.left},${m.top})`);
  const xs = data.axis.values;
  const x = (data.axis.log ? scaleLog() : scaleLinear()).domain([Math.min(...xs), Math.max(...xs)]).range([0, innerW]);
  const finite = data.series.flatMap((s) => s.values.filter(Number.isFinite));
  const positive = finite.length > 0 && finite.every((v) => v > 0);
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  if (!(lo < hi)) [lo, hi] = positive ? [lo / 2, hi * 2] : [lo - 0.5, hi + 0.5];
  const y = positive ? scaleLog().domain([lo / 1.3, hi * 1.3]).range([innerH, 0]) : scaleLinear().domain([lo, hi]).range([innerH, 0]).nice();
  root
    .append('g')
    .attr('class', 'axis')
    .attr('transform', `translate(0,${innerH})`)
    .call(axisBottom(x).tickValues(xs).tickFormat((v) => String(v)));
  root.append('g').attr('class', 'axis').call(axisLeft(y).ticks(5, '~g'));
  drawAxisTitles(root, { innerW, innerH }, { x: data.axis.label, y: data.metricLabel, xOffset: 34, yOffset: 50 });
  const markers: number[] = [];
  const best: (number | null)[] = [];
  data.series.forEach((series, s) => {
    const color = CLAIM_COLORS[s % CLAIM_COLORS.length];
    const rows = xs.map((xv, i) => ({ x: xv, v: series.values[i] })).filter((r) => Number.isFinite(r.v));
    const path = line<(typeof rows)[number]>()
      .x((r) => x(r.x))
      .y((r) => y(r.v));
    root.append('path').attr('class', 'claim-line').attr('d', path(rows)).attr('fill', 'none').attr('stroke', color).attr('stroke-width', 2);
    root
      .selectAll(`circle.claim-marker-${s}`)
      .data(rows)
      .join('circle')
      .attr('class', `claim-marker claim-marker-${s}`)
      .attr('cx', (r) => x(r.x))
      .attr('cy', (r) => y(r.v))
      .attr('r', 3.5)
      .attr('fill', color);
    markers.push(rows.length);
    if (data.markBest && rows.length === xs.length) {
      const top = rows.reduce((a, r) => (r.v < a.v ? r : a));
      root.append('circle').attr('class', 'claim-best').attr('cx', x(top.x)).attr('cy', y(top.v)).attr('r', 8).attr('fill', 'none').attr('stroke', color).attr('stroke-width', 2);
      best.push(top.x);
    } else best.push(null);
  });
  return { yScale: positive ? 'log' : 'linear', markers, best };
}

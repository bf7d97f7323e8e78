// Pure geometry and statistics behind the d3 charts (no DOM), kept apart so that unit tests pin them down.

export interface NfeValue {
  nfe: number;
  value: number;
}

/** A tail fit: the log-log slope and the NFEs of the points it was fitted over. */
export interface SlopeFit {
  slope: number;
  nfes: number[];
}

/**
 * Least-squares slope of log(value) against log(nfe). A curve error ≈ C·NFE^(−p) has slope −p: for the
 * same-noise RMSE, p is the solver's measured global order (specs/samplers.md §17.4); MMD² ∝ error² gives −2p.
 * Null when fewer than two points are usable (value > 0, finite) or all share one NFE.
 */
export function logLogSlope(points: readonly NfeValue[]): number | null {
  const usable = points.filter((p) => Number.isFinite(p.value) && p.value > 0 && Number.isFinite(p.nfe) && p.nfe > 0);
  if (usable.length < 2) return null;
  const xs = usable.map((p) => Math.log(p.nfe));
  const ys = usable.map((p) => Math.log(p.value));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
  }
  if (!(sxx > 1e-18)) return null;
  return sxy / sxx;
}

/**
 * The measured order of a curve: the log-log slope over its last `count` points (largest NFEs) whose value is
 * above `threshold`. Points at or below the noise level carry no slope (an unbiased MMD² there is noise around
 * 0), so they are left out rather than letting them bend the fit; with fewer than `count` such points there is
 * no fit (a slope from two noisy points would be read as an order).
 */
export function tailSlope(points: readonly NfeValue[], count = 3, threshold = 0): SlopeFit | null {
  const above = points.filter((p) => Number.isFinite(p.value) && p.value > threshold && p.value > 0).sort((a, b) => a.nfe - b.nfe);
  if (above.length < count) return null;
  const tail = above.slice(-count);
  const slope = logLogSlope(tail);
  return slope === null ? null : { slope, nfes: tail.map((p) => p.nfe) };
}

/** A confidence interval at one NFE, in data units. */
export interface BandPoint {
  nfe: number;
  low: number;
  high: number;
}

/**
 * The closed outline of a shaded band: along the upper edge in order of NFE, then back along the lower edge,
 * in pixels (xOf, yOf map data to pixels; yOf is where values below the chart's noise floor get pinned).
 * Points without a finite interval are skipped; a band needs two points to have an area. `yOfLow` maps the lower
 * edge when it needs other handling (on a log axis a lower limit ≤ 0 goes to the axis' bottom).
 */
export function bandOutline(
  points: readonly BandPoint[],
  xOf: (nfe: number) => number,
  yOf: (value: number) => number,
  yOfLow: (value: number) => number = yOf,
): [number, number][] {
  const usable = points.filter((p) => Number.isFinite(p.low) && Number.isFinite(p.high) && Number.isFinite(p.nfe)).sort((a, b) => a.nfe - b.nfe);
  if (usable.length < 2) return [];
  const upper = usable.map((p): [number, number] => [xOf(p.nfe), yOf(Math.max(p.low, p.high))]);
  const lower = usable.map((p): [number, number] => [xOf(p.nfe), yOfLow(Math.min(p.low, p.high))]).reverse();
  return [...upper, ...lower];
}

/** SVG path data of a closed polygon (empty string for none). */
export function polygonPath(vertices: readonly [number, number][]): string {
  if (vertices.length === 0) return '';
  return `M${vertices.map(([x, y]) => `${x.toFixed(2)},${y.toFixed(2)}`).join('L')}Z`;
}

/**
 * The pixel rows of a horizontal band [low, high] on a log axis whose visible range is [yMin, yMax] (data).
 * Values ≤ 0 cannot sit on a log axis: the band then reaches the bottom edge (an unbiased null of MMD² or energy
 * is centred on 0, so its lower half is "everything below"). Null when the whole band is below the axis.
 */
export function horizontalBand(low: number, high: number, yMin: number, yMax: number, yOf: (value: number) => number): { top: number; bottom: number } | null {
  const lo = Math.min(low, high);
  const hi = Math.max(low, high);
  if (!Number.isFinite(hi) || hi < yMin) return null;
  const top = yOf(Math.min(hi, yMax));
  const bottom = lo > yMin && Number.isFinite(lo) ? yOf(Math.min(lo, yMax)) : yOf(yMin);
  return { top, bottom };
}

// Building and measuring fields on the grid (float64): initial conditions from formulas, the seeded random
// truncated Fourier series, and the integrals the invariants are made of.

import { normalPair } from '../util/rng.ts';
import { evaluate, parseExpression } from './expression.ts';
import { fftNd } from './fft.ts';
import { fftShape, gridPoints, gridSize, modeNumber, waveVectors } from './grid.ts';
import type { Grid, Params } from './types.ts';

/** RNG stream of PDE initial conditions (util/rng.ts RngStream continues here) */
export const PDE_IC_STREAM = 10;

/** a real multi-channel field from f(x) → one value per channel, as interleaved complex [channel][…] */
export function realField(grid: Grid, channels: number, f: (x: number[]) => number[]): Float64Array {
  const size = gridSize(grid);
  const out = new Float64Array(2 * channels * size);
  gridPoints(grid).forEach((x, i) => {
    const values = f(x);
    for (let c = 0; c < channels; c++) out[2 * (c * size + i)] = values[c];
  });
  return out;
}

/** a complex one-channel field from f(x) → [re, im] */
export function complexField(grid: Grid, f: (x: number[]) => [number, number]): Float64Array {
  const size = gridSize(grid);
  const out = new Float64Array(2 * size);
  gridPoints(grid).forEach((x, i) => {
    const [re, im] = f(x);
    out[2 * i] = re;
    out[2 * i + 1] = im;
  });
  return out;
}

/**
 * A random truncated Fourier series (Exponax's RandomTruncatedFourierSeries, specs §9.3): standard normal
 * coefficients for the modes with 1 ≤ max_i |m_i| ≤ cutoff, zero mean, scaled so that max |u| = amplitude.
 * Seeded by the project's counter-based RNG (stream PDE_IC_STREAM, one RNG "particle" per channel).
 */
export function randomFourierField(grid: Grid, channels: number, seed: number, cutoff = 5, amplitude = 1): Float64Array {
  const size = gridSize(grid);
  const out = new Float64Array(2 * channels * size);
  for (let c = 0; c < channels; c++) {
    const spectrum = new Float64Array(2 * size);
    const dims = grid.n.length;
    // index order of waveVectors: x fastest; mode numbers per axis
    let block = 0;
    for (let i = 0; i < size; i++) {
      let rest = i;
      let maxMode = 0;
      for (let axis = 0; axis < dims; axis++) {
        const j = rest % grid.n[axis];
        rest = Math.floor(rest / grid.n[axis]);
        maxMode = Math.max(maxMode, Math.abs(modeNumber(j, grid.n[axis])));
      }
      if (maxMode >= 1 && maxMode <= cutoff) {
        const [re, im] = normalPair(seed, PDE_IC_STREAM, c, 0, block++);
        spectrum[2 * i] = re;
        spectrum[2 * i + 1] = im;
      }
    }
    fftNd(spectrum, fftShape(grid), true);
    let peak = 0;
    for (let i = 0; i < size; i++) peak = Math.max(peak, Math.abs(spectrum[2 * i])); // the real part: a real field
    for (let i = 0; i < size; i++) out[2 * (c * size + i)] = (amplitude * spectrum[2 * i]) / peak;
  }
  return out;
}

/** the spectrum of a physical state (one FFT per channel) */
export function toSpectrum(physical: Float64Array, grid: Grid): Float64Array {
  const out = physical.slice();
  fftNd(out, fftShape(grid), false, physical.length / (2 * gridSize(grid)));
  return out;
}

/** the physical state of a spectrum */
export function toPhysical(spectrum: Float64Array, grid: Grid): Float64Array {
  const out = spectrum.slice();
  fftNd(out, fftShape(grid), true, spectrum.length / (2 * gridSize(grid)));
  return out;
}

/** the box volume Π L_i */
export function volume(grid: Grid): number {
  return grid.length.reduce((a, b) => a * b, 1);
}

/** ∫ f(u(x)) dx for channel c (rectangle rule: spectrally accurate for smooth periodic integrands) */
export function integral(physical: Float64Array, grid: Grid, c: number, f: (re: number, im: number) => number): number {
  const size = gridSize(grid);
  let sum = 0;
  for (let i = 0; i < size; i++) sum += f(physical[2 * (c * size + i)], physical[2 * (c * size + i) + 1]);
  return (sum * volume(grid)) / size;
}

/** ∫ |∇u|² dx for channel c, from the spectrum by Parseval: V/K² Σ |k|² |û_k|² */
export function gradientSquaredIntegral(spectrum: Float64Array, grid: Grid, c: number): number {
  const size = gridSize(grid);
  const waves = waveVectors(grid);
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const re = spectrum[2 * (c * size + i)];
    const im = spectrum[2 * (c * size + i) + 1];
    sum += waves[i].k2 * (re * re + im * im);
  }
  return (sum * volume(grid)) / (size * size);
}

/** the variable names an initial-condition expression may use on this grid */
export function expressionVariables(dims: number, params: readonly string[]): string[] {
  return [...['x', 'y'].slice(0, dims), ...['Lx', 'Ly'].slice(0, dims), ...params];
}

/**
 * A field from typed expressions (expression.ts): one per channel for a real field, two (re, im) for a
 * complex one. Variables: x, y, the box lengths Lx, Ly and the parameters by name.
 */
export function expressionField(grid: Grid, complex: boolean, expressions: readonly string[], params: Params): Float64Array {
  const dims = grid.n.length;
  const asts = expressions.map((text) => parseExpression(text, expressionVariables(dims, Object.keys(params))));
  const size = gridSize(grid);
  const channels = complex ? asts.length / 2 : asts.length;
  const out = new Float64Array(2 * channels * size);
  const values: Record<string, number> = { ...params, Lx: grid.length[0], Ly: grid.length[1] ?? 0 };
  gridPoints(grid).forEach((x, i) => {
    values.x = x[0];
    if (dims > 1) values.y = x[1];
    for (let c = 0; c < channels; c++) {
      out[2 * (c * size + i)] = evaluate(asts[complex ? 2 * c : c], values);
      if (complex) out[2 * (c * size + i) + 1] = evaluate(asts[2 * c + 1], values);
    }
  });
  return out;
}

export interface GaussianBlob {
  center: number[];
  width: number;
  amplitude: number;
  channel: number;
}

/** background + Σ amplitude·exp(−|x − c|²/(2 width²)) with periodic (nearest-image) distances */
export function gaussianField(grid: Grid, channels: number, blobs: readonly GaussianBlob[], background: readonly number[]): Float64Array {
  return realField(grid, channels, (x) => {
    const values = Array.from({ length: channels }, (_, c) => background[c] ?? 0);
    for (const blob of blobs) {
      let r2 = 0;
      x.forEach((xi, axis) => {
        const length = grid.length[axis];
        let d = xi - blob.center[axis];
        d -= length * Math.round(d / length);
        r2 += d * d;
      });
      values[blob.channel] += blob.amplitude * Math.exp(-r2 / (2 * blob.width * blob.width));
    }
    return values;
  });
}

// Pure operations on a physical field, interleaved complex [channel][y][x] (core/pde/types.ts layout): the
// brush (painting on 2D fields, dragging 1D profiles), the statistics of the CPU path (the same numbers as
// GpuPdeSolver.fieldStats) and the value a view shows per point.

import type { Grid } from '../../core/pde/types.ts';
import type { FieldStats } from '../../engine/pde/gpuPde.ts';

export interface Brush {
  /** the centre in physical coordinates, one per axis ([x] or [x, y]) */
  center: number[];
  /** radius in physical units */
  radius: number;
  value: number;
  /**
   * add: u += value inside the disk; replace: u = value inside the disk; smooth: u blends towards value
   * with a cos² weight that falls to 0 at the radius (no jump, so no Gibbs ringing in a spectral solver)
   */
  mode: 'add' | 'replace' | 'smooth';
  channel: number;
}

/** Applies the brush to `field` in place (real part of the channel; periodic distances). Returns the points touched. */
export function applyBrush(field: Float64Array, grid: Grid, brush: Brush): number {
  const [nx, ny = 1] = grid.n;
  const size = nx * ny;
  const base = brush.channel * size;
  const dims = grid.n.length;
  let touched = 0;
  for (let iy = 0; iy < ny; iy++) {
    for (let ix = 0; ix < nx; ix++) {
      let r2 = 0;
      for (let axis = 0; axis < dims; axis++) {
        const length = grid.length[axis];
        const x = ((axis === 0 ? ix : iy) * length) / grid.n[axis];
        let d = x - brush.center[axis];
        d -= length * Math.round(d / length);
        r2 += d * d;
      }
      const r = Math.sqrt(r2);
      if (r > brush.radius) continue;
      const i = 2 * (base + iy * nx + ix);
      if (brush.mode === 'add') field[i] += brush.value;
      else if (brush.mode === 'replace') field[i] = brush.value;
      else {
        const w = Math.cos((Math.PI / 2) * (r / brush.radius)) ** 2;
        field[i] += w * (brush.value - field[i]);
      }
      touched++;
    }
  }
  return touched;
}

/** per channel: min/max/mean of the real part, mean |u|² and max |u| (GpuPdeSolver.fieldStats' definitions) */
export function fieldStatsOf(field: ArrayLike<number>, channels: number): FieldStats {
  const size = field.length / (2 * channels);
  const stats: FieldStats = { min: [], max: [], mean: [], meanSquare: [], maxAbs: [] };
  for (let c = 0; c < channels; c++) {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let sumSquare = 0;
    let maxSquare = 0;
    for (let i = 0; i < size; i++) {
      const re = field[2 * (c * size + i)];
      const im = field[2 * (c * size + i) + 1];
      if (re < min) min = re;
      if (re > max) max = re;
      sum += re;
      const m = re * re + im * im;
      sumSquare += m;
      if (m > maxSquare) maxSquare = m;
    }
    stats.min.push(min);
    stats.max.push(max);
    stats.mean.push(sum / size);
    stats.meanSquare.push(sumSquare / size);
    stats.maxAbs.push(Math.sqrt(maxSquare));
  }
  return stats;
}

/** the shown value of every point of a channel: the real part, or |u| for a complex field */
export function channelValues(field: ArrayLike<number>, channels: number, channel: number, complex: boolean): Float32Array {
  const size = field.length / (2 * channels);
  const out = new Float32Array(size);
  const base = 2 * channel * size;
  for (let i = 0; i < size; i++) {
    const re = field[base + 2 * i];
    out[i] = complex ? Math.hypot(re, field[base + 2 * i + 1]) : re;
  }
  return out;
}

/** the colour range of a channel from its statistics (real part, or [0, max |u|] for a complex field) */
export function statsRange(stats: FieldStats, channel: number, complex: boolean): [number, number] {
  const lo = complex ? 0 : stats.min[channel];
  const hi = complex ? stats.maxAbs[channel] : stats.max[channel];
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  // a constant field still gets a visible (non-empty) range
  return hi - lo > 1e-12 * Math.max(1, Math.abs(hi)) ? [lo, hi] : [lo - 0.5, hi + 0.5];
}

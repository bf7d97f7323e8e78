// The PDE lab's exports. A run's field: the physical field the controller holds (the same float64 copy as
// `window.stepscope.pde.field()`, one readback when pressed), as `.npy` and as a PNG colour map; its invariants
// as CSV/JSON; every d3 chart (profile, invariants, spectrum, stability) as SVG/PNG.
//
// The field PNG is painted from the field's values with the view's colormap and range on a 2D canvas (the colour
// map's own CPU path, FieldMap.drawArray), one pixel per grid point, scaled up without smoothing: the GPU path's
// WebGPU canvas is drawn by the frame loop and cannot be read back on demand.

import { EQUATIONS } from '../../core/pde/equations.ts';
import { fftShape } from '../../core/pde/grid.ts';
import type { PdeSpec } from '../../core/spec/pdeSpec.ts';
import type { PdeViewSettings } from '../../state/pdeStore.ts';
import { FieldMap } from '../../views/pde/fieldMap.ts';
import { channelValues } from '../pde/fieldOps.ts';
import { canvasPng, npyBlob } from './exporters.ts';

/**
 * A physical field (interleaved complex per channel: [channel][point][re, im]) as an array NumPy reads the natural
 * way: real fields keep the real parts, shape [ny, nx] ([nx] in 1D); complex fields keep (re, im) on a last axis of
 * 2 (`a.view(np.complex128)[..., 0]` makes it complex); a leading channel axis only when there are several.
 */
export function fieldArray(field: ArrayLike<number>, spec: PdeSpec): { data: Float64Array; shape: number[] } {
  const equation = EQUATIONS[spec.equation];
  const channels = equation.channels.length;
  if (!spec.grid) throw new Error('the spec has no grid');
  const shape = fftShape(spec.grid);
  const points = shape.reduce((a, b) => a * b, 1);
  if (field.length !== 2 * channels * points) throw new Error(`the field has ${field.length} values, the grid needs ${2 * channels * points}`);
  const lead = channels > 1 ? [channels] : [];
  if (equation.complexField) return { data: Float64Array.from(field), shape: [...lead, ...shape, 2] };
  const data = new Float64Array(channels * points);
  for (let i = 0; i < data.length; i++) data[i] = field[2 * i];
  return { data, shape: [...lead, ...shape] };
}

export function fieldNpy(field: ArrayLike<number>, spec: PdeSpec): Blob {
  const { data, shape } = fieldArray(field, spec);
  return npyBlob(data, shape);
}

/** the colour range the view uses: the fixed one, or the shown values' extent (as the colour map's CPU path does) */
function rangeOf(values: Float32Array, view: PdeViewSettings, complex: boolean): [number, number] {
  if (view.range === 'fixed') return view.fixed;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  if (!(lo <= hi)) return [0, 1];
  return hi - lo > 1e-12 * Math.max(1, Math.abs(hi)) ? [complex ? 0 : lo, hi] : [lo - 0.5, hi + 0.5];
}

/** a 2D field's shown channel as a PNG colour map, at least `minSize` pixels on its longer side (nearest-neighbour) */
export async function fieldPng(field: ArrayLike<number>, spec: PdeSpec, view: PdeViewSettings, minSize = 512): Promise<Blob> {
  const equation = EQUATIONS[spec.equation];
  if (!spec.grid || spec.grid.n.length !== 2) throw new Error('a colour map needs a 2D field');
  const [nx, ny] = spec.grid.n;
  const values = channelValues(field, equation.channels.length, view.channel, equation.complexField);
  const source = document.createElement('canvas');
  const map = new FieldMap(source, null);
  map.setLayout({ nx, ny, channels: equation.channels.length, complex: equation.complexField });
  map.setColormap(view.colormap);
  map.drawArray(values, rangeOf(values, view, equation.complexField));
  map.destroy();
  const scale = Math.max(1, Math.ceil(minSize / Math.max(nx, ny)));
  const out = document.createElement('canvas');
  out.width = nx * scale;
  out.height = ny * scale;
  const context = out.getContext('2d');
  if (!context) throw new Error('no 2D canvas in this browser');
  context.imageSmoothingEnabled = false;
  context.drawImage(source, 0, 0, out.width, out.height);
  return canvasPng(out);
}

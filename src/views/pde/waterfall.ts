// The space-time waterfall of a 1D field (issue #6 view 2; the Kassam–Trefethen KS picture): one row per
// sample, newest at the bottom, scrolling up; x across. Rows keep their values, so a colour-range change
// repaints the history consistently. Drawn on a 2D canvas (one pixel per grid point and row; CSS scales it).

import type { ColormapName } from '../../state/pdeStore.ts';
import { colormapTable } from './colormaps.ts';

export interface WaterfallReport {
  rows: number;
  /** simulation times of the oldest and newest rows */
  times: [number, number] | null;
}

export class Waterfall {
  private rows: { time: number; values: Float32Array }[] = [];
  private image: ImageData | null = null;

  constructor(
    readonly canvas: HTMLCanvasElement,
    readonly maxRows = 240,
  ) {}

  clear(): void {
    this.rows = [];
  }

  push(time: number, values: Float32Array): void {
    const last = this.rows[this.rows.length - 1];
    if (last && (time < last.time || last.values.length !== values.length)) this.rows = [];
    if (last && time === last.time) this.rows[this.rows.length - 1] = { time, values };
    else this.rows.push({ time, values });
    if (this.rows.length > this.maxRows) this.rows.shift();
  }

  draw(colormap: ColormapName, range: [number, number]): WaterfallReport {
    const nx = this.rows[0]?.values.length ?? 1;
    if (this.canvas.width !== nx || this.canvas.height !== this.maxRows) {
      this.canvas.width = nx;
      this.canvas.height = this.maxRows;
      this.image = null;
    }
    const context = this.canvas.getContext('2d');
    if (!context) return this.report();
    if (!this.image) this.image = context.createImageData(nx, this.maxRows);
    const pixels = this.image.data;
    pixels.fill(0);
    const table = colormapTable(colormap);
    const [lo, hi] = range;
    const scale = 255 / Math.max(hi - lo, 1e-30);
    const offset = this.maxRows - this.rows.length;
    this.rows.forEach(({ values }, r) => {
      for (let ix = 0; ix < nx; ix++) {
        const o = 4 * ((offset + r) * nx + ix);
        const v = values[ix];
        const k = Number.isFinite(v) ? 4 * Math.round(Math.min(255, Math.max(0, (v - lo) * scale))) : -1;
        if (k < 0) pixels.set([255, 0, 255, 255], o);
        else pixels.set([table[k], table[k + 1], table[k + 2], 255], o);
      }
    });
    context.putImageData(this.image, 0, 0);
    return this.report();
  }

  report(): WaterfallReport {
    return { rows: this.rows.length, times: this.rows.length ? [this.rows[0].time, this.rows[this.rows.length - 1].time] : null };
  }
}

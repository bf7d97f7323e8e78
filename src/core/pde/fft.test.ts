import { describe, expect, it } from 'vitest';
import { fft1d, fftNd } from './fft.ts';

/** naive O(N²) DFT in float64, independent of the FFT */
function dft(data: Float64Array, inverse: boolean): Float64Array {
  const n = data.length / 2;
  const out = new Float64Array(2 * n);
  const sign = inverse ? 1 : -1;
  for (let k = 0; k < n; k++) {
    let re = 0;
    let im = 0;
    for (let j = 0; j < n; j++) {
      const angle = (sign * 2 * Math.PI * ((j * k) % n)) / n;
      re += data[2 * j] * Math.cos(angle) - data[2 * j + 1] * Math.sin(angle);
      im += data[2 * j] * Math.sin(angle) + data[2 * j + 1] * Math.cos(angle);
    }
    out[2 * k] = inverse ? re / n : re;
    out[2 * k + 1] = inverse ? im / n : im;
  }
  return out;
}

const random = (n: number, seed = 1) => {
  let s = seed;
  return Float64Array.from({ length: n }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1);
};

describe('float64 FFT', () => {
  it.each([1, 2, 4, 8, 64, 256])('matches the naive DFT at N = %i, both directions', (n) => {
    const x = random(2 * n, n);
    for (const inverse of [false, true]) {
      const y = x.slice();
      fft1d(y, n, inverse);
      const ref = dft(x, inverse);
      for (let i = 0; i < 2 * n; i++) expect(Math.abs(y[i] - ref[i])).toBeLessThan(1e-12 * n);
    }
  });

  it('n-D transform equals 1D transforms along each axis (2D 8×16, batch 2) and round-trips', () => {
    const [ny, nx] = [8, 16];
    const x = random(2 * 2 * ny * nx, 7);
    const y = x.slice();
    fftNd(y, [ny, nx], false, 2);
    // reference: separable naive DFT on the second batch element
    const off = ny * nx;
    const ref = new Float64Array(2 * ny * nx);
    for (let r = 0; r < ny; r++) ref.set(dft(x.slice(2 * (off + r * nx), 2 * (off + (r + 1) * nx)), false), 2 * r * nx);
    for (let c = 0; c < nx; c++) {
      const col = new Float64Array(2 * ny);
      for (let r = 0; r < ny; r++) col.set(ref.slice(2 * (r * nx + c), 2 * (r * nx + c) + 2), 2 * r);
      const t = dft(col, false);
      for (let r = 0; r < ny; r++) ref.set(t.slice(2 * r, 2 * r + 2), 2 * (r * nx + c));
    }
    for (let i = 0; i < ref.length; i++) expect(Math.abs(y[2 * off + i] - ref[i])).toBeLessThan(1e-11);
    fftNd(y, [ny, nx], true, 2);
    for (let i = 0; i < x.length; i++) expect(Math.abs(y[i] - x[i])).toBeLessThan(1e-14);
  });

  it('refuses lengths that are not powers of two', () => {
    expect(() => fft1d(new Float64Array(6), 3, false)).toThrow(/power of two, got 3/);
  });
});

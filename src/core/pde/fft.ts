// Float64 complex FFT (radix-2, iterative, in place) over interleaved (re, im) arrays, and its n-D form
// over a C-order array: the CPU reference path's transform and the oracle for the WGSL FFT (specs/pde.md §9.4).
// Conventions (numpy's): forward X_k = Σ_j x_j e^{−2πi jk/N}; inverse divides by N.

/** true when n is a power of two ≥ 1 */
export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

const twiddleCache = new Map<number, Float64Array>();

/** cos/sin of −2πj/n for j < n/2, interleaved, computed once per n in float64 */
function twiddles(n: number): Float64Array {
  let table = twiddleCache.get(n);
  if (!table) {
    table = new Float64Array(n);
    for (let j = 0; j < n / 2; j++) {
      const angle = (-2 * Math.PI * j) / n;
      table[2 * j] = Math.cos(angle);
      table[2 * j + 1] = Math.sin(angle);
    }
    twiddleCache.set(n, table);
  }
  return table;
}

const bitReversalCache = new Map<number, Uint32Array>();

/** the bit-reversal permutation of 0 … n−1 */
function bitReversal(n: number): Uint32Array {
  let table = bitReversalCache.get(n);
  if (!table) {
    table = new Uint32Array(n);
    for (let i = 1, j = 0; i < n; i++) {
      let bit = n >> 1;
      for (; j & bit; bit >>= 1) j ^= bit;
      j ^= bit;
      table[i] = j;
    }
    bitReversalCache.set(n, table);
  }
  return table;
}

/** scratch line for strided transforms (gathered, transformed contiguously, scattered back: cache-friendly) */
let scratch = new Float64Array(0);

/** in-place radix-2 FFT of n contiguous complex values starting at float index `base` */
function fftContiguous(data: Float64Array, n: number, inverse: boolean, base: number): void {
  const reversal = bitReversal(n);
  for (let i = 1; i < n; i++) {
    const j = reversal[i];
    if (i < j) {
      const a = base + 2 * i;
      const b = base + 2 * j;
      const re = data[a];
      const im = data[a + 1];
      data[a] = data[b];
      data[a + 1] = data[b + 1];
      data[b] = re;
      data[b + 1] = im;
    }
  }
  const table = twiddles(n);
  const sign = inverse ? -1 : 1;
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = 2 * (n / size);
    for (let start = 0; start < n; start += size) {
      let a = base + 2 * start;
      let b = a + 2 * half;
      for (let j = 0, t = 0; j < half; j++, t += step, a += 2, b += 2) {
        const wr = table[t];
        const wi = sign * table[t + 1];
        const tr = data[b] * wr - data[b + 1] * wi;
        const ti = data[b] * wi + data[b + 1] * wr;
        data[b] = data[a] - tr;
        data[b + 1] = data[a + 1] - ti;
        data[a] += tr;
        data[a + 1] += ti;
      }
    }
  }
  if (inverse) {
    const scale = 1 / n;
    for (let i = base; i < base + 2 * n; i++) data[i] *= scale;
  }
}

/**
 * In-place FFT of `n` complex values starting at complex index `offset` with complex stride `stride` in `data`
 * (interleaved re, im). `inverse` conjugates the twiddles and divides by n.
 */
export function fft1d(data: Float64Array, n: number, inverse: boolean, offset = 0, stride = 1): void {
  if (!isPowerOfTwo(n)) throw new Error(`FFT length must be a power of two, got ${n}`);
  if (stride === 1) {
    fftContiguous(data, n, inverse, 2 * offset);
    return;
  }
  if (scratch.length < 2 * n) scratch = new Float64Array(2 * n);
  for (let j = 0; j < n; j++) {
    scratch[2 * j] = data[2 * (offset + j * stride)];
    scratch[2 * j + 1] = data[2 * (offset + j * stride) + 1];
  }
  fftContiguous(scratch, n, inverse, 0);
  for (let j = 0; j < n; j++) {
    data[2 * (offset + j * stride)] = scratch[2 * j];
    data[2 * (offset + j * stride) + 1] = scratch[2 * j + 1];
  }
}

/**
 * In-place n-D FFT of a C-order complex array of the given shape (last axis contiguous), over every axis,
 * repeated over `batch` consecutive arrays (e.g. the channels of a state [channel][…]).
 */
export function fftNd(data: Float64Array, shape: readonly number[], inverse: boolean, batch = 1): void {
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length !== 2 * size * batch) throw new Error(`fftNd: expected ${2 * size * batch} numbers, got ${data.length}`);
  for (let b = 0; b < batch; b++) {
    let inner = 1; // product of the axes after this one: the stride of this axis
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      const n = shape[axis];
      const outer = size / (n * inner);
      for (let o = 0; o < outer; o++)
        for (let i = 0; i < inner; i++) fft1d(data, n, inverse, b * size + o * n * inner + i, inner);
      inner *= n;
    }
  }
}

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

/**
 * In-place FFT of `n` complex values starting at complex index `offset` with complex stride `stride` in `data`
 * (interleaved re, im). `inverse` conjugates the twiddles and divides by n.
 */
export function fft1d(data: Float64Array, n: number, inverse: boolean, offset = 0, stride = 1): void {
  if (!isPowerOfTwo(n)) throw new Error(`FFT length must be a power of two, got ${n}`);
  const at = (j: number) => 2 * (offset + j * stride);
  // bit-reversal permutation
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const a = at(i);
      const b = at(j);
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
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let j = 0; j < half; j++) {
        const wr = table[2 * j * step];
        const wi = sign * table[2 * j * step + 1];
        const a = at(start + j);
        const b = at(start + j + half);
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
    for (let j = 0; j < n; j++) {
      data[at(j)] /= n;
      data[at(j) + 1] /= n;
    }
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

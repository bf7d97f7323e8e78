// The WGSL FFT (gpuFft.ts, shaders/spectral/fft_*.wgsl) against independent float64 references (specs/pde.md §9.4):
// a naive O(size²) DFT for small sizes and the float64 radix-2 FFT of src/core/pde/fft.ts for large ones, on the
// same f32-rounded inputs. At every supported size: the forward transform against the reference, Parseval, a
// single Fourier mode (one spike of height size), and the round trip; real-data transforms against the reference,
// Hermitian symmetry and their round trip.
//
// Error measure ("scaled error"): max over components k of |gpu_k − ref_k| (complex modulus) divided by
// max_k |ref_k|; the gate for f32 is 1e-4. The other identities are gated at 1e-5 (round trip, Parseval,
// single mode), well above the f32 round-off of a log2-depth transform (~1e-6) and far below any wrong result.
// SwiftShader runs all this on the CPU: one array per size class with a batch of 2 (random data and the single
// mode), 1024² once.

import { afterAll, describe, expect, it } from 'vitest';
import { fft1d, fftNd } from '../../core/pde/fft.ts';
import { readFloat32 } from '../../gpu/readback.ts';
import { testDevice, withGpuErrors } from '../../gpu/testing.ts';
import { checkFftShape, createFftPlan, createRealFftPlan, LINE_PROFILES, lineProfile, type LineProfile } from './gpuFft.ts';

const GATE_REFERENCE = 1e-4;
const GATE_IDENTITY = 1e-5;

/** worst scaled error per size class, printed at the end */
const worst = new Map<string, number>();
function record(sizeClass: string, error: number): void {
  worst.set(sizeClass, Math.max(worst.get(sizeClass) ?? 0, error));
}

/** deterministic uniform numbers in [−1, 1) (mulberry32), already rounded to f32 */
function randomValues(count: number, seed: number): Float64Array {
  let a = seed >>> 0;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = Math.fround(((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1));
  }
  return out;
}

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** naive n-D DFT in float64 (O(size²)): independent of any FFT; phases reduced exactly in integers */
function naiveDft(x: Float64Array, shape: readonly number[]): Float64Array {
  const size = product(shape);
  const out = new Float64Array(2 * size);
  const index = (flat: number) => {
    const idx: number[] = [];
    for (let a = shape.length - 1; a >= 0; a--) {
      idx[a] = flat % shape[a];
      flat = Math.floor(flat / shape[a]);
    }
    return idx;
  };
  const indices = Array.from({ length: size }, (_, f) => index(f));
  const common = Math.max(...shape); // every axis divides it (powers of two)
  const cos = new Float64Array(common);
  const sin = new Float64Array(common);
  for (let m = 0; m < common; m++) {
    cos[m] = Math.cos((-2 * Math.PI * m) / common);
    sin[m] = Math.sin((-2 * Math.PI * m) / common);
  }
  for (let k = 0; k < size; k++) {
    const kk = indices[k];
    let re = 0;
    let im = 0;
    for (let j = 0; j < size; j++) {
      const jj = indices[j];
      let phase = 0; // in units of 1/common turns
      for (let a = 0; a < shape.length; a++) phase += ((jj[a] * kk[a]) % shape[a]) * (common / shape[a]);
      phase %= common;
      const xr = x[2 * j];
      const xi = x[2 * j + 1];
      re += xr * cos[phase] - xi * sin[phase];
      im += xr * sin[phase] + xi * cos[phase];
    }
    out[2 * k] = re;
    out[2 * k + 1] = im;
  }
  return out;
}

/** float64 reference forward transform of `batch` arrays: naive DFT when small, else core's fftNd */
function reference(x: Float64Array, shape: readonly number[], batch: number): Float64Array {
  const size = product(shape);
  if (size <= 512) {
    const out = new Float64Array(x.length);
    for (let b = 0; b < batch; b++) out.set(naiveDft(x.subarray(2 * b * size, 2 * (b + 1) * size), shape), 2 * b * size);
    return out;
  }
  const out = Float64Array.from(x);
  if (shape.length === 1) for (let b = 0; b < batch; b++) fft1d(out, shape[0], false, b * size);
  else fftNd(out, shape, false, batch);
  return out;
}

/** max |a_k − b_k| / max |b_k| over complex components (interleaved), over [from, to) complex indices */
function scaledError(got: ArrayLike<number>, expected: ArrayLike<number>, from = 0, to = expected.length / 2): number {
  let diff = 0;
  let scale = 0;
  for (let k = from; k < to; k++) {
    diff = Math.max(diff, Math.hypot(got[2 * k] - expected[2 * k], got[2 * k + 1] - expected[2 * k + 1]));
    scale = Math.max(scale, Math.hypot(expected[2 * k], expected[2 * k + 1]));
  }
  return diff / scale;
}

function sumSquares(v: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += v[i] * v[i];
  return s;
}

function storage(gpu: GPUDevice, label: string, bytes: number): GPUBuffer {
  return gpu.createBuffer({ label, size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC });
}

/** one array of random data, and (batch ≥ 2) a pure mode e^{2πi m·j/N} in the second; the rest random */
function inputs(shape: readonly number[], batch: number, seed: number): { x: Float64Array; mode: number[] } {
  const size = product(shape);
  const x = randomValues(2 * size * batch, seed);
  const mode = shape.map((n, a) => (3 * a + 1 + Math.floor(n / 3)) % n);
  if (batch >= 2) {
    for (let j = 0; j < size; j++) {
      let turns = 0;
      let rest = j;
      for (let a = shape.length - 1; a >= 0; a--) {
        const ja = rest % shape[a];
        rest = Math.floor(rest / shape[a]);
        turns += ((ja * mode[a]) % shape[a]) / shape[a];
      }
      x[2 * (size + j)] = Math.fround(Math.cos(2 * Math.PI * turns));
      x[2 * (size + j) + 1] = Math.fround(Math.sin(2 * Math.PI * turns));
    }
  }
  return { x, mode };
}

/** plan creation, buffers, transforms and checks all inside the validation and out-of-memory error scopes */
async function checkComplex(shape: readonly number[], batch: number, sizeClass: string, profile?: LineProfile): Promise<void> {
  const gpu = await testDevice();
  await withGpuErrors(gpu, () => checkComplexOn(gpu, shape, batch, sizeClass, profile ?? lineProfile(gpu)));
}

async function checkComplexOn(gpu: GPUDevice, shape: readonly number[], batch: number, sizeClass: string, profile: LineProfile): Promise<void> {
  const size = product(shape);
  const { x, mode } = inputs(shape, batch, 17 + size + batch);
  const plan = createFftPlan(gpu, shape, batch, profile);
  const buffer = storage(gpu, `fft test [${shape}]×${batch}`, x.length * 4);
  try {
    const { forward, back } = await (async () => {
      gpu.queue.writeBuffer(buffer, 0, Float32Array.from(x));
      let encoder = gpu.createCommandEncoder({ label: 'fft test forward' });
      plan.encode(encoder, buffer, false);
      gpu.queue.submit([encoder.finish()]);
      const forward = await readFloat32(gpu, buffer);
      encoder = gpu.createCommandEncoder({ label: 'fft test inverse' });
      plan.encode(encoder, buffer, true);
      gpu.queue.submit([encoder.finish()]);
      const back = await readFloat32(gpu, buffer);
      return { forward, back };
    })();
    const expected = reference(x, shape, batch);
    const error = scaledError(forward, expected);
    record(`${sizeClass} forward vs float64`, error);
    expect(error, `forward [${shape}]×${batch}: scaled error`).toBeLessThan(GATE_REFERENCE);
    for (let b = 0; b < batch; b++) {
      // Parseval: Σ|X|² = size · Σ|x|²
      const energyX = sumSquares(x, 2 * b * size, 2 * (b + 1) * size);
      const parseval = Math.abs(sumSquares(forward, 2 * b * size, 2 * (b + 1) * size) / size - energyX) / energyX;
      record(`${sizeClass} Parseval`, parseval);
      expect(parseval, `Parseval [${shape}] array ${b}`).toBeLessThan(GATE_IDENTITY);
      const roundTrip = scaledError(back, x, b * size, (b + 1) * size);
      record(`${sizeClass} round trip`, roundTrip);
      expect(roundTrip, `round trip [${shape}] array ${b}`).toBeLessThan(GATE_IDENTITY);
    }
    if (batch >= 2) {
      // the pure mode: a single spike of height `size` at the mode's index, zero elsewhere
      const spike = mode.reduce((flat, m, a) => flat * shape[a] + m, 0);
      const ideal = new Float64Array(2 * size);
      ideal[2 * spike] = size;
      const single = scaledError(forward.subarray(2 * size, 4 * size), ideal);
      record(`${sizeClass} single mode`, single);
      expect(single, `single mode [${shape}] at ${mode}`).toBeLessThan(GATE_IDENTITY);
    }
  } finally {
    buffer.destroy();
    plan.destroy();
  }
}

/** rfftn layout of the float64 reference: the first n/2 + 1 values of the last axis */
function halfOf(full: Float64Array, shape: readonly number[], batch: number): Float64Array {
  const n = shape[shape.length - 1];
  const rows = (product(shape) / n) * batch;
  const width = n / 2 + 1;
  const out = new Float64Array(2 * rows * width);
  for (let r = 0; r < rows; r++) out.set(full.subarray(2 * r * n, 2 * (r * n + width)), 2 * r * width);
  return out;
}

async function checkReal(shape: readonly number[], batch: number, sizeClass: string, profile?: LineProfile): Promise<void> {
  const gpu = await testDevice();
  await withGpuErrors(gpu, () => checkRealOn(gpu, shape, batch, sizeClass, profile ?? lineProfile(gpu)));
}

async function checkRealOn(gpu: GPUDevice, shape: readonly number[], batch: number, sizeClass: string, profile: LineProfile): Promise<void> {
  const size = product(shape);
  const n = shape[shape.length - 1];
  const width = n / 2 + 1;
  const rows = size / n;
  const real = randomValues(size * batch, 91 + size + batch);
  const asComplex = new Float64Array(2 * size * batch);
  for (let i = 0; i < real.length; i++) asComplex[2 * i] = real[i];
  const expected = halfOf(reference(asComplex, shape, batch), shape, batch);
  const plan = createRealFftPlan(gpu, shape, batch, profile);
  expect(plan.halfShape).toEqual([...shape.slice(0, -1), width]);
  const realIn = storage(gpu, 'rfft test real in', size * batch * 4);
  const half = storage(gpu, 'rfft test half spectrum', rows * width * batch * 8);
  const halfIn = storage(gpu, 'irfft test half spectrum in', rows * width * batch * 8);
  const realOut = storage(gpu, 'irfft test real out', size * batch * 4);
  const complexPlan = createFftPlan(gpu, shape, batch);
  const full = storage(gpu, 'fft of real data', size * batch * 8);
  try {
    const { spectrum, back, inputAfter, fromReference, fullSpectrum } = await (async () => {
      gpu.queue.writeBuffer(realIn, 0, Float32Array.from(real));
      gpu.queue.writeBuffer(halfIn, 0, Float32Array.from(expected));
      const encoder = gpu.createCommandEncoder({ label: 'rfft test' });
      plan.encodeForward(encoder, realIn, half);
      plan.encodeInverse(encoder, half, realOut);
      gpu.queue.submit([encoder.finish()]);
      const spectrum = await readFloat32(gpu, half);
      const back = await readFloat32(gpu, realOut);
      const inputAfter = await readFloat32(gpu, realIn);
      const encoder2 = gpu.createCommandEncoder({ label: 'irfft of the reference spectrum' });
      plan.encodeInverse(encoder2, halfIn, realOut);
      gpu.queue.writeBuffer(full, 0, Float32Array.from(asComplex));
      complexPlan.encode(encoder2, full, false);
      gpu.queue.submit([encoder2.finish()]);
      return { spectrum, back, inputAfter, fromReference: await readFloat32(gpu, realOut), fullSpectrum: await readFloat32(gpu, full) };
    })();
    const error = scaledError(spectrum, expected);
    record(`${sizeClass} rfft vs float64`, error);
    expect(error, `rfft [${shape}]×${batch}: scaled error`).toBeLessThan(GATE_REFERENCE);
    // Hermitian symmetry within the half spectrum: columns k = 0 and k = n/2 satisfy X[K] = conj X[−K]
    const axes = shape.slice(0, -1);
    let asym = 0;
    let scale = 0;
    for (let b = 0; b < batch; b++) {
      for (let r = 0; r < rows; r++) {
        let neg = 0;
        let rest = r;
        let stride = 1;
        for (let a = axes.length - 1; a >= 0; a--) {
          const i = rest % axes[a];
          rest = Math.floor(rest / axes[a]);
          neg += ((axes[a] - i) % axes[a]) * stride;
          stride *= axes[a];
        }
        for (const k of [0, n / 2]) {
          const p = 2 * ((b * rows + r) * width + k);
          const q = 2 * ((b * rows + neg) * width + k);
          asym = Math.max(asym, Math.hypot(spectrum[p] - spectrum[q], spectrum[p + 1] + spectrum[q + 1]));
        }
      }
    }
    for (let i = 0; i < spectrum.length; i += 2) scale = Math.max(scale, Math.hypot(spectrum[i], spectrum[i + 1]));
    record(`${sizeClass} rfft Hermitian`, asym / scale);
    expect(asym / scale, 'Hermitian symmetry of the k = 0 and k = n/2 columns').toBeLessThan(GATE_IDENTITY);
    // the complex plan on the same real data: a Hermitian spectrum X[−K] = conj X[K] whose first n/2 + 1 columns
    // are the rfft's (a check of the half-length trick against the plain complex path)
    let fullAsym = 0;
    let fullScale = 0;
    for (let b = 0; b < batch; b++) {
      for (let f = 0; f < size; f++) {
        let neg = 0;
        let rest = f;
        let stride = 1;
        for (let a = shape.length - 1; a >= 0; a--) {
          const i = rest % shape[a];
          rest = Math.floor(rest / shape[a]);
          neg += ((shape[a] - i) % shape[a]) * stride;
          stride *= shape[a];
        }
        const p = 2 * (b * size + f);
        const q = 2 * (b * size + neg);
        fullAsym = Math.max(fullAsym, Math.hypot(fullSpectrum[p] - fullSpectrum[q], fullSpectrum[p + 1] + fullSpectrum[q + 1]));
        fullScale = Math.max(fullScale, Math.hypot(fullSpectrum[p], fullSpectrum[p + 1]));
      }
    }
    record(`${sizeClass} complex FFT of real data: Hermitian`, fullAsym / fullScale);
    expect(fullAsym / fullScale, 'Hermitian symmetry of the complex FFT of real data').toBeLessThan(GATE_IDENTITY);
    const halfVsComplex = scaledError(spectrum, halfOf(Float64Array.from(fullSpectrum), shape, batch));
    record(`${sizeClass} rfft vs complex FFT`, halfVsComplex);
    expect(halfVsComplex, 'rfft equals the first n/2 + 1 columns of the complex FFT').toBeLessThan(GATE_IDENTITY);
    // irfft(rfft(x)) = x, and irfft of the float64 spectrum = x, each against max |x|
    const xMax = real.reduce((m, y) => Math.max(m, Math.abs(y)), 0);
    const diff = (got: Float32Array) => got.reduce((m, y, i) => Math.max(m, Math.abs(y - real[i])), 0) / xMax;
    record(`${sizeClass} irfft(rfft) round trip`, diff(back));
    expect(diff(back), `irfft(rfft(x)) [${shape}]×${batch}`).toBeLessThan(GATE_IDENTITY);
    record(`${sizeClass} irfft vs float64`, diff(fromReference));
    expect(diff(fromReference), `irfft of the float64 spectrum [${shape}]×${batch}`).toBeLessThan(GATE_REFERENCE);
    expect(Array.from(inputAfter)).toEqual(Array.from(Float32Array.from(real))); // the input is not written
  } finally {
    for (const b of [realIn, half, halfIn, realOut, full]) b.destroy();
    plan.destroy();
    complexPlan.destroy();
  }
}

const powers = (from: number, to: number) => Array.from({ length: Math.log2(to / from) + 1 }, (_, i) => from * 2 ** i);

describe('WGSL FFT: complex, every supported size', () => {
  for (const n of powers(2, 65536)) {
    it(`1D N = ${n} (batch 2: random + single mode)`, () => checkComplex([n], 2, n <= 1024 ? '1D ≤ 1024 (one pass)' : '1D > 1024 (four-step)'));
  }
  for (const n of powers(2, 1024)) {
    it(`2D ${n}×${n}${n < 1024 ? ' (batch 2: random + single mode)' : ''}`, () => checkComplex([n, n], n < 1024 ? 2 : 1, n < 1024 ? '2D ≤ 512²' : '2D 1024²'));
  }
  for (const n of powers(2, 64)) {
    it(`3D ${n}³ (batch 2: random + single mode)`, () => checkComplex([n, n, n], 2, '3D'));
  }
  it('non-square and larger batches: [8, 256]×3, [4, 16, 64]×2, [1024]×5, [4096]×3, [16]×700', async () => {
    await checkComplex([8, 256], 3, 'batched / non-square');
    await checkComplex([4, 16, 64], 2, 'batched / non-square');
    await checkComplex([1024], 5, 'batched / non-square');
    await checkComplex([4096], 3, 'batched / non-square');
    await checkComplex([16], 700, 'batched / non-square');
  });
});

describe('WGSL FFT: real-to-complex and complex-to-real', () => {
  for (const shape of [[2], [4], [8], [64], [1024], [2048], [4096], [65536]]) {
    it(`1D [${shape}] (batch 3)`, () => checkReal(shape, 3, '1D real'));
  }
  for (const shape of [[2, 2], [4, 8], [64, 64], [256, 256], [512, 1024]]) {
    it(`2D [${shape}]`, () => checkReal(shape, shape[0] <= 64 ? 2 : 1, '2D real'));
  }
  for (const shape of [[2, 2, 2], [4, 8, 16], [64, 64, 64]]) {
    it(`3D [${shape}]`, () => checkReal(shape, shape[0] <= 4 ? 2 : 1, '3D real'));
  }
});

// The line kernel has two shapes (gpuFft.ts LINE_PROFILES): the workgroup-memory tile kernel (hardware) and the
// one-line-per-invocation lane kernel (software). This machine's adapter gets one of them by default (the lane
// kernel on SwiftShader), so both are checked here explicitly on the cases that exercise their differences: one
// tile per workgroup vs workgroups looping over lines, partial tiles, single-codelet (≤ 32) and split (> 32) lines,
// four-step (with its post-twiddled first pass), strided axes.
describe('WGSL FFT: both line-kernel profiles', () => {
  for (const [name, profile] of Object.entries(LINE_PROFILES)) {
    it(`${name} (${profile.kernel} kernel, ${profile.threads} invocations per workgroup): [1024]×5, [16]×700, [8, 256]×3, [4096]×3, 2D 256², 3D 16³, real [256, 256]`, async () => {
      await checkComplex([1024], 5, `profile ${name}`, profile);
      await checkComplex([16], 700, `profile ${name}`, profile);
      await checkComplex([8, 256], 3, `profile ${name}`, profile);
      await checkComplex([4096], 3, `profile ${name}`, profile);
      await checkComplex([256, 256], 1, `profile ${name}`, profile);
      await checkComplex([16, 16, 16], 2, `profile ${name}`, profile);
      await checkReal([256, 256], 1, `profile ${name} real`, profile);
    });
  }
});

describe('plans', () => {
  it('checkFftShape accepts the supported shapes and names the shape and the supported list otherwise', () => {
    for (const shape of [[2], [65536], [1024, 1024], [2, 1024], [64, 64, 64], [2, 2, 2]]) expect(() => checkFftShape(shape)).not.toThrow();
    for (const shape of [[], [1], [3], [131072], [2048, 2], [100, 100], [128, 128, 128], [2, 2, 2, 2]]) {
      expect(() => checkFftShape(shape)).toThrow(`[${shape.join(', ')}]`);
      expect(() => checkFftShape(shape)).toThrow('supported: 1D [N] with N = 2^k, 2 ≤ N ≤ 65536');
    }
  });

  it('dispatches per transform: one per axis, two for a four-step 1D length; real: one more', async () => {
    const gpu = await testDevice();
    gpu.pushErrorScope('validation');
    const cases: [number[], number, number][] = [
      [[1024], 1, 2],
      [[2048], 2, 2],
      [[65536], 2, 3],
      [[512, 512], 2, 3],
      [[1024, 1024], 2, 3],
      [[64, 64, 64], 3, 4],
    ];
    for (const [shape, complex, real] of cases) {
      const plan = createFftPlan(gpu, shape);
      const realPlan = createRealFftPlan(gpu, shape);
      expect(plan.dispatchesPerTransform, `[${shape}]`).toBe(complex);
      expect(realPlan.dispatchesPerTransform, `real [${shape}]`).toBe(real);
      plan.destroy();
      realPlan.destroy();
    }
    expect(await gpu.popErrorScope()).toBeNull();
  });
});

afterAll(() => {
  const lines = [...worst.entries()].map(([k, v]) => `  ${k}: ${v.toExponential(2)}`);
  console.log(`WGSL FFT, worst scaled errors by size class:\n${lines.join('\n')}`);
});

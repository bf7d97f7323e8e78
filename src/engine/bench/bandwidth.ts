// The arithmetic of the in-app benchmark (issue #9): achieved bandwidth, its fraction of the measured copy
// bandwidth, and the bytes-moved model of each GPU case. Pure functions (no GPU, no DOM), tested in the core layer.
//
// Why bandwidth: every case here is memory-bound (a few flops per byte), so its time is set by how fast the GPU
// moves bytes. A buffer-to-buffer copy moves bytes and does nothing else, so the copy rate measured on the same
// device in the same run is the practical ceiling, and achieved / copy says how close a kernel comes to it.
//
// A bytes model counts the bytes a case must read + write per run for its algorithm as it is decomposed into
// passes: each pass reads its operands from memory once and writes its result once (caches can only make the
// real traffic smaller, never the model). Constants that a kernel could compute from an index (the spectral
// multipliers i·k, 1/|k|²) and uniform parameter slots are not counted; parameters the kernel must read (the
// mixture, the ETDRK4 coefficient arrays) are.

import type { PdeProblem } from '../../core/pde/run.ts';
import type { SamplerProgram } from '../../core/sampling/program.ts';

/** bytes of one complex float32 value (vec2<f32>): the FFT's and the PDE state's element */
export const COMPLEX_F32_BYTES = 8;
/** bytes of one float32 particle coordinate */
export const F32_BYTES = 4;

/** achieved bandwidth in GB/s (10⁹ bytes per second): bytes / (ms · 10⁻³ s) / 10⁹ = bytes / (ms · 10⁶) */
export function gigabytesPerSecond(bytes: number, ms: number): number {
  if (!(bytes >= 0) || !(ms > 0)) throw new Error(`gigabytesPerSecond: needs bytes ≥ 0 and ms > 0, got bytes = ${bytes}, ms = ${ms}`);
  return bytes / (ms * 1e6);
}

/** achieved / copy bandwidth: 1 means the kernel moves its bytes as fast as a plain buffer copy does */
export function fractionOfCopy(gbPerS: number, copyGbPerS: number): number {
  if (!(copyGbPerS > 0)) throw new Error(`fractionOfCopy: the copy bandwidth must be positive, got ${copyGbPerS}`);
  return gbPerS / copyGbPerS;
}

/** the median (the mean of the middle two for an even count) */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** repetitions per timed submit: enough that one submit lasts about `targetMs`, given one repetition's estimate */
export function repetitionsFor(targetMs: number, oneMs: number, maxReps: number): number {
  const reps = Math.ceil(targetMs / Math.max(oneMs, 1e-3));
  return Math.max(1, Math.min(maxReps, reps));
}

/** copyBufferToBuffer of `size` bytes reads `size` and writes `size`: bytes = 2 · size */
export function copyBytes(size: number): number {
  return 2 * size;
}

/**
 * One forward + one inverse complex FFT over C-order arrays of `shape`, `batch` arrays (createFftPlan): one pass per
 * axis, each reading and writing the whole batch once (the budget: one pass per axis up to N = 1024), so
 * bytes = 2 transforms × axes × 2 (read + write) × 8 B × Π shape × batch. At 512²: 2·2·2·8·262 144 = 16 777 216.
 */
export function fftPairBytes(shape: readonly number[], batch = 1): number {
  const points = shape.reduce((a, b) => a * b, 1) * batch;
  return 2 * shape.length * 2 * COMPLEX_F32_BYTES * points;
}

/** one complex FFT of `fields` arrays of `points` values over `axes` axes: per axis, read + write every field once */
function fftBytes(axes: number, fields: number, points: number): number {
  return axes * 2 * fields * points * COMPLEX_F32_BYTES;
}

/**
 * One run of a fixed sampler program (GpuSampler.run) over n particles in d dimensions, register elements f32
 * (P = n · d · 4 bytes per register):
 *   drawing x_T on the GPU       writes P
 *   eval(x → out)                reads P (x) + the mixture once (K components × (1 + 2d + d²) f32: log π, μ, U, e)
 *                                and writes P
 *   combine(out ← Σ_j c_j reg_j) reads P per term, writes P (fresh noise is generated, not read; per-dimension
 *                                coefficient vectors are d values, left out)
 * so a DDIM step (one eval, a two-term combine) is 5P + mixture. Trajectory records are not part of the benchmark.
 */
export function samplerProgramBytes(program: Pick<SamplerProgram, 'ops'>, n: number, d: number, components: number, drawsNoise = true): number {
  const register = n * d * F32_BYTES;
  const mixture = components * (1 + 2 * d + d * d) * F32_BYTES;
  let bytes = drawsNoise ? register : 0;
  for (const op of program.ops) {
    if (op.op === 'eval') bytes += 2 * register + mixture;
    else bytes += (op.terms.length + 1) * register;
  }
  return bytes;
}

/**
 * One (non-first) step of a PDE stepper program on the GPU (GpuPdeSolver), the state kept as complex f32 spectra
 * [channel][k]: F = 8 · size bytes per field, C channels, A axes. Per op of `program.step`:
 *   combine dst = Σ_j coef_j ⊙ reg_j   reads C·F per register term and C·F per coefficient-array term (a scalar
 *                                      coefficient is a parameter), writes C·F
 *   nonlinear dst = N̂(src), with NI inputs and NO outputs (the equation's nonlinear term):
 *     input spectra: read the state C·F, write NI·F
 *     inverse FFT of NI fields:  A · 2 · NI · F
 *     pointwise in physical space: read NI·F, write NO·F
 *     forward FFT of NO fields:  A · 2 · NO · F
 *     accumulate into dst: read NO·F, write C·F
 *   (a linear PDE's N ≡ 0 moves nothing)
 * and, for real fields, the end-of-step Hermitian projection reads and writes the state: 2·C·F.
 * For 2D Navier–Stokes (C = 1, NI = 4: u, v, ω_x, ω_y; NO = 1) with ETDRK4 (Cox–Matthews: 4 nonlinear evaluations;
 * combines of 2, 2, 3 and 5 terms, every coefficient an array) this is 4 · (5 + 16 + 5 + 4 + 2)·F for the nonlinear
 * evaluations + (5 + 5 + 7 + 11)·F for the combines + 2F = 158·F: 5 177 344 bytes at 64², 82 837 504 at 256².
 */
export function pdeStepBytes(problem: Pick<PdeProblem, 'program' | 'channels' | 'size' | 'grid' | 'nonlinear' | 'mirror'>): number {
  const F = COMPLEX_F32_BYTES * problem.size;
  const C = problem.channels;
  const axes = problem.grid.n.length;
  const ni = problem.nonlinear?.inputs.length ?? 0;
  const no = problem.nonlinear?.outputs.length ?? 0;
  let bytes = 0;
  for (const op of problem.program.step) {
    if (op.op === 'combine') {
      const arrays = op.terms.filter((t) => 'array' in t.coef).length;
      bytes += (op.terms.length + arrays + 1) * C * F;
    } else if (problem.nonlinear) {
      bytes += C * F + ni * F; // input spectra
      bytes += fftBytes(axes, ni, problem.size);
      bytes += ni * F + no * F; // pointwise
      bytes += fftBytes(axes, no, problem.size);
      bytes += no * F + C * F; // accumulate
    }
  }
  if (problem.mirror) bytes += 2 * C * F;
  return bytes;
}

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
 * (P = n · d · 4 bytes per register). The model is the minimum for the pass structure the budget asks for
 * ("the sampler's eval+combine is one dispatch per model evaluation"): each eval opens a pass that the combines after
 * it join (combines before the first eval form their own pass). A pass
 *   reads each register it uses before producing it, once (P each), and the mixture once per eval
 *     (K components × (1 + 2d + d²) f32: log π, μ, U, e);
 *   writes each register it produces that another pass reads from memory, or register 0 (x, the result): P each
 *     (a model output used only inside its pass never reaches memory; fresh noise is generated, not read;
 *     per-dimension coefficient vectors are d values, left out);
 * and drawing x_T on the GPU writes P. DDIM (eval x → D, then x ← a·x + b·D) is 2P + mixture per step: read x,
 * write x.
 */
export function samplerProgramBytes(program: Pick<SamplerProgram, 'ops'>, n: number, d: number, components: number, drawsNoise = true): number {
  const register = n * d * F32_BYTES;
  const mixture = components * (1 + 2 * d + d * d) * F32_BYTES;
  const passes: { reads: Set<number>; produced: Set<number>; evals: number }[] = [];
  for (const op of program.ops) {
    if (op.op === 'eval' || passes.length === 0) passes.push({ reads: new Set(), produced: new Set(), evals: 0 });
    const pass = passes[passes.length - 1];
    const read = (reg: number) => {
      if (!pass.produced.has(reg)) pass.reads.add(reg);
    };
    if (op.op === 'eval') {
      read(op.x);
      pass.evals++;
    } else op.terms.forEach((t) => read(t.reg));
    pass.produced.add(op.out);
  }
  let bytes = drawsNoise ? register : 0;
  passes.forEach((pass, p) => {
    bytes += pass.reads.size * register + pass.evals * mixture;
    for (const reg of pass.produced) if (reg === 0 || passes.some((other, o) => o !== p && other.reads.has(reg))) bytes += register;
  });
  return bytes;
}

type PdeCombine = Extract<PdeProblem['program']['step'][number], { op: 'combine' }>;

/** one elementwise pass of a step: the end of a nonlinear evaluation, a combine, the start of the next evaluation */
interface FusedStage {
  accumulate?: string;
  combine?: PdeCombine;
  inputs?: string;
}

/**
 * One (non-first) step of a PDE stepper program on the GPU, the state kept as complex f32 spectra [channel][k]:
 * F = 8 · size bytes per field, C channels, A axes, a nonlinear term with NI inputs and NO outputs. The model is the
 * minimum for the pass structure the budget asks for ("an ETDRK4 step fuses its stage combines"): a
 * nonlinear evaluation dst = N̂(src) is
 *   transforms: inverse FFT of NI fields (A · 2 · NI · F), pointwise in physical space (read NI·F, write NO·F),
 *               forward FFT of NO fields (A · 2 · NO · F);
 * and every elementwise part between two transforms is one fused pass (accumulate N̂ into dst → the combine →
 * the next evaluation's input spectra, in that order; a part that comes out of order opens a new pass), which
 *   reads the transform's NO·F outputs (if it accumulates), each distinct register term and coefficient array of
 *     its combine once (C·F each; the register it accumulates is already in hand; a scalar coefficient is a
 *     parameter), and the evaluation's source state (C·F) unless the pass itself produced it;
 *   writes the input spectra (NI·F), and each register it produces (C·F) that another pass reads or that is the
 *     state v (a value used only inside the pass never reaches memory);
 * and, for real fields, the end-of-step Hermitian projection reads and writes the state: 2·C·F (a separate pass:
 * each value needs its mirror at −k). A linear PDE's N ≡ 0 moves nothing.
 * For 2D Navier–Stokes (C = 1, NI = 4: u, v, ω_x, ω_y; NO = 1; A = 2) with ETDRK4 (Cox–Matthews; steppers.ts):
 *   inputs(v) 5F · 4 transforms × (16 + 5 + 4)F · [acc Nv, a = E2 v + Q Nv, inputs(a)] (1 + 3 + 2 + 4)F ·
 *   [acc Na, b = E2 v + Q Na, inputs(b)] (1 + 3 + 1 + 4)F (b is used only here) ·
 *   [acc Nb, c = E2 a + 2Q Nb − Q Nv, inputs(c)] (1 + 5 + 1 + 4)F ·
 *   [acc Nc, v = E v + F1 Nv + 2F2 (Na + Nb) + F3 Nc] (1 + 8 + 1)F · Hermitian projection 2F
 *   = 147·F: 4 816 896 bytes at 64², 77 070 336 at 256².
 */
export function pdeStepBytes(problem: Pick<PdeProblem, 'program' | 'channels' | 'size' | 'grid' | 'nonlinear' | 'mirror'>): number {
  const F = COMPLEX_F32_BYTES * problem.size;
  const C = problem.channels;
  const axes = problem.grid.n.length;
  const ni = problem.nonlinear?.inputs.length ?? 0;
  const no = problem.nonlinear?.outputs.length ?? 0;
  // the fused passes and the transforms between them
  const stages: FusedStage[] = [];
  let open: FusedStage | null = null;
  let transforms = 0;
  for (const op of problem.program.step) {
    if (op.op === 'combine') {
      if (open && !open.combine && open.inputs === undefined) open.combine = op;
      else stages.push((open = { combine: op }));
    } else if (problem.nonlinear) {
      if (open && open.inputs === undefined) open.inputs = op.src;
      else stages.push({ inputs: op.src });
      transforms++;
      stages.push((open = { accumulate: op.dst }));
    }
  }
  const reads = stages.map((stage) => new Set([...(stage.combine?.terms.map((t) => t.reg) ?? []), ...(stage.inputs === undefined ? [] : [stage.inputs])]));
  const neededElsewhere = (reg: string, s: number) => reg === 'v' || reads.some((set, other) => other !== s && set.has(reg));
  let bytes = transforms * (fftBytes(axes, ni, problem.size) + (ni + no) * F + fftBytes(axes, no, problem.size));
  stages.forEach((stage, s) => {
    const produced = new Set<string>();
    if (stage.accumulate !== undefined) {
      bytes += no * F;
      produced.add(stage.accumulate);
      if (neededElsewhere(stage.accumulate, s)) bytes += C * F;
    }
    if (stage.combine) {
      const registers = new Set(stage.combine.terms.map((t) => t.reg).filter((reg) => !produced.has(reg)));
      const arrays = new Set(stage.combine.terms.flatMap((t) => ('array' in t.coef ? [t.coef.array] : [])));
      bytes += (registers.size + arrays.size) * C * F;
      produced.add(stage.combine.dst);
      if (neededElsewhere(stage.combine.dst, s)) bytes += C * F;
    }
    if (stage.inputs !== undefined) bytes += (produced.has(stage.inputs) ? 0 : C * F) + ni * F;
  });
  if (problem.mirror) bytes += 2 * C * F;
  return bytes;
}

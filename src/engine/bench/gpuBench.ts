// The in-app GPU benchmark (issue #9): on the page's own GPUDevice, a buffer-copy microbenchmark (the practical
// bandwidth ceiling) and three engine kernels, each reported as time per run, bytes per run (bandwidth.ts's
// models), achieved GB/s and its fraction of the copy bandwidth. Browser- and Node-compatible (no `node:`
// imports): the page (src/ui/bench) and the gpu test run the same code.
//
// Cases (sizes: HARDWARE_SIZES, or SOFTWARE_SIZES on a software adapter, where the "GPU" is a CPU emulation):
// - copy: copyBufferToBuffer of one buffer into another, many copies per submit; bytes = 2 × size per copy.
// - sampler: one GpuSampler.run of DDIM on ring8 (K = 8, d = 2): x_T drawn on the GPU, then per step one GMM
//   eval and its combine (the fused "eval+combine" case; bench/run.ts samplerCase does the same run).
// - fft: createFftPlan 2D, one forward + one inverse transform in place.
// - pde: one ETDRK4 step of 2D Navier–Stokes (GpuPdeSolver.encodeSteps; bench/run.ts's PDE case's setup).
// Timing (timing.ts): GPU timestamps around all the repetitions of one submit when the device has
// 'timestamp-query', else wall time around the submit; the sampler is always wall time (it submits by itself).

import { prepareMixture } from '../../core/sampling/gmm.ts';
import { targetPreset } from '../../core/sampling/presets.ts';
import { VpLinearProcess } from '../../core/sampling/process.ts';
import { scheduleLogSnrUniform } from '../../core/sampling/schedules.ts';
import { programOnGrid } from '../../core/sampling/solvers.ts';
import { GpuSampler } from '../gpuSampler.ts';
import { createFftPlan } from '../pde/gpuFft.ts';
import { GpuPdeSolver } from '../pde/gpuPde.ts';
import { type PreparedPde, prepareBenchPde } from './benchPde.ts';
import { copyBytes, fftPairBytes, fractionOfCopy, gigabytesPerSecond, pdeStepBytes, samplerProgramBytes } from './bandwidth.ts';
import { BenchCancelled, type MeasureOptions, type Measurement, SubmitTimer, type TimingMethod, hasTimestampQuery, measureEncoded, measureRuns, throwIfCancelled, yieldToEventLoop } from './timing.ts';

export { BenchCancelled } from './timing.ts';
export { type PreparedPde, prepareBenchPde } from './benchPde.ts';
export type { TimingMethod } from './timing.ts';

export interface BenchSizes {
  /** bytes of the copied buffer */
  copyBytes: number;
  /** particles and DDIM steps of the sampler run */
  samplerN: number;
  samplerSteps: number;
  /** side of the 2D FFT */
  fftN: number;
  /** side of the Navier–Stokes grid */
  pdeN: number;
  /** wall time of one measured submit (ms), measured submits per case, most repetitions per submit */
  targetMs: number;
  samples: number;
  maxReps: number;
}

const MiB = 1 << 20;

/** a hardware GPU: buffers larger than its caches (the copy), the sizes for the FFT and the PDE */
export const HARDWARE_SIZES: BenchSizes = { copyBytes: 64 * MiB, samplerN: 1 << 20, samplerSteps: 20, fftN: 512, pdeN: 256, targetMs: 200, samples: 5, maxReps: 2000 };
/** a software adapter (SwiftShader: a CPU emulation, two cores on CI): small enough to finish in seconds */
// (measured in Node on SwiftShader, two loaded cores: a DDIM run at n = 16 384 took 1.7 s, so n = 4096 here; a 256²
// FFT pair 65 ms; a 64² ETDRK4 step 110 ms)
export const SOFTWARE_SIZES: BenchSizes = { copyBytes: 8 * MiB, samplerN: 4096, samplerSteps: 10, fftN: 256, pdeN: 64, targetMs: 150, samples: 3, maxReps: 200 };

export type BenchCaseId = 'sampler' | 'fft' | 'pde';

export interface BenchCaseResult {
  id: BenchCaseId;
  kernel: string;
  /** the problem size in words ("n = 16 384 · 10 steps", "256²") */
  size: string;
  /** median time per run, ms */
  ms: number;
  /** bytes per run of the case's model (bandwidth.ts) */
  bytes: number;
  /** bytes / ms, in GB/s (10⁹ B/s) */
  gbPerS: number;
  /** gbPerS / the copy's GB/s */
  fraction: number;
  method: TimingMethod;
  /** runs per measured submit (the sampler: runs per measured batch, each its own submit) */
  reps: number;
  /** what one run is and how its bytes are counted */
  bytesModel: string;
}

export interface CopyResult {
  /** bytes of the copied buffer */
  size: number;
  /** bytes moved per copy: read + write, 2 × size */
  bytes: number;
  ms: number;
  gbPerS: number;
  method: TimingMethod;
  reps: number;
}

export interface BenchFailure {
  id: BenchCaseId;
  kernel: string;
  message: string;
}

export interface BenchReport {
  software: boolean;
  /** whether the device had 'timestamp-query' (then every case but the sampler used timestamps) */
  timestampQuery: boolean;
  sizes: BenchSizes;
  copy: CopyResult;
  cases: BenchCaseResult[];
  /** cases that threw (a GPU error, a buffer over the device's limits); the others still ran */
  failures: BenchFailure[];
  /** wall time of the whole benchmark, ms */
  totalMs: number;
}

export interface BenchProgress {
  /** steps finished, of `total` (the copy and each case) */
  done: number;
  total: number;
  /** what runs now */
  label: string;
}

export interface BenchOptions {
  /** software adapter: SOFTWARE_SIZES (default HARDWARE_SIZES) */
  software?: boolean;
  /** override sizes (tests) */
  sizes?: Partial<BenchSizes>;
  /** checked between submits: a cancelled benchmark throws BenchCancelled */
  signal?: AbortSignal;
  onProgress?(progress: BenchProgress): void;
  onCopy?(copy: CopyResult): void;
  onCase?(result: BenchCaseResult): void;
  /** prepares the PDE case (default: prepareBenchPde on this thread; the page passes a worker's) */
  preparePde?(n: number): Promise<PreparedPde>;
}

/** "16 384" (thin spaces are not used: the table is read by screen readers and tests) */
function grouped(n: number): string {
  return n.toLocaleString('en-US').replace(/,/g, ' ');
}

/** runs `body` inside validation and out-of-memory error scopes: a GPU error fails the case with its message */
async function withErrorScopes<T>(device: GPUDevice, body: () => Promise<T>): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let result: T | undefined;
  let thrown: unknown = null;
  try {
    result = await body();
  } catch (error) {
    thrown = error;
  }
  const validation = await device.popErrorScope();
  const oom = await device.popErrorScope();
  if (thrown) throw thrown;
  if (validation) throw new Error(`GPU validation error: ${validation.message}`);
  if (oom) throw new Error(`GPU out of memory: ${oom.message}`);
  return result as T;
}

/** the copy microbenchmark: `size` bytes from one buffer into another, `reps` copies per submit */
export async function measureCopy(device: GPUDevice, timer: SubmitTimer, size: number, options: MeasureOptions): Promise<CopyResult> {
  const limit = device.limits.maxBufferSize;
  // a multiple of 4 (copyBufferToBuffer's alignment) that the device allows
  const bytes = Math.max(4, Math.floor(Math.min(size, limit) / 4) * 4);
  const usage = GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const src = device.createBuffer({ label: 'bench copy source', size: bytes, usage });
  const dst = device.createBuffer({ label: 'bench copy destination', size: bytes, usage });
  try {
    return await withErrorScopes(device, async () => {
      // fill the source once: a never-written buffer may be special-cased (lazy zero-initialisation)
      const fill = new Uint32Array(Math.min(bytes, 4 * MiB) / 4).map((_, i) => i * 2654435761);
      for (let offset = 0; offset < bytes; offset += fill.byteLength) device.queue.writeBuffer(src, offset, fill, 0, Math.min(fill.length, (bytes - offset) / 4));
      const m = await measureEncoded(
        timer,
        (encoder, reps) => {
          for (let r = 0; r < reps; r++) encoder.copyBufferToBuffer(src, 0, dst, 0, bytes);
        },
        options,
        'bench copy',
      );
      const moved = copyBytes(bytes);
      return { size: bytes, bytes: moved, ms: m.ms, gbPerS: gigabytesPerSecond(moved, m.ms), method: m.method, reps: m.reps };
    });
  } finally {
    src.destroy();
    dst.destroy();
  }
}

interface CaseRun {
  kernel: string;
  size: string;
  bytes: number;
  bytesModel: string;
  measurement: Measurement;
}

async function samplerCase(device: GPUDevice, sizes: BenchSizes, options: MeasureOptions): Promise<CaseRun> {
  const n = sizes.samplerN;
  const steps = sizes.samplerSteps;
  const vp = new VpLinearProcess();
  const mixture = prepareMixture(targetPreset('ring8'));
  const program = programOnGrid({ name: 'ddim' }, vp, scheduleLogSnrUniform(vp, 1, 1e-3, steps));
  const sampler = new GpuSampler(device, 'bench sampler');
  try {
    sampler.setTarget(mixture);
    const measurement = await measureRuns(async () => void (await sampler.run(program, { n, seed: 0 })), options);
    return {
      kernel: `GMM eval + combine: DDIM on ring8 (K = ${mixture.components}, d = ${mixture.dim})`,
      size: `n = ${grouped(n)} · ${steps} steps`,
      bytes: samplerProgramBytes(program, n, mixture.dim, mixture.components),
      bytesModel:
        'one GpuSampler.run: draw x_T (write P), then per step the eval and its combine as one pass that reads x and the mixture and writes x (D = the model output stays in the pass): 2P + the mixture per step; P = n·d·4 bytes',
      measurement,
    };
  } finally {
    sampler.destroy();
  }
}

async function fftCase(device: GPUDevice, timer: SubmitTimer, sizes: BenchSizes, options: MeasureOptions): Promise<CaseRun> {
  const N = sizes.fftN;
  const shape = [N, N];
  const plan = createFftPlan(device, shape, 1);
  const buffer = device.createBuffer({ label: 'bench fft data', size: N * N * 8, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  try {
    device.queue.writeBuffer(buffer, 0, Float32Array.from({ length: 2 * N * N }, (_, i) => Math.sin(i * 0.7)));
    const measurement = await measureEncoded(
      timer,
      (encoder, reps) => {
        for (let r = 0; r < reps; r++) {
          plan.encode(encoder, buffer, false);
          plan.encode(encoder, buffer, true);
        }
      },
      options,
      'bench fft',
    );
    return {
      kernel: '2D FFT, forward + inverse (complex f32)',
      size: `${N}²`,
      bytes: fftPairBytes(shape),
      bytesModel: 'one forward and one inverse transform; each axis is one pass that reads and writes the N² complex values once: 2 · 2 axes · 2 · 8 B · N²',
      measurement,
    };
  } finally {
    buffer.destroy();
    plan.destroy();
  }
}

async function pdeCase(device: GPUDevice, timer: SubmitTimer, sizes: BenchSizes, options: MeasureOptions, prepare: (n: number) => Promise<PreparedPde>): Promise<CaseRun> {
  const N = sizes.pdeN;
  const { problem, initial } = await prepare(N);
  throwIfCancelled(options.signal);
  const solver = new GpuPdeSolver(device, problem, initial);
  try {
    const measurement = await measureEncoded(timer, (encoder, reps) => solver.encodeSteps(encoder, reps), options, 'bench pde');
    const nonlinear = problem.program.step.filter((op) => op.op === 'nonlinear').length;
    return {
      kernel: '2D Navier–Stokes, one ETDRK4 step',
      size: `${N}²`,
      bytes: pdeStepBytes(problem),
      bytesModel: `one step: ${nonlinear} nonlinear evaluations, each an inverse FFT of ${problem.nonlinear?.inputs.length ?? 0} fields, a pointwise pass and an FFT of ${problem.nonlinear?.outputs.length ?? 0} (one pass per axis, reading and writing every field), with the stage combines fused into the passes between them (operands and coefficient arrays read once, registers another pass needs written once), and the Hermitian projection; 8 B per complex value`,
      measurement,
    };
  } finally {
    solver.destroy();
  }
}

/** Runs the copy microbenchmark, then each case; yields to the event loop between cases and between submits. */
export async function runBenchmark(device: GPUDevice, options: BenchOptions = {}): Promise<BenchReport> {
  const started = performance.now();
  const software = options.software ?? false;
  const sizes: BenchSizes = { ...(software ? SOFTWARE_SIZES : HARDWARE_SIZES), ...options.sizes };
  const measure: MeasureOptions = { targetMs: sizes.targetMs, samples: sizes.samples, maxReps: sizes.maxReps, signal: options.signal };
  const timer = new SubmitTimer(device, 'bench');
  const cases: { id: BenchCaseId; label: string; run: () => Promise<CaseRun> }[] = [
    { id: 'sampler', label: 'GMM eval + combine', run: () => samplerCase(device, sizes, measure) },
    { id: 'fft', label: '2D FFT', run: () => fftCase(device, timer, sizes, measure) },
    { id: 'pde', label: 'Navier–Stokes ETDRK4 step', run: () => pdeCase(device, timer, sizes, measure, options.preparePde ?? (async (n) => prepareBenchPde(n))) },
  ];
  const total = cases.length + 1;
  try {
    options.onProgress?.({ done: 0, total, label: 'buffer copy' });
    const copy = await measureCopy(device, timer, sizes.copyBytes, measure);
    options.onCopy?.(copy);
    const results: BenchCaseResult[] = [];
    const failures: BenchFailure[] = [];
    for (const [i, c] of cases.entries()) {
      throwIfCancelled(options.signal);
      options.onProgress?.({ done: i + 1, total, label: c.label });
      await yieldToEventLoop();
      try {
        const run = await withErrorScopes(device, c.run);
        const gbPerS = gigabytesPerSecond(run.bytes, run.measurement.ms);
        const result: BenchCaseResult = {
          id: c.id,
          kernel: run.kernel,
          size: run.size,
          ms: run.measurement.ms,
          bytes: run.bytes,
          gbPerS,
          fraction: fractionOfCopy(gbPerS, copy.gbPerS),
          method: run.measurement.method,
          reps: run.measurement.reps,
          bytesModel: run.bytesModel,
        };
        results.push(result);
        options.onCase?.(result);
      } catch (error) {
        if (error instanceof BenchCancelled) throw error;
        failures.push({ id: c.id, kernel: c.label, message: error instanceof Error ? error.message : String(error) });
      }
    }
    options.onProgress?.({ done: total, total, label: 'done' });
    return { software, timestampQuery: hasTimestampQuery(device), sizes, copy, cases: results, failures, totalMs: performance.now() - started };
  } finally {
    timer.destroy();
  }
}

// Runs solver programs on the GPU in float32 (DESIGN §2, §4). Particles live in one register file on the
// GPU from noise to sample; a whole program (noise, every eval and combine, trajectory records) is encoded
// into one compute pass and submitted once. Nothing is read back here except on request.

import { shaders } from '../../shaders/index.ts';
import type { PreparedMixture } from '../core/sampling/gmm.ts';
import { type CombineOp, MAX_COMBINE_TERMS, type Measure, type Program, type ProgramOp, isDriven } from '../core/sampling/program.ts';
import { MAX_DIAGONAL_DIM, MAX_DIM } from '../core/spec/spec.ts';
import { RngStream } from '../core/util/rng.ts';
import { bindGroup, getKernel, workgroups, type KernelDefinition } from '../gpu/kernels.ts';
import { readFloat32 } from '../gpu/readback.ts';

/** bytes per op's parameter slot: WebGPU's minUniformBufferOffsetAlignment is at most 256 */
const PARAM_SLOT = 256;
const EVAL_WORKGROUP = 64;
/** coordinates per thread of diag_denoise (COORDS in shaders/sampler/gmm_diag.wgsl) */
const DIAG_COORDS_PER_THREAD = 8;
const COMBINE_WORKGROUP = 64;

const DIAG_BINDINGS: KernelDefinition['bindings'] = ['uniform-dynamic', 'read-only-storage', 'storage', 'storage', 'read-only-storage'];

export const SAMPLER_KERNELS = {
  denoise: { label: 'gmm denoise', code: shaders.gmm, entryPoint: 'gmm_denoise', bindings: ['uniform-dynamic', 'read-only-storage', 'storage'] },
  combine: { label: 'combine', code: shaders.combine, entryPoint: 'combine', bindings: ['uniform-dynamic', 'storage'] },
  combineBrownian: { label: 'combine', code: shaders.combine, entryPoint: 'combine_brownian', bindings: ['uniform-dynamic', 'storage'] },
  combineVector: { label: 'combine (coefficient vectors)', code: shaders.combineVector, entryPoint: 'combine_vector', bindings: ['uniform-dynamic', 'storage', 'read-only-storage'] },
  noise: { label: 'fill normal', code: shaders.noise, entryPoint: 'fill_normal', bindings: ['uniform-dynamic', 'storage'] },
  measureRows: { label: 'measure rows', code: shaders.measure, entryPoint: 'measure_rows', bindings: ['uniform-dynamic', 'read-only-storage', 'storage', 'storage'] },
  reduceRows: { label: 'reduce rows', code: shaders.measure, entryPoint: 'reduce_rows', bindings: ['uniform-dynamic', 'read-only-storage', 'storage', 'storage'] },
  // diagonal covariances above MAX_DIM (shaders/sampler/gmm_diag.wgsl): two dispatches per eval, any dimension
  diagLogWeights: { label: 'gmm diagonal log weights', code: shaders.gmmDiag, entryPoint: 'diag_log_weights', bindings: DIAG_BINDINGS },
  diagDenoise: { label: 'gmm diagonal denoise', code: shaders.gmmDiag, entryPoint: 'diag_denoise', bindings: DIAG_BINDINGS },
} satisfies Record<string, KernelDefinition>;

/** Where a finished run's particles are: register r of particle p, coordinate j is float r·n·d + p·d + j. */
export interface GpuRun {
  regs: GPUBuffer;
  n: number;
  dim: number;
  /** register holding x_{t_N} (always 0) */
  resultRegister: number;
  /** when the trajectory was recorded: x at grid index i is register trajectoryRegister + i */
  trajectoryRegister?: number;
  steps: number;
  times: number[];
  nfe: number;
}

export interface GpuSampleOptions {
  n: number;
  seed: number;
  /** x_T to start from (n·d values); default: drawn on the GPU from the RNG's initial-noise stream */
  noise?: Float32Array<ArrayBuffer>;
  recordTrajectory?: boolean;
}

/** Pack a mixture in the layout of shaders/sampler/gmm.wgsl: per component [log π, μ (d), U (d²), e (d)]. */
export function packMixture(m: PreparedMixture): Float32Array<ArrayBuffer> {
  const d = m.dim;
  const stride = 1 + 2 * d + d * d;
  const out = new Float32Array(m.components * stride);
  for (let k = 0; k < m.components; k++) {
    const base = k * stride;
    out[base] = m.logWeights[k];
    out.set(m.means.subarray(k * d, (k + 1) * d), base + 1);
    out.set(m.eigenvectors.subarray(k * d * d, (k + 1) * d * d), base + 1 + d);
    out.set(m.eigenvalues.subarray(k * d, (k + 1) * d), base + 1 + d + d * d);
  }
  return out;
}

/**
 * Which denoiser a mixture runs on: up to MAX_DIM dimensions the fused one-pass kernel (gmm.wgsl; a diagonal
 * mixture carries identity eigenvectors there), above it the two-pass diagonal kernel. The fused kernel needs one
 * dispatch per eval and no n·K buffer; on SwiftShader the two measured the same for ring8 (bench: 1.9e5 and 2.0e5
 * particle-evaluations/s); no real GPU was at hand to compare them.
 */
export function usesDiagonalKernel(m: PreparedMixture): boolean {
  return m.diagonal === true && m.dim > MAX_DIM;
}

/** Pack a diagonal mixture in the layout of shaders/sampler/gmm_diag.wgsl: [μ (K·d), s² (K·d)]. */
export function packDiagonalMixture(m: PreparedMixture): Float32Array<ArrayBuffer> {
  const out = new Float32Array(2 * m.components * m.dim);
  out.set(m.means, 0);
  out.set(m.eigenvalues, m.components * m.dim);
  return out;
}

/**
 * log π_k − ½ Σ_i log(α² s²_{k,i} + σ²) for one eval of a diagonal mixture, in float64 (specs §15.1): uploaded so
 * that the kernel's only long f32 sum is the quadratic form.
 */
export function diagonalLogNorms(m: PreparedMixture, alpha: number, sigma: number): Float64Array {
  const d = m.dim;
  const out = new Float64Array(m.components);
  for (let k = 0; k < m.components; k++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += Math.log(alpha * alpha * m.eigenvalues[k * d + i] + sigma * sigma);
    out[k] = m.logWeights[k] - 0.5 * s;
  }
  return out;
}

/** what every fragment of one run shares */
interface EncodeContext {
  n: number;
  d: number;
  /** floats per register, n·d */
  size: number;
  /** bytes of the register file in use */
  bytes: number;
  seed: number;
  /** draw x_T from the RNG (no noise given) */
  drawNoise: boolean;
  trajectoryRegister?: number;
  gridPoints: number;
  label: string;
}

export class GpuSampler {
  private mixture: PreparedMixture | null = null;
  private mixtureBuffer: GPUBuffer | null = null;
  private regs: GPUBuffer | null = null;
  private params: GPUBuffer | null = null;
  private measureParams: GPUBuffer | null = null;
  private measureRows: GPUBuffer | null = null;
  private measureResults: GPUBuffer | null = null;
  /** diagonal mixtures: log w̃ per (particle, component), and the per-eval log normalisers */
  private logWeights: GPUBuffer | null = null;
  private logNorms: GPUBuffer | null = null;
  /** the program's per-dimension coefficient vectors (program.ts SamplerProgram.vectors), f32 */
  private vectorBuffer: GPUBuffer | null = null;

  constructor(
    readonly device: GPUDevice,
    readonly label = 'sampler',
  ) {}

  setTarget(mixture: PreparedMixture): void {
    if (mixture.diagonal ? mixture.dim > MAX_DIAGONAL_DIM : mixture.dim > MAX_DIM)
      throw new Error(
        `target dimension ${mixture.dim} exceeds the GPU denoiser's limit: ${MAX_DIM} for full covariances, ${MAX_DIAGONAL_DIM} for diagonal ones (this target's are ${mixture.diagonal ? 'diagonal' : 'full'})`,
      );
    const packed = usesDiagonalKernel(mixture) ? packDiagonalMixture(mixture) : packMixture(mixture);
    this.mixtureBuffer?.destroy();
    this.mixtureBuffer = this.device.createBuffer({ label: `${this.label} mixture`, size: packed.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    this.device.queue.writeBuffer(this.mixtureBuffer, 0, packed);
    this.mixture = mixture;
  }

  /** the register file of the latest run (valid until the next run of this sampler) */
  get registerFile(): GPUBuffer | null {
    return this.regs;
  }

  private ensureBuffer(current: GPUBuffer | null, size: number, usage: number, label: string): GPUBuffer {
    if (current && current.size >= size) return current;
    current?.destroy();
    return this.device.createBuffer({ label: `${this.label} ${label}`, size, usage });
  }

  /**
   * Run a program. A fixed program (noise, every eval and combine, trajectory records) is one compute pass and
   * one submit. A driven program (program.ts) is one pass per fragment, each followed by its measurements (one
   * reduction and an 8-byte readback per measure) that the driver needs before it writes the next fragment.
   */
  async run(program: Program, options: GpuSampleOptions): Promise<GpuRun> {
    if (!this.mixture || !this.mixtureBuffer) throw new Error('GpuSampler.run: no target set');
    const { n } = options;
    const d = this.mixture.dim;
    const size = n * d;
    const gridPoints = isDriven(program) ? program.maxGridPoints : program.times.length;
    const trajectoryRegister = options.recordTrajectory ? program.registers : undefined;
    const registers = program.registers + (options.recordTrajectory ? gridPoints : 0);
    const bytes = registers * size * 4;
    const limit = this.device.limits.maxStorageBufferBindingSize;
    if (bytes > limit) {
      throw new Error(`n = ${n} with ${registers} registers needs ${bytes} bytes of GPU storage; this device allows ${limit} (try n ≤ ${Math.floor(limit / (registers * d * 4))})`);
    }
    this.regs = this.ensureBuffer(this.regs, bytes, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, 'registers');
    if (options.noise) {
      if (options.noise.length !== size) throw new Error(`noise has ${options.noise.length} values, expected n·d = ${size}`);
      this.device.queue.writeBuffer(this.regs, 0, options.noise);
    }
    const context: EncodeContext = { n, d, size, bytes, seed: options.seed, drawNoise: !options.noise, trajectoryRegister, gridPoints, label: program.solver };
    if (!isDriven(program) && program.vectors?.length) {
      const packed = new Float32Array(program.vectors.length * d);
      program.vectors.forEach((v, k) => {
        if (v.length !== d) throw new Error(`${program.solver}: a coefficient vector has ${v.length} entries, the target's dimension is ${d}`);
        packed.set(v, k * d);
      });
      this.vectorBuffer = this.ensureBuffer(this.vectorBuffer, packed.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, 'coefficient vectors');
      this.device.queue.writeBuffer(this.vectorBuffer, 0, packed);
    }
    const finish = (times: number[], nfe: number): GpuRun => ({ regs: this.regs!, n, dim: d, resultRegister: 0, trajectoryRegister, steps: times.length - 1, times, nfe });
    if (!isDriven(program)) {
      await this.submit(program.ops, [], context, true);
      return finish(program.times, program.nfe);
    }
    const driver = program.start();
    let step = driver.next([]);
    let first = true;
    while (!step.done) {
      const measured = await this.submit(step.value.ops, step.value.measures, context, first);
      first = false;
      step = driver.next(measured);
    }
    return finish(step.value.times, step.value.nfe);
  }

  /** Encode ops (after drawing x_T when asked) into one compute pass, then the measures; submit; read the measures. */
  private async submit(ops: ProgramOp[], measures: Measure[], c: EncodeContext, first: boolean): Promise<number[]> {
    const { size, d } = c;
    // One parameter slot per dispatch.
    type Dispatch = { kind: 'denoise' | 'combine' | 'combineBrownian' | 'combineVector' | 'noise' | 'diagLogWeights' | 'diagDenoise'; groups: number };
    const mixture = this.mixture!;
    const diagonal = usesDiagonalKernel(mixture);
    const K = mixture.components;
    const logNormValues: number[] = [];
    const dispatches: Dispatch[] = [];
    const slots: ArrayBuffer[] = [];
    const slot = () => {
      const buffer = new ArrayBuffer(PARAM_SLOT);
      slots.push(buffer);
      return new DataView(buffer);
    };
    const combineSlot = (out: number, terms: { reg: number; coef: number }[], noise?: CombineOp['noise']) => {
      if (terms.length > MAX_COMBINE_TERMS) throw new Error(`combine with ${terms.length} terms exceeds ${MAX_COMBINE_TERMS}`);
      const v = slot();
      v.setUint32(0, out * size, true);
      v.setUint32(4, size, true);
      v.setUint32(8, terms.length, true);
      terms.forEach((term, j) => {
        v.setUint32(16 + 4 * j, term.reg * size, true);
        v.setFloat32(48 + 4 * j, term.coef, true);
      });
      const brownian = noise?.brownian;
      // a Brownian increment is divided by √|Δτ| of the f32 times the kernel sees (util/brownian.ts fillBrownian)
      const scale = brownian ? 1 / Math.sqrt(Math.abs(Math.fround(brownian.to) - Math.fround(brownian.from))) : 1;
      v.setFloat32(80, (noise?.coef ?? 0) * scale, true);
      v.setUint32(84, noise?.step ?? 0, true);
      v.setUint32(88, c.seed >>> 0, true);
      v.setUint32(92, d, true);
      v.setFloat32(100, brownian?.from ?? 0, true);
      v.setFloat32(104, brownian?.to ?? 0, true);
      dispatches.push({ kind: brownian ? 'combineBrownian' : 'combine', groups: workgroups(size, COMBINE_WORKGROUP) });
    };
    /** a combine with coefficient vectors (combine_vector.wgsl): vector k starts at float k·d of the vector buffer */
    const vectorSlot = (op: CombineOp) => {
      if (op.terms.length > MAX_COMBINE_TERMS) throw new Error(`combine with ${op.terms.length} terms exceeds ${MAX_COMBINE_TERMS}`);
      if (op.noise) throw new Error('a combine with coefficient vectors draws no noise');
      const NONE = 0xffffffff;
      const v = slot();
      v.setUint32(0, op.out * size, true);
      v.setUint32(4, size, true);
      v.setUint32(8, op.terms.length, true);
      v.setUint32(12, d, true);
      for (let j = 0; j < 8; j++) v.setUint32(80 + 4 * j, NONE, true);
      op.terms.forEach((term, j) => {
        v.setUint32(16 + 4 * j, term.reg * size, true);
        v.setFloat32(48 + 4 * j, term.coef, true);
        if (term.vector !== undefined) v.setUint32(80 + 4 * j, term.vector * d, true);
      });
      v.setUint32(112, op.constant ? op.constant.vector * d : NONE, true);
      v.setFloat32(116, op.constant?.coef ?? 0, true);
      dispatches.push({ kind: 'combineVector', groups: workgroups(size, COMBINE_WORKGROUP) });
    };
    const record = (gridIndex: number) => {
      if (c.trajectoryRegister === undefined) return;
      if (gridIndex >= c.gridPoints) throw new Error(`${c.label} took more than ${c.gridPoints - 1} steps: more than its trajectory can record`);
      combineSlot(c.trajectoryRegister + gridIndex, [{ reg: 0, coef: 1 }]);
    };

    if (first && c.drawNoise) {
      const v = slot();
      v.setUint32(0, 0, true);
      v.setUint32(4, c.n, true);
      v.setUint32(8, d, true);
      v.setUint32(12, c.seed >>> 0, true);
      v.setUint32(16, RngStream.initialNoise, true);
      v.setUint32(20, 0, true);
      dispatches.push({ kind: 'noise', groups: workgroups(c.n, EVAL_WORKGROUP) });
    }
    if (first) record(0);
    for (const op of ops) {
      if (op.op === 'eval') {
        // a diagonal eval is two dispatches (log-responsibilities, then coordinates), each with its own copy of the slot
        const logNormOffset = logNormValues.length;
        if (diagonal) logNormValues.push(...diagonalLogNorms(mixture, op.alpha, op.sigma));
        for (let copy = 0; copy < (diagonal ? 2 : 1); copy++) {
          const v = slot();
          v.setUint32(0, op.x * size, true);
          v.setUint32(4, op.out * size, true);
          v.setUint32(8, c.n, true);
          v.setUint32(12, d, true);
          v.setFloat32(16, op.alpha, true);
          v.setFloat32(20, op.sigma, true);
          v.setUint32(24, K, true);
          v.setUint32(28, op.prediction === 'noise' ? 1 : 0, true);
          v.setUint32(32, logNormOffset, true);
        }
        if (diagonal) {
          dispatches.push({ kind: 'diagLogWeights', groups: workgroups(c.n * K, EVAL_WORKGROUP) });
          dispatches.push({ kind: 'diagDenoise', groups: workgroups(c.n * Math.ceil(d / DIAG_COORDS_PER_THREAD), EVAL_WORKGROUP) });
        } else dispatches.push({ kind: 'denoise', groups: workgroups(c.n, EVAL_WORKGROUP) });
      } else {
        if (op.constant || op.terms.some((term) => term.vector !== undefined)) vectorSlot(op);
        else combineSlot(op.out, op.terms, op.noise);
        if (op.gridIndex !== undefined && op.out === 0) record(op.gridIndex);
      }
    }
    if (!dispatches.length && !measures.length) return [];

    const encoder = this.device.createCommandEncoder({ label: `${this.label} ${c.label}` });
    if (dispatches.length) {
      const paramBytes = slots.length * PARAM_SLOT;
      this.params = this.ensureBuffer(this.params, paramBytes, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, 'op parameters');
      const packed = new Uint8Array(paramBytes);
      slots.forEach((s, i) => packed.set(new Uint8Array(s), i * PARAM_SLOT));
      this.device.queue.writeBuffer(this.params, 0, packed);
      const kernelOf = (kind: Dispatch['kind']) => getKernel(this.device, SAMPLER_KERNELS[kind]);
      const paramBinding = { buffer: this.params, offset: 0, size: PARAM_SLOT };
      const regs = { buffer: this.regs!, size: c.bytes };
      const groups: Partial<Record<Dispatch['kind'], GPUBindGroup>> = {
        combine: bindGroup(this.device, kernelOf('combine'), [paramBinding, regs]),
        noise: bindGroup(this.device, kernelOf('noise'), [paramBinding, regs]),
      };
      // the Brownian-tree combine is compiled only when a program draws from the tree
      if (dispatches.some((dispatch) => dispatch.kind === 'combineBrownian')) groups.combineBrownian = bindGroup(this.device, kernelOf('combineBrownian'), [paramBinding, regs]);
      if (dispatches.some((dispatch) => dispatch.kind === 'combineVector')) {
        if (!this.vectorBuffer) throw new Error(`${c.label}: a combine uses coefficient vectors the program does not carry`);
        groups.combineVector = bindGroup(this.device, kernelOf('combineVector'), [paramBinding, regs, { buffer: this.vectorBuffer }]);
      }
      if (diagonal) {
        const limit = this.device.limits.maxStorageBufferBindingSize;
        const logWeightBytes = Math.max(c.n * K * 4, 16);
        if (logWeightBytes > limit) throw new Error(`n = ${c.n} with ${K} components needs ${logWeightBytes} bytes of GPU storage for the responsibilities; this device allows ${limit}`);
        this.logWeights = this.ensureBuffer(this.logWeights, logWeightBytes, GPUBufferUsage.STORAGE, 'log responsibilities');
        const norms = Float32Array.from(logNormValues.length ? logNormValues : [0]);
        this.logNorms = this.ensureBuffer(this.logNorms, norms.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, 'log normalisers');
        this.device.queue.writeBuffer(this.logNorms, 0, norms);
        const diagResources = [paramBinding, { buffer: this.mixtureBuffer! }, regs, { buffer: this.logWeights }, { buffer: this.logNorms }];
        groups.diagLogWeights = bindGroup(this.device, kernelOf('diagLogWeights'), diagResources);
        groups.diagDenoise = bindGroup(this.device, kernelOf('diagDenoise'), diagResources);
      } else {
        groups.denoise = bindGroup(this.device, kernelOf('denoise'), [paramBinding, { buffer: this.mixtureBuffer! }, regs]);
      }
      const pass = encoder.beginComputePass({ label: `${this.label} ${c.label} program` });
      dispatches.forEach((dispatch, i) => {
        pass.setPipeline(kernelOf(dispatch.kind).pipeline);
        pass.setBindGroup(0, groups[dispatch.kind]!, [i * PARAM_SLOT]);
        pass.dispatchWorkgroups(dispatch.groups);
      });
      pass.end();
    }
    if (!measures.length) {
      this.device.queue.submit([encoder.finish()]);
      await this.device.queue.onSubmittedWorkDone();
      return [];
    }
    const results = this.encodeMeasures(encoder, measures, c);
    this.device.queue.submit([encoder.finish()]);
    const values = await readFloat32(this.device, results, 0, measures.length * 8);
    // rows were reduced to [Σ, max] per measure; finish each statistic as measureCpu does (specs: program.ts)
    return measures.map((m, i) => {
      const [sum, max] = [values[2 * i], values[2 * i + 1]];
      return m.reduce === 'rms' ? Math.sqrt(sum / (c.n * d)) : m.reduce === 'max-rms' ? max : sum / c.n;
    });
  }

  private encodeMeasures(encoder: GPUCommandEncoder, measures: Measure[], c: EncodeContext): GPUBuffer {
    const slotBytes = measures.length * PARAM_SLOT;
    this.measureParams = this.ensureBuffer(this.measureParams, slotBytes, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, 'measure parameters');
    this.measureRows = this.ensureBuffer(this.measureRows, Math.max(16, c.n * 4), GPUBufferUsage.STORAGE, 'measure rows');
    this.measureResults = this.ensureBuffer(this.measureResults, Math.max(16, measures.length * 8), GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC, 'measure results');
    const packed = new ArrayBuffer(slotBytes);
    measures.forEach((m, i) => {
      const v = new DataView(packed, i * PARAM_SLOT, PARAM_SLOT);
      const scaleRegs = m.scale?.regs ?? [];
      if (scaleRegs.length > 2) throw new Error('a measure scales by at most two registers');
      v.setUint32(0, m.a * c.size, true);
      v.setUint32(4, (m.b ?? 0) * c.size, true);
      v.setUint32(8, (scaleRegs[0] ?? 0) * c.size, true);
      v.setUint32(12, (scaleRegs[1] ?? 0) * c.size, true);
      v.setUint32(16, c.n, true);
      v.setUint32(20, c.d, true);
      v.setUint32(24, m.b === undefined ? 0 : 1, true);
      v.setUint32(28, scaleRegs.length, true);
      v.setUint32(32, m.scale?.form === 'sum' ? 1 : 0, true);
      v.setUint32(36, { rms: 0, 'max-rms': 1, 'mean-norm': 2 }[m.reduce], true);
      v.setFloat32(40, m.scale?.atol ?? 0, true);
      v.setFloat32(44, m.scale?.rtol ?? 0, true);
      v.setUint32(48, i, true);
    });
    this.device.queue.writeBuffer(this.measureParams, 0, packed);
    const rowsKernel = getKernel(this.device, SAMPLER_KERNELS.measureRows);
    const reduceKernel = getKernel(this.device, SAMPLER_KERNELS.reduceRows);
    const resources = [
      { buffer: this.measureParams, offset: 0, size: PARAM_SLOT },
      { buffer: this.regs!, size: c.bytes },
      { buffer: this.measureRows },
      { buffer: this.measureResults },
    ];
    const rowsGroup = bindGroup(this.device, rowsKernel, resources);
    const reduceGroup = bindGroup(this.device, reduceKernel, resources);
    const pass = encoder.beginComputePass({ label: `${this.label} measures` });
    measures.forEach((_, i) => {
      pass.setPipeline(rowsKernel.pipeline);
      pass.setBindGroup(0, rowsGroup, [i * PARAM_SLOT]);
      pass.dispatchWorkgroups(workgroups(c.n, EVAL_WORKGROUP));
      pass.setPipeline(reduceKernel.pipeline);
      pass.setBindGroup(0, reduceGroup, [i * PARAM_SLOT]);
      pass.dispatchWorkgroups(1);
    });
    pass.end();
    return this.measureResults;
  }

  /** Read the final samples (n·d float32). */
  readSamples(run: GpuRun): Promise<Float32Array> {
    const bytes = run.n * run.dim * 4;
    return readFloat32(this.device, run.regs, run.resultRegister * bytes, bytes);
  }

  /** Read the recorded trajectory ((steps + 1)·n·d float32, grid index major). */
  readTrajectory(run: GpuRun): Promise<Float32Array> {
    if (run.trajectoryRegister === undefined) throw new Error('this run did not record its trajectory');
    const bytes = run.n * run.dim * 4;
    return readFloat32(this.device, run.regs, run.trajectoryRegister * bytes, (run.steps + 1) * bytes);
  }

  destroy(): void {
    this.mixtureBuffer?.destroy();
    this.regs?.destroy();
    this.params?.destroy();
    this.measureParams?.destroy();
    this.measureRows?.destroy();
    this.measureResults?.destroy();
    this.logWeights?.destroy();
    this.logNorms?.destroy();
    this.vectorBuffer?.destroy();
  }
}

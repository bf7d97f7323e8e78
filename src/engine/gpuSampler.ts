// Runs solver programs on the GPU in float32 (DESIGN §2, §4). Particles live in one register file on the
// GPU from noise to sample; a whole program (noise, every eval and combine, trajectory records) is encoded
// into one compute pass and submitted once. Nothing is read back here except on request.

import { shaders } from '../../shaders/index.ts';
import type { PreparedMixture } from '../core/sampling/gmm.ts';
import { MAX_COMBINE_TERMS, type SamplerProgram } from '../core/sampling/program.ts';
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
  noise: { label: 'fill normal', code: shaders.noise, entryPoint: 'fill_normal', bindings: ['uniform-dynamic', 'storage'] },
  // diagonal covariances (shaders/sampler/gmm_diag.wgsl): two dispatches per eval, any dimension
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

export class GpuSampler {
  private mixture: PreparedMixture | null = null;
  private mixtureBuffer: GPUBuffer | null = null;
  private regs: GPUBuffer | null = null;
  private params: GPUBuffer | null = null;
  /** diagonal mixtures: log w̃ per (particle, component), and the per-eval log normalisers */
  private logWeights: GPUBuffer | null = null;
  private logNorms: GPUBuffer | null = null;

  constructor(
    readonly device: GPUDevice,
    readonly label = 'sampler',
  ) {}

  setTarget(mixture: PreparedMixture): void {
    if (mixture.diagonal ? mixture.dim > MAX_DIAGONAL_DIM : mixture.dim > MAX_DIM)
      throw new Error(
        `target dimension ${mixture.dim} exceeds the GPU denoiser's limit: ${MAX_DIM} for full covariances, ${MAX_DIAGONAL_DIM} for diagonal ones (this target's are ${mixture.diagonal ? 'diagonal' : 'full'})`,
      );
    const packed = mixture.diagonal ? packDiagonalMixture(mixture) : packMixture(mixture);
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

  /** Encode and submit the whole program; resolves when the GPU has finished. */
  async run(program: SamplerProgram, options: GpuSampleOptions): Promise<GpuRun> {
    if (!this.mixture || !this.mixtureBuffer) throw new Error('GpuSampler.run: no target set');
    const { n } = options;
    const d = this.mixture.dim;
    const size = n * d;
    const steps = program.times.length - 1;
    const trajectoryRegister = options.recordTrajectory ? program.registers : undefined;
    const registers = program.registers + (options.recordTrajectory ? steps + 1 : 0);
    const bytes = registers * size * 4;
    const limit = this.device.limits.maxStorageBufferBindingSize;
    if (bytes > limit) {
      throw new Error(`n = ${n} with ${registers} registers needs ${bytes} bytes of GPU storage; this device allows ${limit} (try n ≤ ${Math.floor(limit / (registers * d * 4))})`);
    }
    this.regs = this.ensureBuffer(this.regs, bytes, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, 'registers');

    // One parameter slot per dispatch.
    type Dispatch = { kind: 'denoise' | 'combine' | 'noise' | 'diagLogWeights' | 'diagDenoise'; groups: number };
    const diagonal = this.mixture.diagonal === true;
    const K = this.mixture.components;
    const logNormValues: number[] = [];
    const dispatches: Dispatch[] = [];
    const slots: ArrayBuffer[] = [];
    const slot = () => {
      const buffer = new ArrayBuffer(PARAM_SLOT);
      slots.push(buffer);
      return new DataView(buffer);
    };
    const combineSlot = (out: number, terms: { reg: number; coef: number }[], noise?: { coef: number; step: number }) => {
      if (terms.length > MAX_COMBINE_TERMS) throw new Error(`combine with ${terms.length} terms exceeds ${MAX_COMBINE_TERMS}`);
      const v = slot();
      v.setUint32(0, out * size, true);
      v.setUint32(4, size, true);
      v.setUint32(8, terms.length, true);
      terms.forEach((term, j) => {
        v.setUint32(16 + 4 * j, term.reg * size, true);
        v.setFloat32(48 + 4 * j, term.coef, true);
      });
      v.setFloat32(80, noise?.coef ?? 0, true);
      v.setUint32(84, noise?.step ?? 0, true);
      v.setUint32(88, options.seed >>> 0, true);
      v.setUint32(92, d, true);
      dispatches.push({ kind: 'combine', groups: workgroups(size, COMBINE_WORKGROUP) });
    };
    const record = (gridIndex: number) => {
      if (trajectoryRegister !== undefined) combineSlot(trajectoryRegister + gridIndex, [{ reg: 0, coef: 1 }]);
    };

    if (options.noise) {
      if (options.noise.length !== size) throw new Error(`noise has ${options.noise.length} values, expected n·d = ${size}`);
      this.device.queue.writeBuffer(this.regs, 0, options.noise);
    } else {
      const v = slot();
      v.setUint32(0, 0, true);
      v.setUint32(4, n, true);
      v.setUint32(8, d, true);
      v.setUint32(12, options.seed >>> 0, true);
      v.setUint32(16, RngStream.initialNoise, true);
      v.setUint32(20, 0, true);
      dispatches.push({ kind: 'noise', groups: workgroups(n, EVAL_WORKGROUP) });
    }
    record(0);
    for (const op of program.ops) {
      if (op.op === 'eval') {
        // a diagonal eval is two dispatches (log-responsibilities, then coordinates), each with its own copy of the slot
        const logNormOffset = logNormValues.length;
        if (diagonal) logNormValues.push(...diagonalLogNorms(this.mixture, op.alpha, op.sigma));
        for (let copy = 0; copy < (diagonal ? 2 : 1); copy++) {
          const v = slot();
          v.setUint32(0, op.x * size, true);
          v.setUint32(4, op.out * size, true);
          v.setUint32(8, n, true);
          v.setUint32(12, d, true);
          v.setFloat32(16, op.alpha, true);
          v.setFloat32(20, op.sigma, true);
          v.setUint32(24, K, true);
          v.setUint32(28, op.prediction === 'noise' ? 1 : 0, true);
          v.setUint32(32, logNormOffset, true);
        }
        if (diagonal) {
          dispatches.push({ kind: 'diagLogWeights', groups: workgroups(n * K, EVAL_WORKGROUP) });
          dispatches.push({ kind: 'diagDenoise', groups: workgroups(n * Math.ceil(d / DIAG_COORDS_PER_THREAD), EVAL_WORKGROUP) });
        } else dispatches.push({ kind: 'denoise', groups: workgroups(n, EVAL_WORKGROUP) });
      } else {
        combineSlot(op.out, op.terms, op.noise);
        if (op.gridIndex !== undefined && op.out === 0) record(op.gridIndex);
      }
    }

    const paramBytes = slots.length * PARAM_SLOT;
    this.params = this.ensureBuffer(this.params, paramBytes, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, 'op parameters');
    const packed = new Uint8Array(paramBytes);
    slots.forEach((s, i) => packed.set(new Uint8Array(s), i * PARAM_SLOT));
    this.device.queue.writeBuffer(this.params, 0, packed);

    const kernelOf = (kind: Dispatch['kind']) => getKernel(this.device, SAMPLER_KERNELS[kind]);
    const paramBinding = { buffer: this.params, offset: 0, size: PARAM_SLOT };
    const groups: Partial<Record<Dispatch['kind'], GPUBindGroup>> = {
      combine: bindGroup(this.device, kernelOf('combine'), [paramBinding, { buffer: this.regs, size: bytes }]),
      noise: bindGroup(this.device, kernelOf('noise'), [paramBinding, { buffer: this.regs, size: bytes }]),
    };
    if (diagonal) {
      const logWeightBytes = Math.max(n * K * 4, 16);
      if (logWeightBytes > limit) throw new Error(`n = ${n} with ${K} components needs ${logWeightBytes} bytes of GPU storage for the responsibilities; this device allows ${limit}`);
      this.logWeights = this.ensureBuffer(this.logWeights, logWeightBytes, GPUBufferUsage.STORAGE, 'log responsibilities');
      const norms = Float32Array.from(logNormValues.length ? logNormValues : [0]);
      this.logNorms = this.ensureBuffer(this.logNorms, norms.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, 'log normalisers');
      this.device.queue.writeBuffer(this.logNorms, 0, norms);
      const diagResources = [paramBinding, { buffer: this.mixtureBuffer }, { buffer: this.regs, size: bytes }, { buffer: this.logWeights }, { buffer: this.logNorms }];
      groups.diagLogWeights = bindGroup(this.device, kernelOf('diagLogWeights'), diagResources);
      groups.diagDenoise = bindGroup(this.device, kernelOf('diagDenoise'), diagResources);
    } else {
      groups.denoise = bindGroup(this.device, kernelOf('denoise'), [paramBinding, { buffer: this.mixtureBuffer }, { buffer: this.regs, size: bytes }]);
    }
    const encoder = this.device.createCommandEncoder({ label: `${this.label} ${program.solver}` });
    const pass = encoder.beginComputePass({ label: `${this.label} ${program.solver} program` });
    dispatches.forEach((dispatch, i) => {
      pass.setPipeline(kernelOf(dispatch.kind).pipeline);
      pass.setBindGroup(0, groups[dispatch.kind]!, [i * PARAM_SLOT]);
      pass.dispatchWorkgroups(dispatch.groups);
    });
    pass.end();
    this.device.queue.submit([encoder.finish()]);
    await this.device.queue.onSubmittedWorkDone();
    return { regs: this.regs, n, dim: d, resultRegister: 0, trajectoryRegister, steps, times: program.times, nfe: program.nfe };
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
    this.logWeights?.destroy();
    this.logNorms?.destroy();
  }
}

// Runs solver programs on the GPU in float32 (DESIGN §2, §4). Particles live in one register file on the
// GPU from noise to sample; a whole program (noise, every eval and combine, trajectory records) is encoded
// into one compute pass and submitted once. Nothing is read back here except on request.

import { shaders } from '../../shaders/index.ts';
import type { PreparedMixture } from '../core/sampling/gmm.ts';
import { type CombineOp, type EvalOp, MAX_COMBINE_TERMS, type Measure, type Program, type ProgramOp, isDriven } from '../core/sampling/program.ts';
import { MAX_DIAGONAL_DIM, MAX_DIM } from '../core/spec/spec.ts';
import { RngStream } from '../core/util/rng.ts';
import { barrierWorkgroupSize, bindGroup, getKernel, workgroups, type Kernel, type KernelDefinition } from '../gpu/kernels.ts';
import { readFloat32 } from '../gpu/readback.ts';
import { inlinable, inlineGmmEval } from './gmmInline.ts';

/** bytes per op's parameter slot: WebGPU's minUniformBufferOffsetAlignment is at most 256 */
const PARAM_SLOT = 256;
const EVAL_WORKGROUP = 64;
/**
 * invocations sharing one particle in the diagonal kernel on a GPU (THREADS in shaders/sampler/gmm_diag.wgsl): 4 of
 * glyphs16's 256 coordinates each; a software adapter gets barrierWorkgroupSize's 4
 */
const DIAG_HARDWARE_WORKGROUP = 64;
/** the chain's two bindings (combine records, coefficient vectors) after a kernel's own */
const CHAIN_BINDINGS: KernelDefinition['bindings'] = ['read-only-storage', 'read-only-storage'];

export const SAMPLER_KERNELS = {
  noise: { label: 'fill normal', code: shaders.noise, entryPoint: 'fill_normal', bindings: ['uniform-dynamic', 'storage'] },
  measureRows: { label: 'measure rows', code: shaders.measure, entryPoint: 'measure_rows', bindings: ['uniform-dynamic', 'read-only-storage', 'storage', 'storage'] },
  reduceRows: { label: 'reduce rows', code: shaders.measure, entryPoint: 'reduce_rows', bindings: ['uniform-dynamic', 'read-only-storage', 'storage', 'storage'] },
} satisfies Record<string, KernelDefinition>;

/** u32 words per combine record (RECORD in shaders/sampler/chain.wgsl) */
export const CHAIN_RECORD_WORDS = 32;
const NO_VECTOR = 0xffffffff;
const NOISE_NORMAL = 1;
const NOISE_BROWNIAN = 2;

/**
 * The chain's Brownian increment: the tree (common/brownian.wgsl) only in the variant that draws from it. Compiled
 * into a kernel whose programs never take the branch, the tree's loops made the combine about 2× slower on SwiftShader
 * (measured for the separate combine kernel: 1.1e5 against 2.3–2.5e5 particle-evaluations/s).
 */
function brownianPart(brownian: boolean): string {
  return brownian
    ? `${shaders.brownian}\nfn chain_brownian(seed: u32, particle: u32, coordinate: u32, tau_from: f32, tau_to: f32) -> f32 {\n  return brownian_increment(BrownianKey(seed, particle, coordinate), tau_from, tau_to);\n}\n`
    : 'fn chain_brownian(seed: u32, particle: u32, coordinate: u32, tau_from: f32, tau_to: f32) -> f32 {\n  return 0.0;\n}\n';
}

const chainCode = (chainBinding: number) => shaders.chain.replace('@binding(CHAIN_BINDING)', `@binding(${chainBinding})`).replace('@binding(VECTORS_BINDING)', `@binding(${chainBinding + 1})`);
const definitions = new Map<string, KernelDefinition>();
function memo(key: string, make: () => KernelDefinition): KernelDefinition {
  let definition = definitions.get(key);
  if (!definition) definitions.set(key, (definition = make()));
  return definition;
}

/** labels of the generated eval kernels, by mixture (its packed floats, exactly): each its own pipeline */
const inlineLabels = new Map<string, string>();
/** the label of each packed array seen (encoding looks it up per eval, without joining the floats again) */
const inlineLabelOf = new WeakMap<Float32Array, string>();

/**
 * eval + its combines for full-covariance mixtures (gmm_fused.wgsl), one pipeline per dimension d ≤ MAX_DIM; with
 * `inline` (a small mixture, packed: gmmInline.ts) one per mixture, its parameters written into the code
 */
export function evalChainKernel(d: number, brownian: boolean, inline?: Float32Array): KernelDefinition {
  let label = `gmm eval+combine d=${d}${brownian ? ' brownian' : ''}`;
  if (inline) {
    let mixtureLabel = inlineLabelOf.get(inline);
    if (!mixtureLabel) {
      const content = `${d}:${inline.join(',')}`;
      mixtureLabel = inlineLabels.get(content) ?? `mixture #${inlineLabels.size + 1}`;
      inlineLabels.set(content, mixtureLabel);
      inlineLabelOf.set(inline, mixtureLabel);
    }
    label += ` inline ${mixtureLabel}`;
  }
  return memo(label, () => ({
    label,
    code: `${shaders.rng}\n${brownianPart(brownian)}\n${chainCode(3)}\n${shaders.gmmFused.replace('DIM_VALUEu', `${d}u`)}\n${inline ? inlineGmmEval(inline, d) : shaders.gmmEval}`,
    entryPoint: 'gmm_eval_chain',
    bindings: ['uniform-dynamic', 'read-only-storage', 'storage', ...CHAIN_BINDINGS],
  }));
}

/**
 * eval + its combines for diagonal mixtures of any dimension (gmm_diag.wgsl), one workgroup per particle; its
 * `override THREADS` comes from diagonalWorkgroupSize
 */
export function diagonalKernel(brownian: boolean): KernelDefinition {
  const label = `gmm diagonal eval+combine${brownian ? ' brownian' : ''}`;
  return memo(label, () => ({
    label,
    code: `${shaders.rng}\n${brownianPart(brownian)}\n${shaders.gmmDiag}\n${chainCode(4)}`,
    entryPoint: 'diag_eval_chain',
    bindings: ['uniform-dynamic', 'read-only-storage', 'storage', 'read-only-storage', ...CHAIN_BINDINGS],
  }));
}

/** the diagonal kernel's workgroup size on `device`: its invocations meet at barriers (the reduction over coordinates) */
export function diagonalWorkgroupSize(device: GPUDevice): number {
  return barrierWorkgroupSize(device, DIAG_HARDWARE_WORKGROUP);
}

/** combines with no eval before them (chain_only.wgsl) */
export function chainOnlyKernel(brownian: boolean): KernelDefinition {
  const label = `combine chain${brownian ? ' brownian' : ''}`;
  return memo(label, () => ({
    label,
    code: `${shaders.rng}\n${brownianPart(brownian)}\n${chainCode(2)}\n${shaders.chainOnly}`,
    entryPoint: 'chain_only',
    bindings: ['uniform-dynamic', 'storage', ...CHAIN_BINDINGS],
  }));
}

/**
 * One combine as a chain record (layout in shaders/sampler/chain.wgsl): out ← Σ_j coef_j·[vec_j]·reg_j
 * [+ constant coef·vec] [+ noise coef·z]. Offsets are in floats (register r starts at r·n·d, vector k at k·d).
 */
export function chainRecord(op: CombineOp, size: number, d: number): Uint32Array {
  if (op.terms.length > MAX_COMBINE_TERMS) throw new Error(`combine with ${op.terms.length} terms exceeds ${MAX_COMBINE_TERMS}`);
  const words = new Uint32Array(CHAIN_RECORD_WORDS);
  const floats = new Float32Array(words.buffer);
  const brownian = op.noise?.brownian;
  if (op.noise && (op.constant || op.terms.some((term) => term.vector !== undefined))) throw new Error('a combine with coefficient vectors draws no noise');
  words[0] = op.out * size;
  words[1] = op.terms.length;
  words[2] = brownian ? NOISE_BROWNIAN : op.noise ? NOISE_NORMAL : 0;
  words[3] = op.noise?.step ?? 0;
  // a Brownian increment is divided by √|Δτ| of the f32 times the kernel sees (util/brownian.ts fillBrownian)
  const scale = brownian ? 1 / Math.sqrt(Math.abs(Math.fround(brownian.to) - Math.fround(brownian.from))) : 1;
  floats[4] = (op.noise?.coef ?? 0) * scale;
  floats[5] = brownian?.from ?? 0;
  floats[6] = brownian?.to ?? 0;
  words[7] = op.constant ? op.constant.vector * d : NO_VECTOR;
  floats[8] = op.constant?.coef ?? 0;
  op.terms.forEach((term, j) => {
    words[9 + j] = term.reg * size;
    floats[15 + j] = term.coef;
    words[21 + j] = term.vector === undefined ? NO_VECTOR : term.vector * d;
  });
  return words;
}

/** an eval and the combines after it (up to the next eval), or leading combines with no eval: one chain */
interface Segment {
  eval?: EvalOp;
  /** first record and number of records of its chain */
  first: number;
  count: number;
  /** whether a record draws from the Brownian tree (selects the kernel variant) */
  brownian: boolean;
  /** diagonal mixtures: where this eval's K log normalisers start */
  logNormOffset?: number;
}

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

/** Pack a mixture in the layout of shaders/sampler/gmm_fused.wgsl (and modes.wgsl): per component [log π, μ (d), U (d²), e (d)]. */
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
 * Which denoiser a mixture runs on: up to MAX_DIM dimensions the full-covariance kernel (gmm_fused.wgsl; a diagonal
 * mixture carries identity eigenvectors there), one thread per particle and no barrier; above it the diagonal kernel
 * (gmm_diag.wgsl), whose workgroup shares a particle's coordinates (at d ≤ 16 most of its invocations would idle).
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
  /** the packed mixture when its eval kernel is generated with it (gmmInline.ts), else undefined */
  private inlineMixture: Float32Array | undefined;
  private regs: GPUBuffer | null = null;
  private params: GPUBuffer | null = null;
  private measureParams: GPUBuffer | null = null;
  private measureRows: GPUBuffer | null = null;
  private measureResults: GPUBuffer | null = null;
  /** diagonal mixtures: the per-eval log normalisers (diagonalLogNorms) */
  private logNorms: GPUBuffer | null = null;
  /** the program's per-dimension coefficient vectors (program.ts SamplerProgram.vectors), f32 */
  private vectorBuffer: GPUBuffer | null = null;
  /** the combine records of the latest submit (chain.wgsl) */
  private chain: GPUBuffer | null = null;
  /** bind groups by kernel and bound buffers (cachedGroup); cleared when a buffer is reallocated */
  private readonly groups = new Map<string, GPUBindGroup>();
  private readonly bufferIds = new Map<GPUBuffer, number>();

  constructor(
    readonly device: GPUDevice,
    readonly label = 'sampler',
    /** generate the eval kernel of small mixtures with their parameters (gmmInline.ts); false: the generic one */
    private readonly inlineSmallMixtures = true,
  ) {}

  setTarget(mixture: PreparedMixture): void {
    if (mixture.diagonal ? mixture.dim > MAX_DIAGONAL_DIM : mixture.dim > MAX_DIM)
      throw new Error(
        `target dimension ${mixture.dim} exceeds the GPU denoiser's limit: ${MAX_DIM} for full covariances, ${MAX_DIAGONAL_DIM} for diagonal ones (this target's are ${mixture.diagonal ? 'diagonal' : 'full'})`,
      );
    const packed = usesDiagonalKernel(mixture) ? packDiagonalMixture(mixture) : packMixture(mixture);
    if (this.mixtureBuffer) {
      this.mixtureBuffer.destroy();
      this.groups.clear();
      this.bufferIds.delete(this.mixtureBuffer);
    }
    this.mixtureBuffer = this.device.createBuffer({ label: `${this.label} mixture`, size: packed.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    this.device.queue.writeBuffer(this.mixtureBuffer, 0, packed);
    this.mixture = mixture;
    this.inlineMixture = this.inlineSmallMixtures && !usesDiagonalKernel(mixture) && inlinable(packed, mixture.dim) ? packed : undefined;
  }

  /**
   * Size the buffers once for every program a sweep will run (n particles each), so that none is reallocated between
   * its points: each configuration's bind groups are then created once per sweep and kept (cachedGroup).
   */
  reserve(programs: Program[], n: number): void {
    if (!this.mixture) throw new Error('GpuSampler.reserve: no target set');
    const d = this.mixture.dim;
    let registers = 0;
    let slots = 1;
    let records = 1;
    for (const program of programs) {
      registers = Math.max(registers, program.registers);
      if (isDriven(program)) continue;
      // a parameter slot per eval plus the noise (and at most one chain-only segment); a record per combine
      const evals = program.ops.filter((op) => op.op === 'eval').length;
      slots = Math.max(slots, evals + 2);
      records = Math.max(records, program.ops.length - evals);
    }
    const bytes = registers * n * d * 4;
    if (bytes <= this.device.limits.maxStorageBufferBindingSize) this.regs = this.ensureBuffer(this.regs, bytes, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, 'registers');
    this.params = this.ensureBuffer(this.params, slots * PARAM_SLOT, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, 'op parameters');
    this.chain = this.ensureBuffer(this.chain, records * CHAIN_RECORD_WORDS * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, 'combine chains');
  }

  /** the register file of the latest run (valid until the next run of this sampler) */
  get registerFile(): GPUBuffer | null {
    return this.regs;
  }

  private ensureBuffer(current: GPUBuffer | null, size: number, usage: number, label: string): GPUBuffer {
    if (current && current.size >= size) return current;
    if (current) {
      current.destroy();
      // bind groups over the old buffer are dead
      this.groups.clear();
      this.bufferIds.delete(current);
    }
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

  /**
   * Encode ops (after drawing x_T when asked) into one compute pass, then the measures; submit; read the measures.
   * Each eval and the combines after it are one dispatch: the combines run as the eval's chain on the elements each
   * invocation computed D for (shaders/sampler/chain.wgsl). Combines before the first eval (the trajectory's x_T
   * record) are one chain-only dispatch.
   */
  private async submit(ops: ProgramOp[], measures: Measure[], c: EncodeContext, first: boolean): Promise<number[]> {
    const { size, d } = c;
    const mixture = this.mixture!;
    const diagonal = usesDiagonalKernel(mixture);
    const K = mixture.components;
    const logNormValues: number[] = [];
    const records: Uint32Array[] = [];
    const segments: Segment[] = [];
    let current: Segment | null = null;
    const addCombine = (op: CombineOp) => {
      if (!current) segments.push((current = { first: records.length, count: 0, brownian: false }));
      const record = chainRecord(op, size, d);
      records.push(record);
      current.count++;
      if (record[2] === NOISE_BROWNIAN) current.brownian = true;
    };
    const record = (gridIndex: number) => {
      if (c.trajectoryRegister === undefined) return;
      if (gridIndex >= c.gridPoints) throw new Error(`${c.label} took more than ${c.gridPoints - 1} steps: more than its trajectory can record`);
      addCombine({ op: 'combine', out: c.trajectoryRegister + gridIndex, terms: [{ reg: 0, coef: 1 }] });
    };
    if (first) record(0);
    for (const op of ops) {
      if (op.op === 'eval') {
        segments.push((current = { eval: op, first: records.length, count: 0, brownian: false, logNormOffset: logNormValues.length }));
        if (diagonal) logNormValues.push(...diagonalLogNorms(mixture, op.alpha, op.sigma));
      } else {
        if ((op.constant || op.terms.some((term) => term.vector !== undefined)) && !this.vectorBuffer) throw new Error(`${c.label}: a combine uses coefficient vectors the program does not carry`);
        addCombine(op);
        if (op.gridIndex !== undefined && op.out === 0) record(op.gridIndex);
      }
    }
    const drawNoise = first && c.drawNoise;
    if (!drawNoise && !segments.length && !measures.length) return [];

    const encoder = this.device.createCommandEncoder({ label: `${this.label} ${c.label}` });
    if (drawNoise || segments.length) {
      // one 256-byte parameter slot for the noise and one per segment
      const slots = (drawNoise ? 1 : 0) + segments.length;
      const packed = new ArrayBuffer(slots * PARAM_SLOT);
      if (drawNoise) {
        const v = new DataView(packed, 0, PARAM_SLOT);
        v.setUint32(0, 0, true);
        v.setUint32(4, c.n, true);
        v.setUint32(8, d, true);
        v.setUint32(12, c.seed >>> 0, true);
        v.setUint32(16, RngStream.initialNoise, true);
        v.setUint32(20, 0, true);
      }
      segments.forEach((segment, i) => {
        // FusedParams (gmm_fused.wgsl) = DiagParams (gmm_diag.wgsl) = ChainParams (chain_only.wgsl)
        const v = new DataView(packed, ((drawNoise ? 1 : 0) + i) * PARAM_SLOT, PARAM_SLOT);
        const op = segment.eval;
        v.setUint32(0, (op?.x ?? 0) * size, true);
        v.setUint32(4, (op?.out ?? 0) * size, true);
        v.setUint32(8, c.n, true);
        v.setUint32(12, d, true);
        v.setFloat32(16, op?.alpha ?? 0, true);
        v.setFloat32(20, op?.sigma ?? 0, true);
        v.setUint32(24, K, true);
        v.setUint32(28, op?.prediction === 'noise' ? 1 : 0, true);
        v.setUint32(32, segment.logNormOffset ?? 0, true);
        v.setUint32(36, segment.first, true);
        v.setUint32(40, segment.count, true);
        v.setUint32(44, c.seed >>> 0, true);
      });
      this.params = this.ensureBuffer(this.params, packed.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, 'op parameters');
      this.device.queue.writeBuffer(this.params, 0, packed);
      const chain = new Uint32Array(Math.max(1, records.length) * CHAIN_RECORD_WORDS);
      records.forEach((r, i) => chain.set(r, i * CHAIN_RECORD_WORDS));
      this.chain = this.ensureBuffer(this.chain, chain.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, 'combine chains');
      if (records.length) this.device.queue.writeBuffer(this.chain, 0, chain, 0, records.length * CHAIN_RECORD_WORDS);
      // a program without coefficient vectors binds a 16-byte placeholder (never read: every record says NO_VECTOR)
      this.vectorBuffer ??= this.ensureBuffer(null, 16, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, 'coefficient vectors');
      if (diagonal) {
        const norms = Float32Array.from(logNormValues.length ? logNormValues : [0]);
        this.logNorms = this.ensureBuffer(this.logNorms, norms.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, 'log normalisers');
        if (logNormValues.length) this.device.queue.writeBuffer(this.logNorms, 0, norms);
      }
      const paramBinding = { buffer: this.params, offset: 0, size: PARAM_SLOT };
      const regs = { buffer: this.regs!, size: c.bytes };
      const chainBindings = [{ buffer: this.chain }, { buffer: this.vectorBuffer }];
      const pass = encoder.beginComputePass({ label: `${this.label} ${c.label} program` });
      const dispatch = (kernel: Kernel, resources: GPUBufferBinding[], slot: number, groups: number) => {
        pass.setPipeline(kernel.pipeline);
        pass.setBindGroup(0, this.cachedGroup(kernel, resources), [slot * PARAM_SLOT]);
        pass.dispatchWorkgroups(groups);
      };
      if (drawNoise) dispatch(getKernel(this.device, SAMPLER_KERNELS.noise), [paramBinding, regs], 0, workgroups(c.n, EVAL_WORKGROUP));
      segments.forEach((segment, i) => {
        const slot = (drawNoise ? 1 : 0) + i;
        if (!segment.eval) {
          dispatch(getKernel(this.device, chainOnlyKernel(segment.brownian)), [paramBinding, regs, ...chainBindings], slot, workgroups(c.n, EVAL_WORKGROUP));
        } else if (diagonal) {
          // one workgroup per particle, grid-stride past the per-dimension limit on workgroups
          const kernel = getKernel(this.device, diagonalKernel(segment.brownian), { THREADS: diagonalWorkgroupSize(this.device) });
          const resources = [paramBinding, { buffer: this.mixtureBuffer! }, regs, { buffer: this.logNorms! }, ...chainBindings];
          dispatch(kernel, resources, slot, Math.min(c.n, this.device.limits.maxComputeWorkgroupsPerDimension));
        } else {
          dispatch(getKernel(this.device, evalChainKernel(d, segment.brownian, this.inlineMixture)), [paramBinding, { buffer: this.mixtureBuffer! }, regs, ...chainBindings], slot, workgroups(c.n, EVAL_WORKGROUP));
        }
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

  /**
   * A bind group for `kernel` over `resources`, reused whenever the same buffers and ranges are bound again: a run of a
   * configuration seen before creates none (issue 9: bind groups once per configuration, not per step or per run),
   * also when a sweep alternates between solvers with different register counts. Reallocating a buffer clears the cache.
   */
  private cachedGroup(kernel: Kernel, resources: GPUBufferBinding[]): GPUBindGroup {
    const id = (buffer: GPUBuffer) => {
      let value = this.bufferIds.get(buffer);
      if (value === undefined) this.bufferIds.set(buffer, (value = this.bufferIds.size));
      return value;
    };
    const key = `${kernel.definition.label}:${kernel.definition.entryPoint}|${resources.map((r) => `${id(r.buffer)}@${r.offset ?? 0}+${r.size ?? 'all'}`).join(',')}`;
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = bindGroup(this.device, kernel, resources)));
    return group;
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
    const rowsGroup = this.cachedGroup(rowsKernel, resources);
    const reduceGroup = this.cachedGroup(reduceKernel, resources);
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
    this.logNorms?.destroy();
    this.vectorBuffer?.destroy();
    this.chain?.destroy();
    this.groups.clear();
    this.bufferIds.clear();
  }
}

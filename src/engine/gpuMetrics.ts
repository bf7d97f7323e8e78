// Metrics on the GPU (specs §17.3): unbiased multi-bandwidth RBF MMD² against exact samples of p_{t_end},
// and the same-noise RMSE against a reference solution. The kernels reduce rows in f32; only the row sums
// are read back and added in float64. The reference set's own kernel sum is computed once per set.
// Diagnostics (specs §17.3a): sliced W2 (projections and a bitonic sort per direction, only the per-direction sums
// read back), the mode-mass error (only the K counts read back) and the mean exact NLL (per-workgroup sums).

import { shaders } from '../../shaders/index.ts';
import { isDegenerate, modeMassErrorFromCounts } from '../core/metrics/density.ts';
import { bandwidthChains, energyFromSums, mmdFromSums, type BandwidthChain } from '../core/metrics/distance.ts';
import { slicedW2FromSums } from '../core/metrics/sliced.ts';
import type { PreparedMixture } from '../core/sampling/gmm.ts';
import { isSoftwareDevice } from '../gpu/device.ts';
import { barrierWorkgroupSize, bindGroup, getKernel, workgroups, type KernelDefinition } from '../gpu/kernels.ts';
import { readFloat32 } from '../gpu/readback.ts';
import { packMixture } from './gpuSampler.ts';

const WORKGROUP = 64;
/** the kernel sum takes at most two runs of halvings of the bandwidths, three long (metrics.wgsl rbf_sum) */
const MAX_CHAINS = 2;
const MAX_CHAIN_LENGTH = 3;
/** up to this dimension the MMD rows run four to a thread, points as vec4 (metrics.wgsl mmd_generated_rows_small) */
const SMALL_DIM = 4;
const METRIC_BINDINGS: KernelDefinition['bindings'] = ['uniform', 'read-only-storage', 'read-only-storage', 'storage'];
const SLICED_BINDINGS: KernelDefinition['bindings'] = ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage'];
const MODE_BINDINGS: KernelDefinition['bindings'] = ['uniform', 'read-only-storage', 'read-only-storage', 'storage', 'storage'];
/** the sort runs in workgroup memory: at most this many points (shaders/sampler/sliced.wgsl SORT_SIZE) */
export const SLICED_MAX_POINTS = 4096;
const MODE_WORKGROUP = 64;

export const METRIC_KERNELS = {
  mmdGenerated: { label: 'mmd generated rows', code: shaders.metrics, entryPoint: 'mmd_generated_rows', bindings: METRIC_BINDINGS },
  /** the same for dim ≤ SMALL_DIM, four rows per thread */
  mmdGeneratedSmall: { label: 'mmd generated rows (dim ≤ 4)', code: shaders.metrics, entryPoint: 'mmd_generated_rows_small', bindings: METRIC_BINDINGS },
  mmdReference: { label: 'mmd reference rows', code: shaders.metrics, entryPoint: 'mmd_reference_rows', bindings: METRIC_BINDINGS },
  squaredError: { label: 'squared error rows', code: shaders.metrics, entryPoint: 'squared_error_rows', bindings: METRIC_BINDINGS },
  slicedReference: { label: 'sliced w2 sort reference', code: shaders.sliced, entryPoint: 'sort_reference', bindings: SLICED_BINDINGS },
  slicedSums: { label: 'sliced w2 sums', code: shaders.sliced, entryPoint: 'sliced_sums', bindings: SLICED_BINDINGS },
  modeCounts: { label: 'mode counts and log density', code: shaders.modes, entryPoint: 'mode_counts', bindings: MODE_BINDINGS },
} satisfies Record<string, KernelDefinition>;

/**
 * How the sliced-W2 sort runs (shaders/sampler/sliced*.wgsl): 'workgroup' sorts one direction per workgroup in
 * workgroup memory (hardware GPUs); 'lane' sorts one direction per invocation in a private array, blocks of
 * SLICED_LANE_BLOCK values in registers (software adapters: ~4x faster on SwiftShader, see sliced_lane.wgsl; a
 * 16 KiB private array per invocation would spill on a GPU). Both give the same sorted projections; the sorted
 * reference is stored direction-major by the first and direction-interleaved by the second.
 */
export type SlicedSortPath = 'workgroup' | 'lane';

/** values per register block of the lane kernel's sort (16 measured best on SwiftShader: sliced_lane.wgsl) */
export const SLICED_LANE_BLOCK = 16;
/** invocations per workgroup of the lane kernel: one SIMD-4 group of SwiftShader */
const LANE_WORKGROUP = 4;

/**
 * The straight-line parts of the lane kernel for blocks of `block` values (a power of two): sort_block, which
 * sorts the block at b with the bitonic network (constant directions: ascending for index bit s clear at stage s),
 * stores it ascending or descending as its bit `block` says (the first stage of the standard network after it),
 * and merge_L for L = 1 … log2 block, which applies the levels j = h·2^(L−1), …, h of stage s to the groups
 * {base + q·h, q < 2^L}: loaded in reverse when the stage sorts that group descending, so every compare-and-swap
 * is ascending. A compare-and-swap is c = a > b, lo = select(a, b, c), hi = select(b, a, c): exact, and cheaper
 * on SwiftShader than min/max (which handle NaN).
 */
export function slicedLaneCode(block = SLICED_LANE_BLOCK): string {
  const logBlock = Math.log2(block);
  if (!Number.isInteger(logBlock) || logBlock < 1) throw new Error(`slicedLaneCode: block must be a power of two ≥ 2, got ${block}`);
  const lines: string[] = [];
  let count = 0;
  /** compare-and-swap of the values named at positions i < l of `names` (ascending: the smaller goes to i) */
  const compareSwap = (names: string[], i: number, l: number, ascending: boolean, indent: string) => {
    const [a, b, c, lo, hi] = [names[i], names[l], `c${count}`, `lo${count}`, `hi${count}`];
    count++;
    lines.push(`${indent}let ${c} = ${a} > ${b}; let ${lo} = select(${a}, ${b}, ${c}); let ${hi} = select(${b}, ${a}, ${c});`);
    names[i] = ascending ? lo : hi;
    names[l] = ascending ? hi : lo;
  };
  lines.push('fn sort_block(b: u32, k: u32) {');
  let names = Array.from({ length: block }, (_, q) => `p${q}`);
  names.forEach((name, q) => lines.push(`  let ${name} = projection(b + ${q}u, k);`));
  for (let s = 2; s <= block; s *= 2) {
    for (let j = s / 2; j >= 1; j /= 2) {
      for (let i = 0; i < block; i++) if ((i & j) === 0) compareSwap(names, i, i | j, (i & s) === 0, '  ');
    }
  }
  lines.push(`  let descending = (b & ${block}u) != 0u;`);
  names.forEach((name, q) => lines.push(`  keys[select(b + ${q}u, b + ${block - 1 - q}u, descending)] = ${name};`));
  lines.push('}');
  for (let L = 1; L <= logBlock; L++) {
    const size = 2 ** L;
    lines.push(`fn merge_${L}(s: u32, h: u32) {`);
    lines.push(`  for (var g = 0u; g < (params.padded >> ${L}u); g++) {`);
    // group g: h consecutive groups interleave with stride h, then the next 2^L·h values
    lines.push('    let offset = g & (h - 1u);');
    lines.push(`    let base = ((g - offset) << ${L}u) + offset;`);
    lines.push('    let descending = (base & s) != 0u;');
    // u32 arithmetic wraps (WGSL): step = −h walks the group backwards from its last value
    lines.push(`    let first = select(base, base + ${size - 1}u * h, descending);`);
    lines.push('    let step = select(h, 0u - h, descending);');
    names = Array.from({ length: size }, (_, q) => `a${q}`);
    names.forEach((name, q) => lines.push(`    let ${name} = keys[first + ${q}u * step];`));
    for (let j = size / 2; j >= 1; j /= 2) {
      for (let i = 0; i < size; i++) if ((i & j) === 0) compareSwap(names, i, i | j, true, '    ');
    }
    names.forEach((name, q) => lines.push(`    keys[first + ${q}u * step] = ${name};`));
    lines.push('  }', '}');
  }
  lines.push('fn merge(levels: u32, s: u32, h: u32) {', '  switch levels {');
  for (let L = 1; L <= logBlock; L++) lines.push(`    case ${L}u: { merge_${L}(s, h); }`);
  lines.push('    default: {}', '  }', '}');
  return shaders.slicedLane
    .replace('SORT_NETWORKS', lines.join('\n'))
    .replaceAll('LOG_BLOCK', `${logBlock}u`)
    .replaceAll('BLOCK', `${block}u`);
}

let slicedLaneSource: string | null = null;
/** the lane kernels (software adapters), their code generated once */
export function slicedLaneKernels(): { reference: KernelDefinition; sums: KernelDefinition } {
  slicedLaneSource ??= slicedLaneCode();
  return {
    reference: { label: 'sliced w2 sort reference (lane)', code: slicedLaneSource, entryPoint: 'sort_reference', bindings: SLICED_BINDINGS },
    sums: { label: 'sliced w2 sums (lane)', code: slicedLaneSource, entryPoint: 'sliced_sums', bindings: SLICED_BINDINGS },
  };
}

const sum64 = (values: Float32Array) => {
  let s = 0;
  for (const v of values) s += v;
  return s;
};

/** What the diagnostics compare against: p_{t_end} (mixture at α, σ) and the SW2 directions (count×d, unit). */
export interface DiagnosticsTarget {
  mixture: PreparedMixture;
  alpha: number;
  sigma: number;
  directions: Float64Array;
}

/** The diagnostics of one set of m points (specs §17.3a). */
export interface Diagnostics {
  /** sliced W2 against the reference set */
  sw2: number;
  /** ½ Σ_k |π̂_k − π_k|, π̂ from argmax responsibilities */
  modeMass: number;
  /** points per component */
  modeCounts: Float64Array;
  /** mean −log p_t(x); null when p_t is degenerate (no density) */
  nll: number | null;
}

const nextPowerOfTwo = (m: number) => 2 ** Math.ceil(Math.log2(Math.max(m, 2)));

export class GpuMetrics {
  private reference: GPUBuffer | null = null;
  private referenceCount = 0;
  /** Σ_{i≠j} k(y_i, y_j) and Σ_{i≠j} ‖y_i − y_j‖ of the reference set */
  private referenceSums = { rbf: 0, distance: 0 };
  private chains: BandwidthChain[] = [];
  private dim = 0;
  private params: GPUBuffer;
  private rows: GPUBuffer | null = null;
  private solution: GPUBuffer | null = null;
  private diagnosticsState: {
    target: DiagnosticsTarget;
    degenerate: boolean;
    mixture: GPUBuffer;
    directions: GPUBuffer;
    referenceSorted: GPUBuffer;
    slicedParams: GPUBuffer;
    modeParams: GPUBuffer;
    sums: GPUBuffer;
    counts: GPUBuffer;
    logDensity: GPUBuffer;
  } | null = null;

  /** the sliced-W2 sort's shape: by default 'lane' on a software adapter, 'workgroup' on a GPU (tests pass both) */
  readonly slicedPath: SlicedSortPath;

  constructor(
    readonly device: GPUDevice,
    slicedPath?: SlicedSortPath,
  ) {
    this.slicedPath = slicedPath ?? (isSoftwareDevice(device) ? 'lane' : 'workgroup');
    this.params = device.createBuffer({ label: 'metric parameters', size: 64, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  private writeParams(xOffset: number, m: number) {
    const v = new DataView(new ArrayBuffer(64));
    v.setUint32(0, xOffset, true);
    v.setUint32(4, m, true);
    v.setUint32(8, this.referenceCount, true);
    v.setUint32(12, this.dim, true);
    this.chains.forEach(({ base, length }, i) => {
      v.setUint32(16 + 4 * i, length, true);
      v.setFloat32(24 + 4 * i, base, true);
    });
    this.device.queue.writeBuffer(this.params, 0, v.buffer);
  }

  private ensureRows(count: number): GPUBuffer {
    if (!this.rows || this.rows.size < count * 4) {
      this.rows?.destroy();
      this.rows = this.device.createBuffer({ label: 'metric rows', size: Math.max(count * 4, 16), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    }
    return this.rows;
  }

  private async dispatch(definition: KernelDefinition, regs: GPUBuffer, second: GPUBuffer, threads: number, rowCount: number, constants?: Record<string, number>): Promise<Float32Array> {
    const kernel = getKernel(this.device, definition, constants);
    const rows = this.ensureRows(rowCount);
    const group = bindGroup(this.device, kernel, [{ buffer: this.params }, { buffer: regs }, { buffer: second }, { buffer: rows }]);
    const encoder = this.device.createCommandEncoder({ label: definition.label });
    const pass = encoder.beginComputePass({ label: definition.label });
    pass.setPipeline(kernel.pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(workgroups(threads, WORKGROUP));
    pass.end();
    this.device.queue.submit([encoder.finish()]);
    return readFloat32(this.device, rows, 0, rowCount * 4);
  }

  /** Upload the exact reference samples (n_ref·d) and the RBF bandwidths; computes Σ_{i≠j} k(y_i, y_j) once. */
  async setReference(samples: Float32Array<ArrayBuffer>, dim: number, bandwidths: number[]): Promise<void> {
    const chains = bandwidthChains(bandwidths, MAX_CHAIN_LENGTH);
    if (chains.length > MAX_CHAINS) {
      throw new Error(`GpuMetrics: bandwidths ${JSON.stringify(bandwidths)} form ${chains.length} runs of halvings; the kernel sum takes at most ${MAX_CHAINS} runs of up to ${MAX_CHAIN_LENGTH}`);
    }
    // the sorted reference projections belong to the old set
    this.destroyDiagnostics();
    this.reference?.destroy();
    this.reference = this.device.createBuffer({ label: 'mmd reference samples', size: samples.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    this.device.queue.writeBuffer(this.reference, 0, samples);
    this.referenceCount = samples.length / dim;
    this.dim = dim;
    this.chains = chains;
    this.writeParams(0, 0);
    const rows = await this.dispatch(METRIC_KERNELS.mmdReference, this.reference, this.reference, this.referenceCount, 2 * this.referenceCount);
    this.referenceSums = { rbf: 0, distance: 0 };
    for (let i = 0; i < this.referenceCount; i++) {
      this.referenceSums.rbf += rows[2 * i];
      this.referenceSums.distance += rows[2 * i + 1];
    }
  }

  /**
   * MMD²_u and the unbiased energy distance between the first m particles of register `register` (n particles per
   * register) and the reference set, from one pass.
   */
  async distances(regs: GPUBuffer, register: number, n: number, m: number): Promise<{ mmd2: number; energy: number }> {
    if (!this.reference) throw new Error('GpuMetrics.distances: no reference set');
    this.writeParams(register * n * this.dim, m);
    const small = this.dim <= SMALL_DIM;
    const rows = small
      ? await this.dispatch(METRIC_KERNELS.mmdGeneratedSmall, regs, this.reference, Math.ceil(m / 4), 4 * m, { POINT_DIM: this.dim })
      : await this.dispatch(METRIC_KERNELS.mmdGenerated, regs, this.reference, m, 4 * m);
    const sums = [0, 0, 0, 0];
    for (let i = 0; i < m; i++) for (let k = 0; k < 4; k++) sums[k] += rows[4 * i + k];
    // the dim ≤ 4 kernel's generated-generated rows are half rows: they add up to Σ_{i<j}, half of Σ_{i≠j}
    if (small) {
      sums[0] *= 2;
      sums[2] *= 2;
    }
    return {
      mmd2: mmdFromSums({ xx: sums[0], yy: this.referenceSums.rbf, xy: sums[1] }, m, this.referenceCount),
      energy: energyFromSums({ xx: sums[2], yy: this.referenceSums.distance, xy: sums[3] }, m, this.referenceCount),
    };
  }

  /** Keep a copy (on the GPU) of a run's result as the same-noise reference solution. */
  storeSolution(regs: GPUBuffer, register: number, n: number): void {
    const bytes = n * this.dim * 4;
    if (!this.solution || this.solution.size !== bytes) {
      this.solution?.destroy();
      this.solution = this.device.createBuffer({ label: 'same-noise reference solution', size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    }
    const encoder = this.device.createCommandEncoder({ label: 'store reference solution' });
    encoder.copyBufferToBuffer(regs, register * bytes, this.solution, 0, bytes);
    this.device.queue.submit([encoder.finish()]);
  }

  /** sqrt(mean ‖x_i − x*_i‖²/d) over the first m particles, against the stored solution. */
  async rmse(regs: GPUBuffer, register: number, n: number, m: number): Promise<number> {
    if (!this.solution) throw new Error('GpuMetrics.rmse: no reference solution stored');
    this.writeParams(register * n * this.dim, m);
    const rows = await this.dispatch(METRIC_KERNELS.squaredError, regs, this.solution, m, m);
    return Math.sqrt(sum64(rows) / (m * this.dim));
  }

  private writeSlicedParams(xOffset: number, m: number) {
    const state = this.diagnosticsState!;
    const directionCount = state.target.directions.length / this.dim;
    // the lane kernel sorts whole register blocks: padding to at least one block adds only PAD values
    const padded = this.slicedPath === 'lane' ? Math.max(nextPowerOfTwo(m), SLICED_LANE_BLOCK) : nextPowerOfTwo(m);
    this.device.queue.writeBuffer(state.slicedParams, 0, Uint32Array.of(xOffset, m, this.dim, padded, directionCount));
  }

  private writeModeParams(xOffset: number, m: number) {
    const state = this.diagnosticsState!;
    const v = new DataView(new ArrayBuffer(32));
    v.setUint32(0, xOffset, true);
    v.setUint32(4, m, true);
    v.setUint32(8, this.dim, true);
    v.setUint32(12, state.target.mixture.components, true);
    v.setFloat32(16, state.target.alpha, true);
    v.setFloat32(20, state.target.sigma, true);
    v.setUint32(24, state.degenerate ? 1 : 0, true);
    this.device.queue.writeBuffer(state.modeParams, 0, v.buffer);
  }

  /**
   * Set p_{t_end} and the SW2 directions for the diagnostics, after setReference: sorts the reference set's
   * projections once (kept on the GPU) and returns the reference set's own diagnostics (its NLL is the
   * Monte-Carlo entropy estimate shown next to the generated NLL; its SW2 against itself is 0).
   */
  async setDiagnostics(target: DiagnosticsTarget): Promise<Diagnostics> {
    if (!this.reference) throw new Error('GpuMetrics.setDiagnostics: call setReference first');
    if (this.referenceCount > SLICED_MAX_POINTS) throw new Error(`GpuMetrics: sliced W2 sorts at most ${SLICED_MAX_POINTS} points, got ${this.referenceCount}`);
    if (target.mixture.dim !== this.dim) throw new Error(`GpuMetrics.setDiagnostics: mixture dimension ${target.mixture.dim} ≠ reference dimension ${this.dim}`);
    this.destroyDiagnostics();
    const directionCount = target.directions.length / this.dim;
    const storage = (label: string, size: number, extra = 0) =>
      this.device.createBuffer({ label, size: Math.max(16, Math.ceil(size / 4) * 4), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | extra });
    const mixture = packMixture(target.mixture);
    const directions = Float32Array.from(target.directions);
    this.diagnosticsState = {
      target,
      degenerate: isDegenerate(target.mixture, target.alpha, target.sigma),
      mixture: storage('diagnostics mixture', mixture.byteLength),
      directions: storage('sliced w2 directions', directions.byteLength),
      referenceSorted: storage('sliced w2 sorted reference projections', directionCount * this.referenceCount * 4),
      slicedParams: this.device.createBuffer({ label: 'sliced w2 parameters', size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST }),
      modeParams: this.device.createBuffer({ label: 'mode parameters', size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST }),
      sums: storage('sliced w2 direction sums', directionCount * 4, GPUBufferUsage.COPY_SRC),
      counts: storage('mode counts', target.mixture.components * 4, GPUBufferUsage.COPY_SRC),
      logDensity: storage('log density workgroup sums', Math.ceil(SLICED_MAX_POINTS / MODE_WORKGROUP) * 4, GPUBufferUsage.COPY_SRC),
    };
    const state = this.diagnosticsState;
    this.device.queue.writeBuffer(state.mixture, 0, mixture);
    this.device.queue.writeBuffer(state.directions, 0, directions);
    this.writeSlicedParams(0, this.referenceCount);
    const kernel = this.slicedKernel('reference');
    const encoder = this.device.createCommandEncoder({ label: 'sliced w2 sort reference' });
    const pass = encoder.beginComputePass({ label: 'sliced w2 sort reference' });
    pass.setPipeline(kernel.pipeline);
    pass.setBindGroup(0, bindGroup(this.device, kernel, [{ buffer: state.slicedParams }, { buffer: this.reference }, { buffer: state.directions }, { buffer: state.sums }, { buffer: state.referenceSorted }]));
    pass.dispatchWorkgroups(this.slicedWorkgroups(directionCount));
    pass.end();
    this.device.queue.submit([encoder.finish()]);
    return this.diagnostics(this.reference, 0, this.referenceCount, this.referenceCount);
  }

  /**
   * Sliced W2, mode counts and mean NLL of the first m particles of register `register` (n per register): the
   * sort-and-reduce and the mode kernels in one compute pass, then one readback of the direction sums, the K
   * counts and the per-workgroup log-density sums.
   */
  /** the sort's workgroup size on this device (sliced.wgsl THREADS) */
  private sortConstants(): Record<string, number> {
    return { THREADS: barrierWorkgroupSize(this.device, 64) };
  }

  /** the sliced-W2 kernel of this instance's sort path */
  private slicedKernel(which: 'reference' | 'sums') {
    if (this.slicedPath === 'lane') return getKernel(this.device, slicedLaneKernels()[which]);
    return getKernel(this.device, which === 'reference' ? METRIC_KERNELS.slicedReference : METRIC_KERNELS.slicedSums, this.sortConstants());
  }

  /** workgroups for `directionCount` directions: one each (workgroup kernel), one per LANE_WORKGROUP (lane kernel) */
  private slicedWorkgroups(directionCount: number): number {
    return this.slicedPath === 'lane' ? workgroups(directionCount, LANE_WORKGROUP) : directionCount;
  }

  async diagnostics(regs: GPUBuffer, register: number, n: number, m: number): Promise<Diagnostics> {
    const state = this.diagnosticsState;
    if (!state || !this.reference) throw new Error('GpuMetrics.diagnostics: no diagnostics target (setDiagnostics)');
    if (m !== this.referenceCount) throw new Error(`GpuMetrics.diagnostics: sliced W2 needs equal sizes; got ${m} points against ${this.referenceCount} reference points`);
    const xOffset = register * n * this.dim;
    this.writeSlicedParams(xOffset, m);
    this.writeModeParams(xOffset, m);
    const directionCount = state.target.directions.length / this.dim;
    const components = state.target.mixture.components;
    const groups = workgroups(m, MODE_WORKGROUP);
    const sliced = this.slicedKernel('sums');
    const modes = getKernel(this.device, METRIC_KERNELS.modeCounts);
    const encoder = this.device.createCommandEncoder({ label: 'diagnostics' });
    encoder.clearBuffer(state.counts);
    const pass = encoder.beginComputePass({ label: 'diagnostics' });
    pass.setPipeline(sliced.pipeline);
    pass.setBindGroup(0, bindGroup(this.device, sliced, [{ buffer: state.slicedParams }, { buffer: regs }, { buffer: state.directions }, { buffer: state.referenceSorted }, { buffer: state.sums }]));
    pass.dispatchWorkgroups(this.slicedWorkgroups(directionCount));
    pass.setPipeline(modes.pipeline);
    pass.setBindGroup(0, bindGroup(this.device, modes, [{ buffer: state.modeParams }, { buffer: regs }, { buffer: state.mixture }, { buffer: state.counts }, { buffer: state.logDensity }]));
    pass.dispatchWorkgroups(groups);
    pass.end();
    // one staging buffer for all three results: [direction sums | counts | log-density sums]
    const sizes = [directionCount * 4, components * 4, groups * 4];
    const staging = this.device.createBuffer({ label: 'diagnostics readback', size: sizes[0] + sizes[1] + sizes[2], usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
    encoder.copyBufferToBuffer(state.sums, 0, staging, 0, sizes[0]);
    encoder.copyBufferToBuffer(state.counts, 0, staging, sizes[0], sizes[1]);
    encoder.copyBufferToBuffer(state.logDensity, 0, staging, sizes[0] + sizes[1], sizes[2]);
    this.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const raw = staging.getMappedRange().slice(0);
    staging.unmap();
    staging.destroy();
    const sums = new Float32Array(raw, 0, directionCount);
    const modeCounts = Float64Array.from(new Uint32Array(raw, sizes[0], components));
    const logDensity = new Float32Array(raw, sizes[0] + sizes[1], groups);
    let logSum = 0;
    for (const v of logDensity) logSum += v;
    const { mixture } = state.target;
    return {
      sw2: slicedW2FromSums(sums, m),
      modeMass: modeMassErrorFromCounts(mixture, modeCounts),
      modeCounts,
      // the kernel leaves out the −(d/2) log 2π of every log N(·): added here in float64
      nll: state.degenerate ? null : -logSum / m + 0.5 * this.dim * Math.log(2 * Math.PI),
    };
  }

  /**
   * Null values (specs §17.2): MMD², energy distance and the diagnostics of a second exact set of the same size
   * against the reference set, from a temporary GPU copy of that set.
   */
  async nullValues(samples: Float32Array<ArrayBuffer>): Promise<{ mmd2: number; energy: number } & Diagnostics> {
    const m = samples.length / this.dim;
    const buffer = this.device.createBuffer({ label: 'null exact set', size: samples.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    this.device.queue.writeBuffer(buffer, 0, samples);
    try {
      const distances = await this.distances(buffer, 0, m, m);
      const diagnostics = await this.diagnostics(buffer, 0, m, m);
      return { ...distances, ...diagnostics };
    } finally {
      buffer.destroy();
    }
  }

  private destroyDiagnostics(): void {
    const state = this.diagnosticsState;
    if (!state) return;
    for (const buffer of [state.mixture, state.directions, state.referenceSorted, state.slicedParams, state.modeParams, state.sums, state.counts, state.logDensity]) buffer.destroy();
    this.diagnosticsState = null;
  }

  destroy(): void {
    this.destroyDiagnostics();
    this.reference?.destroy();
    this.solution?.destroy();
    this.rows?.destroy();
    this.params.destroy();
  }
}

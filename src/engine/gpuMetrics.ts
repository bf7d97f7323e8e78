// Metrics on the GPU (specs §17.3): unbiased multi-bandwidth RBF MMD² against exact samples of p_{t_end},
// and the same-noise RMSE against a reference solution. The kernels reduce rows in f32; only the row sums
// are read back and added in float64. The reference set's own kernel sum is computed once per set.

import { shaders } from '../../shaders/index.ts';
import { energyFromSums, mmdFromSums } from '../core/metrics/distance.ts';
import { bindGroup, getKernel, workgroups, type KernelDefinition } from '../gpu/kernels.ts';
import { readFloat32 } from '../gpu/readback.ts';

const WORKGROUP = 64;
const MAX_BANDWIDTHS = 8;
const METRIC_BINDINGS: KernelDefinition['bindings'] = ['uniform', 'read-only-storage', 'read-only-storage', 'storage'];

export const METRIC_KERNELS = {
  mmdGenerated: { label: 'mmd generated rows', code: shaders.metrics, entryPoint: 'mmd_generated_rows', bindings: METRIC_BINDINGS },
  mmdReference: { label: 'mmd reference rows', code: shaders.metrics, entryPoint: 'mmd_reference_rows', bindings: METRIC_BINDINGS },
  squaredError: { label: 'squared error rows', code: shaders.metrics, entryPoint: 'squared_error_rows', bindings: METRIC_BINDINGS },
} satisfies Record<string, KernelDefinition>;

const sum64 = (values: Float32Array) => {
  let s = 0;
  for (const v of values) s += v;
  return s;
};

export class GpuMetrics {
  private reference: GPUBuffer | null = null;
  private referenceCount = 0;
  /** Σ_{i≠j} k(y_i, y_j) and Σ_{i≠j} ‖y_i − y_j‖ of the reference set */
  private referenceSums = { rbf: 0, distance: 0 };
  private bandwidths: number[] = [];
  private dim = 0;
  private params: GPUBuffer;
  private rows: GPUBuffer | null = null;
  private solution: GPUBuffer | null = null;

  constructor(readonly device: GPUDevice) {
    this.params = device.createBuffer({ label: 'metric parameters', size: 64, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  private writeParams(xOffset: number, m: number) {
    const v = new DataView(new ArrayBuffer(64));
    v.setUint32(0, xOffset, true);
    v.setUint32(4, m, true);
    v.setUint32(8, this.referenceCount, true);
    v.setUint32(12, this.dim, true);
    v.setUint32(16, this.bandwidths.length, true);
    this.bandwidths.forEach((b, i) => v.setFloat32(32 + 4 * i, 1 / (2 * b * b), true));
    this.device.queue.writeBuffer(this.params, 0, v.buffer);
  }

  private ensureRows(count: number): GPUBuffer {
    if (!this.rows || this.rows.size < count * 4) {
      this.rows?.destroy();
      this.rows = this.device.createBuffer({ label: 'metric rows', size: Math.max(count * 4, 16), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    }
    return this.rows;
  }

  private async dispatch(definition: KernelDefinition, regs: GPUBuffer, second: GPUBuffer, threads: number, rowCount: number): Promise<Float32Array> {
    const kernel = getKernel(this.device, definition);
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
    if (bandwidths.length > MAX_BANDWIDTHS) throw new Error(`at most ${MAX_BANDWIDTHS} bandwidths`);
    this.reference?.destroy();
    this.reference = this.device.createBuffer({ label: 'mmd reference samples', size: samples.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    this.device.queue.writeBuffer(this.reference, 0, samples);
    this.referenceCount = samples.length / dim;
    this.dim = dim;
    this.bandwidths = bandwidths;
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
    const rows = await this.dispatch(METRIC_KERNELS.mmdGenerated, regs, this.reference, m, 4 * m);
    const sums = [0, 0, 0, 0];
    for (let i = 0; i < m; i++) for (let k = 0; k < 4; k++) sums[k] += rows[4 * i + k];
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

  destroy(): void {
    this.reference?.destroy();
    this.solution?.destroy();
    this.rows?.destroy();
    this.params.destroy();
  }
}

// FD-RF and FD-pix statistics on the GPU (specs/samplers.md §17.3b): the fixed random feature map φ
// (shaders/sampler/features.wgsl, twin of src/core/metrics/features.ts) and the mean / centred second moments
// (shaders/sampler/moments.wgsl) of generated particles, straight from the sampler's register file. Only μ (F) and
// the F×F centred sums are read back, per batch of at most BATCH rows; batches are combined in float64 (Chan et
// al.'s pairwise update), and the Fréchet distance itself is computed in float64 by src/core/metrics/frechet.ts.

import { shaders } from '../../shaders/index.ts';
import { FEATURE_DIM, FEATURE_INPUT_DIM, featureMapWeights } from '../core/metrics/features.ts';
import { type GaussianFit, MomentAccumulator } from '../core/metrics/frechet.ts';
import { bindGroup, getKernel, workgroups, type KernelDefinition } from '../gpu/kernels.ts';
import { readFloat32 } from '../gpu/readback.ts';

/** rows per batch: bounds the feature buffer (8 MiB) and each thread's sum length */
export const FEATURE_BATCH = 8192;
const WORKGROUP = 64;
/** WebGPU's guaranteed maxComputeWorkgroupsPerDimension */
const MAX_GROUPS_PER_DIMENSION = 65535;

export const FEATURE_KERNELS = {
  features: { label: 'rf features', code: shaders.features, entryPoint: 'rf_features', bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage'] },
  mean: { label: 'row mean', code: shaders.moments, entryPoint: 'row_mean', bindings: ['uniform', 'read-only-storage', 'storage', 'storage'] },
  centred: { label: 'centred products', code: shaders.moments, entryPoint: 'centred_products', bindings: ['uniform', 'read-only-storage', 'storage', 'storage'] },
} satisfies Record<string, KernelDefinition>;

/** What to fit for a set of 16×16 images: the Gaussian of φ (FD-RF) and/or of the pixels (FD-pix). */
export interface MomentRequest {
  features?: boolean;
  pixels?: boolean;
}

export interface MomentResult {
  features?: GaussianFit;
  pixels?: GaussianFit;
}

export class GpuFeatures {
  private readonly weights: GPUBuffer;
  private readonly featureParams: GPUBuffer;
  private readonly momentParams: { features: GPUBuffer; pixels: GPUBuffer };
  private readonly featureRows: GPUBuffer;
  private readonly outputs: { features: { mean: GPUBuffer; centred: GPUBuffer }; pixels: { mean: GPUBuffer; centred: GPUBuffer } };
  private staging: GPUBuffer | null = null;
  /** rows per batch (FEATURE_BATCH; smaller values only to test the batch combination) */
  readonly batchRows: number;

  constructor(
    readonly device: GPUDevice,
    options: { batchRows?: number } = {},
  ) {
    this.batchRows = options.batchRows ?? FEATURE_BATCH;
    if (!Number.isInteger(this.batchRows) || this.batchRows < 2 || this.batchRows > FEATURE_BATCH) throw new Error(`GpuFeatures batchRows: got ${this.batchRows}; allowed: integers 2…${FEATURE_BATCH}`);
    const w = Float32Array.from(featureMapWeights());
    this.weights = device.createBuffer({ label: 'rf feature weights', size: w.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(this.weights, 0, w);
    const uniform = (label: string) => device.createBuffer({ label, size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.featureParams = uniform('rf feature parameters');
    this.momentParams = { features: uniform('feature moment parameters'), pixels: uniform('pixel moment parameters') };
    this.featureRows = device.createBuffer({ label: 'rf features', size: FEATURE_BATCH * FEATURE_DIM * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const out = (label: string, width: number) => ({
      mean: device.createBuffer({ label: `${label} mean`, size: width * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC }),
      centred: device.createBuffer({ label: `${label} centred sums`, size: width * width * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC }),
    });
    this.outputs = { features: out('feature', FEATURE_DIM), pixels: out('pixel', FEATURE_INPUT_DIM) };
  }

  /** a binding of `buffer` no larger than the device allows */
  private whole(buffer: GPUBuffer): GPUBufferBinding {
    return { buffer, size: Math.min(buffer.size, this.device.limits.maxStorageBufferBindingSize) };
  }

  private encodeFeatures(pass: GPUComputePassEncoder, source: GPUBuffer, offsetFloats: number, count: number): void {
    const kernel = getKernel(this.device, FEATURE_KERNELS.features);
    const perRow = Math.min(count, MAX_GROUPS_PER_DIMENSION);
    this.device.queue.writeBuffer(this.featureParams, 0, Uint32Array.from([offsetFloats, count, perRow, 0]));
    pass.setPipeline(kernel.pipeline);
    pass.setBindGroup(0, bindGroup(this.device, kernel, [{ buffer: this.featureParams }, { buffer: this.weights }, this.whole(source), { buffer: this.featureRows }]));
    pass.dispatchWorkgroups(perRow, Math.ceil(count / perRow));
  }

  private encodeMoments(pass: GPUComputePassEncoder, which: 'features' | 'pixels', data: GPUBuffer, offsetFloats: number, count: number, width: number): void {
    const params = this.momentParams[which];
    this.device.queue.writeBuffer(params, 0, Uint32Array.from([offsetFloats, count, width, 0]));
    const out = this.outputs[which];
    for (const definition of [FEATURE_KERNELS.mean, FEATURE_KERNELS.centred]) {
      const kernel = getKernel(this.device, definition);
      pass.setPipeline(kernel.pipeline);
      pass.setBindGroup(0, bindGroup(this.device, kernel, [{ buffer: params }, this.whole(data), { buffer: out.mean }, { buffer: out.centred }]));
      pass.dispatchWorkgroups(workgroups(definition === FEATURE_KERNELS.mean ? width : width * width, WORKGROUP));
    }
  }

  /** φ of `count` ≤ FEATURE_BATCH images (16×16 each) at float `offsetFloats` of `source`, read back (for tests) */
  async features(source: GPUBuffer, offsetFloats: number, count: number): Promise<Float32Array> {
    if (count > FEATURE_BATCH) throw new Error(`features: at most ${FEATURE_BATCH} images per call, got ${count}`);
    const encoder = this.device.createCommandEncoder({ label: 'rf features' });
    const pass = encoder.beginComputePass({ label: 'rf features' });
    this.encodeFeatures(pass, source, offsetFloats, count);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
    return readFloat32(this.device, this.featureRows, 0, count * FEATURE_DIM * 4);
  }

  /**
   * Gaussian fits of n 16×16 images stored row after row in `source` from float `offsetFloats` (e.g. a register of
   * the sampler's register file): of φ (FD-RF) and/or of the raw pixels (FD-pix).
   */
  async moments(source: GPUBuffer, offsetFloats: number, n: number, request: MomentRequest): Promise<MomentResult> {
    const acc = {
      features: request.features ? new MomentAccumulator(FEATURE_DIM) : undefined,
      pixels: request.pixels ? new MomentAccumulator(FEATURE_INPUT_DIM) : undefined,
    };
    for (let start = 0; start < n; start += this.batchRows) {
      const count = Math.min(this.batchRows, n - start);
      await this.batch(source, offsetFloats + start * FEATURE_INPUT_DIM, count, acc);
    }
    return { features: acc.features?.fit(), pixels: acc.pixels?.fit() };
  }

  /** moments() of samples held on the CPU (exact reference sets), uploaded one batch at a time */
  async momentsOf(samples: Float32Array | Float64Array, request: MomentRequest): Promise<MomentResult> {
    if (samples.length % FEATURE_INPUT_DIM !== 0) throw new Error(`momentsOf: ${samples.length} values is not a whole number of 16×16 images`);
    const n = samples.length / FEATURE_INPUT_DIM;
    this.staging ??= this.device.createBuffer({ label: 'moment staging samples', size: FEATURE_BATCH * FEATURE_INPUT_DIM * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    const acc = {
      features: request.features ? new MomentAccumulator(FEATURE_DIM) : undefined,
      pixels: request.pixels ? new MomentAccumulator(FEATURE_INPUT_DIM) : undefined,
    };
    for (let start = 0; start < n; start += this.batchRows) {
      const count = Math.min(this.batchRows, n - start);
      this.device.queue.writeBuffer(this.staging, 0, Float32Array.from(samples.subarray(start * FEATURE_INPUT_DIM, (start + count) * FEATURE_INPUT_DIM)));
      await this.batch(this.staging, 0, count, acc);
    }
    return { features: acc.features?.fit(), pixels: acc.pixels?.fit() };
  }

  private async batch(source: GPUBuffer, offsetFloats: number, count: number, acc: { features?: MomentAccumulator; pixels?: MomentAccumulator }): Promise<void> {
    // parameters are written per pass: one submission per kind keeps each kind's writeBuffer before its dispatches
    if (acc.features) {
      const encoder = this.device.createCommandEncoder({ label: 'rf feature moments' });
      const pass = encoder.beginComputePass({ label: 'rf feature moments' });
      this.encodeFeatures(pass, source, offsetFloats, count);
      this.encodeMoments(pass, 'features', this.featureRows, 0, count, FEATURE_DIM);
      pass.end();
      this.device.queue.submit([encoder.finish()]);
      const mean = await readFloat32(this.device, this.outputs.features.mean, 0, FEATURE_DIM * 4);
      const centred = await readFloat32(this.device, this.outputs.features.centred, 0, FEATURE_DIM * FEATURE_DIM * 4);
      acc.features.add(count, mean, centred);
    }
    if (acc.pixels) {
      const encoder = this.device.createCommandEncoder({ label: 'pixel moments' });
      const pass = encoder.beginComputePass({ label: 'pixel moments' });
      this.encodeMoments(pass, 'pixels', source, offsetFloats, count, FEATURE_INPUT_DIM);
      pass.end();
      this.device.queue.submit([encoder.finish()]);
      const mean = await readFloat32(this.device, this.outputs.pixels.mean, 0, FEATURE_INPUT_DIM * 4);
      const centred = await readFloat32(this.device, this.outputs.pixels.centred, 0, FEATURE_INPUT_DIM * FEATURE_INPUT_DIM * 4);
      acc.pixels.add(count, mean, centred);
    }
  }

  destroy(): void {
    this.weights.destroy();
    this.featureParams.destroy();
    this.momentParams.features.destroy();
    this.momentParams.pixels.destroy();
    this.featureRows.destroy();
    for (const o of [this.outputs.features, this.outputs.pixels]) {
      o.mean.destroy();
      o.centred.destroy();
    }
    this.staging?.destroy();
  }
}

// FD-RF on the GPU (shaders/sampler/features.wgsl, moments.wgsl; specs §17.3b) against the float64 core twin.
// Small sets: SwiftShader runs these on a shared CPU.

import { describe, expect, it } from 'vitest';
import { FEATURE_DIM, rfFeatures } from '../core/metrics/features.ts';
import { FrechetReference, sampleMoments } from '../core/metrics/frechet.ts';
import { prepareTarget } from '../core/sampling/experiment.ts';
import { sampleMixture } from '../core/sampling/gmm.ts';
import { testDevice, withGpuErrors } from '../gpu/testing.ts';
import { GpuFeatures } from './gpuFeatures.ts';

const glyphs = prepareTarget({ type: 'glyphs16', components: 10, pixelStd: 0.2 });
const alpha = 0.9995;
const sigma = 0.0316;

function maxRelative(got: ArrayLike<number>, expected: ArrayLike<number>, scale: number): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]) / (scale + Math.abs(expected[i])));
  return worst;
}

describe('GPU feature map and moments', () => {
  it('φ equals the float64 twin to 1e-5 (relative to 1 + |φ|)', async () => {
    const gpu = await testDevice();
    const n = 64;
    const x = sampleMixture(glyphs, n, alpha, sigma, 5);
    const x32 = Float32Array.from(x);
    const features = new GpuFeatures(gpu);
    const buffer = gpu.createBuffer({ size: x32.byteLength + 256 * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    // offset by one image: the kernel must honour the offset (a register of the register file)
    gpu.queue.writeBuffer(buffer, 256 * 4, x32);
    const got = await withGpuErrors(gpu, () => features.features(buffer, 256, n));
    const expected = rfFeatures(Float64Array.from(x32), n);
    const error = maxRelative(got, expected, 1);
    console.log(`φ GPU vs float64: max |Δ|/(1 + |φ|) = ${error.toExponential(2)}`);
    expect(error).toBeLessThan(1e-5);
    buffer.destroy();
    features.destroy();
  });

  it('feature and pixel moments (batched, combined in float64) equal the float64 twins, and so does FD-RF', async () => {
    const gpu = await testDevice();
    const n = 250;
    const x32 = Float32Array.from(sampleMixture(glyphs, n, alpha, sigma, 6));
    const x = Float64Array.from(x32);
    // 3 batches of ≤ 100 rows exercise the pairwise combination
    const features = new GpuFeatures(gpu, { batchRows: 100 });
    const got = await withGpuErrors(gpu, () => features.momentsOf(x32, { features: true, pixels: true }));
    const fExpected = sampleMoments(rfFeatures(x, n), n, FEATURE_DIM);
    const pExpected = sampleMoments(x, n, 256);
    const scale = (fit: { cov: Float64Array }) => Math.sqrt(fit.cov.reduce((s, v) => s + v * v, 0) / fit.cov.length);
    expect(maxRelative(got.features!.mean, fExpected.mean, 1)).toBeLessThan(1e-5);
    expect(maxRelative(got.features!.cov, fExpected.cov, scale(fExpected))).toBeLessThan(1e-4);
    expect(maxRelative(got.pixels!.mean, pExpected.mean, 1)).toBeLessThan(1e-5);
    expect(maxRelative(got.pixels!.cov, pExpected.cov, scale(pExpected))).toBeLessThan(1e-4);
    // FD against a fixed reference: the GPU statistics give the float64 value to 1e-3 relative
    const refSamples = sampleMixture(glyphs, 400, alpha, sigma, 7);
    const reference = new FrechetReference(sampleMoments(rfFeatures(refSamples, 400), 400, FEATURE_DIM));
    const fdGpu = reference.distance(got.features!);
    const fdCpu = reference.distance(fExpected);
    console.log(`FD-RF from GPU statistics ${fdGpu.toFixed(6)}, from float64 ${fdCpu.toFixed(6)}`);
    expect(Math.abs(fdGpu - fdCpu)).toBeLessThan(1e-3 * fdCpu);
    features.destroy();
  });
});

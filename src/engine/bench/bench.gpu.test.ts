// The in-app benchmark's engine (issue #9) on a real WebGPU device (Dawn; SwiftShader without a GPU): both timing
// methods, every case's figures consistent with its bytes model, failures isolated per case, cancellation.
// Timings themselves are never asserted (DESIGN §5: benchmarks are not tests), only their consistency.

import { describe, expect, it } from 'vitest';
import { testDevice, withGpuErrors } from '../../gpu/testing.ts';
import { copyBytes, fftPairBytes } from './bandwidth.ts';
import { BenchCancelled, type BenchReport, type BenchSizes, runBenchmark } from './gpuBench.ts';
import { SubmitTimer, measureEncoded } from './timing.ts';

/** tiny sizes: the test checks the plumbing and the arithmetic, not the speed */
const TINY: BenchSizes = { copyBytes: 1 << 20, samplerN: 1024, samplerSteps: 4, fftN: 64, pdeN: 32, targetMs: 20, samples: 2, maxReps: 16 };

/**
 * Devices straight from Dawn with and without 'timestamp-query', so that both timing paths are tested whatever the
 * app's gatekeeper (src/gpu/device.ts, which asks for timestamps where the adapter has them) gives testDevice().
 */
const devices = new Map<boolean, Promise<GPUDevice>>();
let dawn: GPU | null = null; // the instance must outlive its devices (src/gpu/node.ts)
function deviceWith(timestamps: boolean): Promise<GPUDevice> {
  let device = devices.get(timestamps);
  if (!device) {
    device = (async () => {
      await testDevice(); // sets VK_ICD_FILENAMES and the globals, as the other tests do
      const webgpu = await import('webgpu');
      dawn ??= webgpu.create([]);
      const adapter = await dawn.requestAdapter();
      if (!adapter) throw new Error('no WebGPU adapter');
      if (timestamps && !adapter.features.has('timestamp-query')) throw new Error(`this adapter has no timestamp-query (features: ${[...adapter.features].join(', ')})`);
      return adapter.requestDevice({ label: `bench ${timestamps ? 'with' : 'without'} timestamps`, requiredFeatures: timestamps ? ['timestamp-query'] : [] });
    })();
    devices.set(timestamps, device);
  }
  return device;
}
const deviceWithTimestamps = () => deviceWith(true);

function checkReport(report: BenchReport): void {
  expect(report.failures).toEqual([]);
  expect(report.copy.size).toBe(TINY.copyBytes);
  expect(report.copy.bytes).toBe(copyBytes(TINY.copyBytes));
  expect(report.copy.gbPerS).toBeGreaterThan(0);
  expect(report.copy.gbPerS).toBeCloseTo(report.copy.bytes / (report.copy.ms * 1e6), 9);
  expect(report.cases.map((c) => c.id)).toEqual(['sampler', 'fft', 'pde']);
  for (const c of report.cases) {
    for (const value of [c.ms, c.bytes, c.gbPerS, c.fraction]) {
      expect(Number.isFinite(value), `${c.id}: ${value}`).toBe(true);
      expect(value, c.id).toBeGreaterThan(0);
    }
    expect(c.gbPerS).toBeCloseTo(c.bytes / (c.ms * 1e6), 9);
    expect(c.fraction).toBeCloseTo(c.gbPerS / report.copy.gbPerS, 9);
    expect(c.reps).toBeGreaterThanOrEqual(1);
    expect(c.bytesModel.length).toBeGreaterThan(20);
  }
  const byId = Object.fromEntries(report.cases.map((c) => [c.id, c]));
  expect(byId.fft.bytes).toBe(fftPairBytes([TINY.fftN, TINY.fftN]));
  expect(byId.fft.size).toBe(`${TINY.fftN}²`);
  expect(byId.pde.bytes).toBe(147 * 8 * TINY.pdeN ** 2); // bandwidth.ts's ETDRK4 Navier–Stokes count
  expect(byId.sampler.size).toBe(`n = 1 024 · ${TINY.samplerSteps} steps`);
  const P = TINY.samplerN * 2 * 4; // DDIM: x_T written, then per step read x and the mixture (288 B), write x
  expect(byId.sampler.bytes).toBe(P + TINY.samplerSteps * (2 * P + 288));
}

describe('in-app benchmark engine', () => {
  it('wall time on a device without timestamp queries: every case consistent with its bytes model', async () => {
    const device = await deviceWith(false);
    expect(device.features.has('timestamp-query')).toBe(false);
    const progress: string[] = [];
    const seen: string[] = [];
    const report = await withGpuErrors(device, () =>
      runBenchmark(device, { software: true, sizes: TINY, onProgress: (p) => progress.push(`${p.done}/${p.total} ${p.label}`), onCase: (c) => seen.push(c.id), onCopy: () => seen.push('copy') }),
    );
    checkReport(report);
    expect(report.timestampQuery).toBe(false);
    expect(report.software).toBe(true);
    expect(new Set([report.copy.method, ...report.cases.map((c) => c.method)])).toEqual(new Set(['wall']));
    expect(seen).toEqual(['copy', 'sampler', 'fft', 'pde']);
    expect(progress).toEqual(['0/4 buffer copy', '1/4 GMM eval + combine', '2/4 2D FFT', '3/4 Navier–Stokes ETDRK4 step', '4/4 done']);
  });

  it('timestamp queries where the device has them: the copy, FFT and PDE cases use them, the sampler wall time', async () => {
    const device = await deviceWithTimestamps();
    const report = await withGpuErrors(device, () => runBenchmark(device, { software: true, sizes: TINY }));
    checkReport(report);
    expect(report.timestampQuery).toBe(true);
    expect(report.copy.method).toBe('timestamp');
    expect(Object.fromEntries(report.cases.map((c) => [c.id, c.method]))).toEqual({ sampler: 'wall', fft: 'timestamp', pde: 'timestamp' });
  });

  it('a timestamped interval lies inside the wall time of its submit', async () => {
    const device = await deviceWithTimestamps();
    const timer = new SubmitTimer(device, 'bench test');
    expect(timer.method).toBe('timestamp');
    const size = 4 << 20;
    const usage = GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const [a, b] = [device.createBuffer({ size, usage }), device.createBuffer({ size, usage })];
    const encode = (encoder: GPUCommandEncoder) => {
      for (let r = 0; r < 20; r++) encoder.copyBufferToBuffer(a, 0, b, 0, size);
    };
    await timer.time(encode); // warm-up
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      const gpuMs = await timer.time(encode);
      // the wall interval also holds the readback's map; the GPU interval is strictly inside it
      const wallMs = performance.now() - start;
      expect(gpuMs).toBeGreaterThan(0);
      expect(gpuMs).toBeLessThanOrEqual(wallMs);
    }
    // the measured figure is per repetition: 20 copies per repetition here, so about a 20th of a submit
    const m = await measureEncoded(timer, (encoder, reps) => { for (let r = 0; r < reps; r++) encode(encoder); }, { targetMs: 20, samples: 2, maxReps: 4 });
    expect(m.method).toBe('timestamp');
    expect(m.samples.length).toBe(2);
    expect(m.ms).toBeGreaterThan(0);
    timer.destroy();
    a.destroy();
    b.destroy();
  });

  it('a case that cannot run is reported as a failure and the others still run', async () => {
    const device = await testDevice();
    // 2²⁸ particles × 2 registers × d = 2 × 4 B = 4 GiB: GpuSampler refuses it before allocating
    const report = await runBenchmark(device, { software: true, sizes: { ...TINY, samplerN: 1 << 28 } });
    expect(report.failures.map((f) => f.id)).toEqual(['sampler']);
    expect(report.failures[0].message).toMatch(/bytes of GPU storage/);
    expect(report.cases.map((c) => c.id)).toEqual(['fft', 'pde']);
  });

  it('cancelling stops between submits with BenchCancelled; no case is reported after it', async () => {
    const device = await testDevice();
    const controller = new AbortController();
    const cases: string[] = [];
    const run = runBenchmark(device, { software: true, sizes: TINY, signal: controller.signal, onCopy: () => controller.abort(), onCase: (c) => cases.push(c.id) });
    await expect(run).rejects.toBeInstanceOf(BenchCancelled);
    expect(cases).toEqual([]);
    // the device is still usable afterwards
    const again = await runBenchmark(device, { software: true, sizes: TINY });
    expect(again.cases.length).toBe(3);
  });
});

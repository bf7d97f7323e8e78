// Resources when a run is replaced (issue 10), counted with the counting wrapper (src/gpu/counting.ts): a PDE solver
// that is replaced leaves no buffer behind. The sampler's long session is soak.gpu.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { parsePdeSpec } from '../core/spec/pdeSpec.ts';
import { countGpu, type GpuCounter } from '../gpu/counting.ts';
import { testDevice, withGpuErrors } from '../gpu/testing.ts';
import { gpuPdeStepper } from './pde/gpuPde.ts';
import { runPde } from './pde/pdeRun.ts';

let counter: GpuCounter | null = null;
afterEach(() => {
  counter?.restore();
  counter = null;
});

describe('GPU resources when a run is replaced', () => {
  it('PDE solvers that are replaced leave no buffer behind', async () => {
    const gpu = await testDevice();
    const spec = parsePdeSpec({ version: 1, kind: 'pde', equation: 'ks', grid: { n: [64], length: [32 * Math.PI] }, dt: 0.05, tEnd: 0.5 });
    counter = countGpu(gpu);
    const before = counter.counts.liveBuffers;
    await withGpuErrors(gpu, async () => {
      for (let i = 0; i < 8; i++) await runPde(spec, gpuPdeStepper(gpu));
    });
    expect(counter.counts.buffersCreated).toBeGreaterThan(0);
    expect(counter.counts.liveBuffers).toBe(before);
  }, 120_000);
});

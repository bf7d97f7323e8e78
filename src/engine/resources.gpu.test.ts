// Resources over a long session (issue 10: "GPU buffers, pipelines and workers are released when a run is replaced;
// a long session does not grow memory"), counted with the counting wrapper (src/gpu/counting.ts): live GPU buffers
// reach a steady state and stay there over many runs of changing specs, pipelines are built once per kernel, and a
// PDE solver that is replaced leaves no buffer behind.
import { afterEach, describe, expect, it } from 'vitest';
import { parseSpec } from '../core/spec/spec.ts';
import { parsePdeSpec } from '../core/spec/pdeSpec.ts';
import { countGpu, type GpuCounter } from '../gpu/counting.ts';
import { testDevice, withGpuErrors } from '../gpu/testing.ts';
import { gpuPdeStepper } from './pde/gpuPde.ts';
import { runPde } from './pde/pdeRun.ts';
import { GpuSamplerBackend } from './sampling.ts';

const base = { version: 1, kind: 'sample', schedule: { type: 'logsnr' }, seed: 0 };
const SPECS = [
  { ...base, process: { type: 'vp-linear' }, target: { type: 'preset', name: 'ring8' }, solver: { name: 'ddim' }, nfe: 6, n: 256 },
  { ...base, process: { type: 'flow' }, target: { type: 'glyphs16', components: 3 }, solver: { name: 'flow-euler' }, schedule: { type: 'time-uniform' }, nfe: 4, n: 64 },
  { ...base, process: { type: 'vp-linear' }, target: { type: 'preset', name: 'grid25' }, solver: { name: 'dpmpp-2m' }, nfe: 10, n: 512 },
  { ...base, process: { type: 'edm' }, target: { type: 'preset', name: 'two-moons-gmm' }, solver: { name: 'euler-ancestral' }, schedule: { type: 'karras' }, nfe: 8, n: 128 },
].map((s) => parseSpec(s));

let counter: GpuCounter | null = null;
afterEach(() => {
  counter?.restore();
  counter = null;
});

describe('GPU resources over a long session', () => {
  it('the sampler backend: live buffers stop growing after the first round of specs; no pipeline is built twice', async () => {
    const gpu = await testDevice();
    const backend = new GpuSamplerBackend(gpu, { fdReferenceSamples: 64 });
    counter = countGpu(gpu);
    const live: number[] = [];
    await withGpuErrors(gpu, async () => {
      for (let round = 0; round < 5; round++) {
        for (const [i, spec] of SPECS.entries()) await backend.sample(spec, { metrics: i % 2 === 0, recordTrajectory: i === 0 });
        live.push(counter!.counts.liveBuffers);
        // pipelines are cached per device and kernel: rounds after the first build none
        if (round === 0) counter!.reset();
        else expect(counter!.counts.pipelines, `pipelines built in round ${round}`).toBe(0);
      }
    });
    console.log(`live GPU buffers after each round: ${live.join(', ')}; bytes ${counter.counts.liveBytes}`);
    // steady from the second round on (the first allocates what each kind of spec needs)
    expect(live.slice(2)).toEqual(live.slice(2).map(() => live[1]));
    backend.destroy();
  }, 300_000);

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

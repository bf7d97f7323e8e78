// Fuzzing the GPU path (issue 10): 500 random specs, valid and invalid, through parseSpec and GpuSamplerBackend.sample
// (samples read back; metrics on a share). Every one runs with finite results or is refused with a message, and no
// GPU validation or out-of-memory error is raised along the way. Seeded: a failure names its case.
import { describe, expect, it } from 'vitest';
import { SpecError, parseSpec } from '../core/spec/spec.ts';
import { FuzzRng, crashOf, randomSampleSpec } from '../core/spec/fuzz.testing.ts';
import { testDevice, withGpuErrors } from '../gpu/testing.ts';
import { GpuSamplerBackend } from './sampling.ts';

const CASES = 500;

describe('fuzz: sample specs on the GPU path', () => {
  it(`${CASES} random specs run or are refused with a message, without GPU errors`, async () => {
    const gpu = await testDevice();
    const rng = new FuzzRng(4242);
    const backend = new GpuSamplerBackend(gpu, { fdReferenceSamples: 64 });
    const outcome = { refusedBySchema: 0, refusedByEngine: 0, ran: 0 };
    const failures: string[] = [];
    for (let c = 0; c < CASES && failures.length < 5; c++) {
      const input = randomSampleSpec(rng);
      const measure = rng.chance(0.1);
      const label = `case ${c}: ${JSON.stringify(input)}`;
      let spec;
      try {
        spec = parseSpec(input);
      } catch (error) {
        if (!(error instanceof SpecError)) failures.push(`${label}\n  schema: ${crashOf(error) ?? String(error)}`);
        outcome.refusedBySchema++;
        continue;
      }
      try {
        // the error scopes turn any GPU validation or out-of-memory error of this case into a thrown one
        const result = await withGpuErrors(gpu, () => backend.sample(spec, { metrics: measure && spec.target.type !== 'glyphs16' }));
        if (!result.samples.every(Number.isFinite)) failures.push(`${label}\n  non-finite samples in a result marked valid`);
        if (result.metrics && !(Number.isFinite(result.metrics.mmd2) && Number.isFinite(result.metrics.rmse))) failures.push(`${label}\n  non-finite metrics`);
        outcome.ran++;
      } catch (error) {
        const crash = crashOf(error) ?? (/^GPU (validation error|out of memory)/.test((error as Error).message) ? (error as Error).message : null);
        if (crash) failures.push(`${label}\n  engine: ${crash}`);
        outcome.refusedByEngine++;
      }
    }
    backend.destroy();
    console.log(`fuzz (GPU): ${JSON.stringify(outcome)}`);
    expect(failures, failures.join('\n\n')).toEqual([]);
    expect(outcome.ran).toBeGreaterThan(CASES / 10);
  }, 600_000);
});

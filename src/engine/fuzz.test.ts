// Fuzzing the sampler's entry points on the float64 CPU path (issue 10): 10 000 random specs, valid and invalid,
// through parseSpec and CpuSamplerBackend.sample. Every one either runs, with finite samples (and finite metrics
// where measured), or is refused with a message: a SpecError naming fields, or the engine's own refusal (a budget
// below one step, a solver that diverged, …), never a TypeError or an empty message. Seeded: a failure names its case.
import { describe, expect, it } from 'vitest';
import { SpecError, parseSpec } from '../core/spec/spec.ts';
import { FuzzRng, crashOf, randomSampleSpec } from '../core/spec/fuzz.testing.ts';
import { CpuSamplerBackend } from './sampling.ts';

const CASES = 10_000;

describe('fuzz: sample specs on the CPU path', () => {
  it(`${CASES} random specs run or are refused with a message`, async () => {
    const rng = new FuzzRng(20261122);
    const backend = new CpuSamplerBackend({ fdReferenceSamples: 64 });
    const outcome = { refusedBySchema: 0, refusedByEngine: 0, ran: 0 };
    const refusals = new Map<string, number>();
    const failures: string[] = [];
    for (let c = 0; c < CASES && failures.length < 5; c++) {
      const input = randomSampleSpec(rng);
      const measure = rng.chance(0.05);
      const label = () => `case ${c}: ${JSON.stringify(input)}`;
      let spec;
      try {
        spec = parseSpec(input);
      } catch (error) {
        if (!(error instanceof SpecError) || error.problems.length === 0 || error.problems.some((p) => !p.trim())) failures.push(`${label()}\n  schema: ${crashOf(error) ?? String(error)}`);
        outcome.refusedBySchema++;
        continue;
      }
      try {
        // metrics on a share of the runs; not on image targets, whose FD-RF costs seconds (covered in glyphs.test.ts)
        const result = await backend.sample(spec, { metrics: measure && spec.target.type !== 'glyphs16' });
        if (!result.samples.every(Number.isFinite)) failures.push(`${label()}\n  non-finite samples in a result marked valid`);
        if (result.metrics) {
          const { nll, nllReference, nulls, ...rest } = result.metrics;
          const numbers = [...Object.values(rest), ...Object.values(nulls), ...(nll === null ? [] : [nll]), ...(nllReference === null ? [] : [nllReference])];
          if (!numbers.every((v) => typeof v !== 'number' || Number.isFinite(v))) failures.push(`${label()}\n  non-finite metrics: ${JSON.stringify(result.metrics)}`);
        }
        outcome.ran++;
      } catch (error) {
        const crash = crashOf(error);
        if (crash) failures.push(`${label()}\n  engine: ${crash}`);
        const name = (error as Error).name;
        refusals.set(name, (refusals.get(name) ?? 0) + 1);
        outcome.refusedByEngine++;
      }
    }
    console.log(`fuzz (CPU): ${JSON.stringify(outcome)}; engine refusals by kind: ${JSON.stringify(Object.fromEntries(refusals))}`);
    expect(failures, failures.join('\n\n')).toEqual([]);
    // the generator reaches every path: many specs run, many are refused by the schema, some by the engine
    expect(outcome.ran).toBeGreaterThan(CASES / 10);
    expect(outcome.refusedBySchema).toBeGreaterThan(CASES / 10);
    expect(outcome.refusedByEngine).toBeGreaterThan(0);
  }, 600_000);
});

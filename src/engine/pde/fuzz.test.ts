// Fuzzing the PDE engine's entry points on the float64 CPU path (issue 10): 2 000 random PDE specs, valid and
// invalid (typed initial-condition formulas included), through parsePdeSpec and runPde. Every one either runs, with a
// finite final field and finite invariants, or is refused with a message (a SpecError, an expression error, a
// divergence with its step), never a TypeError or an empty message. Seeded: a failure names its case.
import { describe, expect, it } from 'vitest';
import { SpecError } from '../../core/spec/spec.ts';
import { parsePdeSpec } from '../../core/spec/pdeSpec.ts';
import { FuzzRng, crashOf, randomPdeSpec } from '../../core/spec/fuzz.testing.ts';
import { cpuStepper, runPde } from './pdeRun.ts';

const CASES = 2000;

describe('fuzz: PDE specs on the CPU path', () => {
  it(`${CASES} random PDE specs run or are refused with a message`, async () => {
    const rng = new FuzzRng(1234);
    const outcome = { refusedBySchema: 0, refusedByEngine: 0, ran: 0 };
    const refusals = new Map<string, number>();
    const failures: string[] = [];
    for (let c = 0; c < CASES && failures.length < 5; c++) {
      const input = randomPdeSpec(rng);
      const label = `case ${c}: ${JSON.stringify(input)}`;
      let spec;
      try {
        spec = parsePdeSpec(input);
      } catch (error) {
        if (!(error instanceof SpecError) || error.problems.length === 0) failures.push(`${label}\n  schema: ${crashOf(error) ?? String(error)}`);
        outcome.refusedBySchema++;
        continue;
      }
      try {
        const result = await runPde(spec, cpuStepper);
        if (!result.final.every(Number.isFinite)) failures.push(`${label}\n  non-finite final field in a result marked valid`);
        for (const inv of result.invariants) if (!inv.values.every(Number.isFinite)) failures.push(`${label}\n  non-finite invariant ${inv.id}`);
        outcome.ran++;
      } catch (error) {
        const crash = crashOf(error);
        if (crash) failures.push(`${label}\n  engine: ${crash}`);
        const kind = `${(error as Error).name}: ${(error as Error).message.slice(0, 40)}`;
        refusals.set(kind, (refusals.get(kind) ?? 0) + 1);
        outcome.refusedByEngine++;
      }
    }
    console.log(`fuzz (PDE, CPU): ${JSON.stringify(outcome)}; engine refusals by kind: ${JSON.stringify(Object.fromEntries(refusals))}`);
    expect(failures, failures.join('\n\n')).toEqual([]);
    expect(outcome.ran).toBeGreaterThan(CASES / 10);
    expect(outcome.refusedBySchema).toBeGreaterThan(CASES / 10);
  }, 600_000);
});

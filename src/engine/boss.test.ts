// The BOSS claim on a 2D flow target (issue #4, specs §14, §18.1): flow-euler on the Bellman grid has lower
// same-noise RMSE and lower MMD² than on the uniform grid at 4, 6 and 8 NFE, with the project's own metrics on
// the float64 CPU backend (n = 1024; the teacher's 256 samples are independent of the runs' x_T).
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../core/spec/spec.ts';
import { CpuSamplerBackend } from './sampling.ts';

describe('BOSS on ring8 (flow, flow-euler)', () => {
  it('beats the uniform grid in RMSE and MMD² at 4, 6 and 8 NFE', async () => {
    const backend = new CpuSamplerBackend();
    const base = { version: 1, kind: 'sample', process: { type: 'flow' }, target: { type: 'preset', name: 'ring8' }, solver: { name: 'flow-euler' }, n: 1024, seed: 0 } as const;
    for (const nfe of [4, 6, 8]) {
      const uniform = (await backend.sample(parseSpec({ ...base, schedule: { type: 'time-uniform' }, nfe }), { metrics: true })).metrics!;
      const bellman = await backend.sample(parseSpec({ ...base, schedule: { type: 'boss', kMax: 100, samples: 256 }, nfe }), { metrics: true });
      const m = bellman.metrics!;
      expect(bellman.nfe).toBe(nfe);
      // measured (seed 0): RMSE .129/.067/.045 → .087/.056/.031, MMD² 9.0e-2/1.7e-2/8.9e-3 → 3.4e-2/1.3e-2/4.2e-3
      expect(m.rmse).toBeLessThan(0.9 * uniform.rmse);
      expect(m.mmd2).toBeLessThan(0.85 * uniform.mmd2);
      // and both are far above the metric's null, so the comparison is not noise
      expect(uniform.mmd2 - m.mmd2).toBeGreaterThan(5 * Math.abs(m.nulls.mmd2));
    }
  });
});

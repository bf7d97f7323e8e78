// The per-step error view's global error is the engine's same-noise RMSE: the same reference program from the same
// x_T, on the same particles (when the run has as many particles as the view measures, the metric's set is those).

import { describe, expect, it } from 'vitest';
import { stepErrors } from '../core/sampling/stepErrors.ts';
import { DEFAULT_SPEC, parseSpec } from '../core/spec/spec.ts';
import { CpuSamplerBackend } from './sampling.ts';

describe('stepErrors against the engine', () => {
  for (const [solver, schedule] of [
    ['dpmpp-2m', 'logsnr'],
    ['ddim', 'karras'],
  ] as const) {
    it(`global error = the run's same-noise RMSE (${solver}, ${schedule})`, async () => {
      const spec = parseSpec({ ...DEFAULT_SPEC, n: 256, solver: { name: solver }, schedule: { type: schedule } });
      const view = stepErrors(spec);
      const run = await new CpuSamplerBackend().sample(spec, { metrics: true });
      expect(view.particles).toBe(256);
      expect(Math.abs(view.global - run.metrics!.rmse)).toBeLessThan(1e-14);
      expect(view.global).toBeGreaterThan(1e-3);
    });
  }
});

// Claims run end to end on the float64 CPU backend (the cheap ones; v3-gmm and boss-glyphs take 1 and 7 minutes on two
// cores and are covered by their core tests, dpmSolverV3.test.ts and boss.test.ts): each reproduces, as measured.
import { describe, expect, it } from 'vitest';
import { findClaim } from '../core/claims.ts';
import { runClaim } from './claims.ts';
import { CpuSamplerBackend } from './sampling.ts';

describe('runClaim (CPU)', () => {
  for (const id of ['boss-flow', 'flow-sigmoid', 'momentum-guidance']) {
    it(`${id} reproduces: every check holds`, async () => {
      const claim = findClaim(id);
      const progress: number[] = [];
      const result = await runClaim(claim, new CpuSamplerBackend(), { onProgress: (done) => progress.push(done) });
      expect(result.checks.filter((c) => !c.holds).map((c) => c.text)).toEqual([]);
      expect(result.holds).toBe(true);
      expect(progress.length).toBe(claim.series.length * claim.axis.values.length);
      for (const s of result.series) {
        expect(s.points.map((p) => p.x)).toEqual(claim.axis.values);
        for (const p of s.points) for (const m of claim.metrics) expect(Number.isFinite(p[m]), `${s.label} ${p.x} ${m}`).toBe(true);
      }
      // the guided series are CPU-only; the others ran on the backend given
      expect(result.series.every((s) => s.engine === 'cpu')).toBe(true);
    }, 60_000);
  }

  it('the same run with the method replaced by its baseline does not reproduce', async () => {
    const claim = findClaim('boss-flow');
    const baseline = { ...claim, series: [claim.series[1], claim.series[1]] };
    const result = await runClaim(baseline, new CpuSamplerBackend());
    expect(result.holds).toBe(false);
  });

  it('stops between points when cancelled', async () => {
    const controller = new AbortController();
    const run = runClaim(findClaim('flow-sigmoid'), new CpuSamplerBackend(), { signal: controller.signal, onProgress: (done) => done === 2 && controller.abort() });
    await expect(run).rejects.toThrow('cancelled');
  });
});

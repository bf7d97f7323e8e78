// The sweep loop on the float64 CPU backend (no GPU needed): points, progress and cancellation.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SPEC, parseSpec } from '../core/spec/spec.ts';
import { CpuSamplerBackend } from './sampling.ts';

describe('sweep', () => {
  const spec = parseSpec({ ...DEFAULT_SPEC, n: 64 });
  it('skips budgets below one step and budgets that repeat the previous program, but reports progress for each', async () => {
    const progress: number[] = [];
    const result = await new CpuSamplerBackend().sweep(spec, { nfes: [2, 3, 4, 5, 8], solvers: ['flow-rk4', 'ddim'], onProgress: (done) => progress.push(done) });
    expect(result.curves[0].points.map((p) => p.nfe)).toEqual([4, 8]);
    expect(result.curves[1].points.map((p) => p.nfe)).toEqual([2, 3, 4, 5, 8]);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const curve of result.curves) for (const p of curve.points) expect(Number.isFinite(p.mmd2) && Number.isFinite(p.rmse)).toBe(true);
  });
  it('stops between points when cancelled', async () => {
    const controller = new AbortController();
    const sweep = new CpuSamplerBackend().sweep(spec, { nfes: [2, 3, 4, 5, 6, 8], solvers: ['ddim'], signal: controller.signal, onProgress: (done) => done === 2 && controller.abort() });
    await expect(sweep).rejects.toThrow('cancelled');
  });
  it("runs the spec's own solver with the spec's options (here β), and compared solvers with their defaults", async () => {
    const hb = parseSpec({ ...DEFAULT_SPEC, process: { type: 'vp-linear' }, schedule: { type: 'time-uniform' }, solver: { name: 'dpmpp-2m-hb', beta: 0.5 }, n: 64 });
    const backend = new CpuSamplerBackend();
    const swept = (await backend.sweep(hb, { nfes: [6], solvers: ['dpmpp-2m-hb', 'dpmpp-2m'] })).curves;
    const single = await backend.sample({ ...hb, nfe: 6 }, { metrics: true });
    expect(swept[0].points[0].rmse).toBe(single.metrics!.rmse);
    // β = 1 is exactly DPM-Solver++(2M): the β = 0.5 point must differ from it
    expect(Math.abs(swept[0].points[0].rmse - swept[1].points[0].rmse)).toBeGreaterThan(1e-6);
  });
});

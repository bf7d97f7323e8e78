import { describe, expect, it } from 'vitest';
import { makeProcess } from '../core/sampling/experiment.ts';
import { DEFAULT_SPEC, parseSpec } from '../core/spec/spec.ts';
import { configurationGrids } from './gridData.ts';

const noRun = { spec: null, results: [] };

describe('configurationGrids', () => {
  it('gives N + 1 points per fixed-grid solver, λ uniform on the log-SNR grid and t from tStart to tEnd', () => {
    const spec = parseSpec({ ...DEFAULT_SPEC, nfe: 8, schedule: { type: 'logsnr' } });
    const [dpm, ddim] = configurationGrids(spec, ['dpmpp-2m', 'ddim'], noRun);
    for (const grid of [dpm, ddim]) {
      expect(grid.source).toBe('spec');
      expect(grid.t).toHaveLength(9);
      expect(grid.sigmaTilde).toHaveLength(9);
      expect(grid.lambda).toHaveLength(9);
      expect(grid.t[0]).toBe(spec.tStart);
      expect(grid.t[8]).toBeCloseTo(spec.tEnd, 12);
      const steps = grid.lambda.slice(1).map((l, i) => l - grid.lambda[i]);
      for (const h of steps) expect(h).toBeCloseTo(steps[0], 9);
      expect(steps[0]).toBeGreaterThan(0);
      // σ̃ = e^(−λ)
      grid.sigmaTilde.forEach((s, i) => expect(s).toBeCloseTo(Math.exp(-grid.lambda[i]), 12));
    }
  });

  it('a grid ending at σ = 0 ends with λ = +∞ and σ̃ = 0', () => {
    const spec = parseSpec({ ...DEFAULT_SPEC, process: { type: 'edm' }, tStart: undefined, tEnd: undefined, schedule: { type: 'karras' }, nfe: 6, solver: { name: 'euler' } });
    const [grid] = configurationGrids(spec, ['euler'], noRun);
    expect(grid.endsAtZero).toBe(true);
    expect(grid.lambda[grid.lambda.length - 1]).toBe(Infinity);
    expect(grid.sigmaTilde[grid.sigmaTilde.length - 1]).toBe(0);
    expect(grid.t).toHaveLength(7);
  });

  it('adaptive solvers show their latest run of the same settings, and say so when there is none', () => {
    const spec = parseSpec({ ...DEFAULT_SPEC, solver: { name: 'rk45' } });
    expect(configurationGrids(spec, ['rk45'], noRun)[0]).toMatchObject({ source: 'none', t: [] });
    expect(configurationGrids(spec, ['rk45'], noRun)[0].note).toMatch(/no run/);
    const times = [1, 0.4, 0.05, 1e-3];
    const ran = configurationGrids(spec, ['rk45'], { spec, results: [{ solver: 'rk45', times }] })[0];
    expect(ran.source).toBe('run');
    expect(ran.t).toEqual(times);
    const process = makeProcess(spec.process);
    expect(ran.lambda).toEqual(times.map((t) => process.lambda(t)));
    // a run of other settings does not count
    const other = parseSpec({ ...spec, seed: 5 });
    expect(configurationGrids(other, ['rk45'], { spec, results: [{ solver: 'rk45', times }] })[0].source).toBe('none');
  });

  it('a budget a solver cannot spend gives a note instead of a grid', () => {
    const spec = parseSpec({ ...DEFAULT_SPEC, nfe: 2 });
    const [grid] = configurationGrids(spec, ['flow-rk4'], noRun);
    expect(grid.source).toBe('none');
    expect(grid.note).toBeTruthy();
  });

  it('never computes DPM-Solver-v3 statistics (tens of seconds for glyphs16 on the main thread): the run’s grid, or a note', () => {
    const spec = parseSpec({ ...DEFAULT_SPEC, target: { type: 'glyphs16' }, solver: { name: 'dpm-solver-v3' }, nfe: 6 });
    const started = performance.now();
    const [before] = configurationGrids(spec, ['dpm-solver-v3'], noRun);
    // computing them takes ~30 s here; the note comes at once
    expect(performance.now() - started).toBeLessThan(2000);
    expect(before.source).toBe('none');
    expect(before.note).toContain('statistics computed with the run');
    const times = [1, 0.5, 0.1, 0.01, 0.001];
    const [after] = configurationGrids(spec, ['dpm-solver-v3'], { spec, results: [{ solver: 'dpm-solver-v3', times }] });
    expect(after.source).toBe('run');
    expect(after.t).toEqual(times);
  });
});

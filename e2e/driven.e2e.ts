// Driven solvers in the browser (src/core/sampling/program.ts): adaptive DPM-Solver, RK45 and Score-SDE PC read
// one batch statistic back per decision. In real Chromium on WebGPU they must finish, report the grid and NFE
// they chose, and give finite metrics.

import assert from 'node:assert/strict';
import { BASE_URL, isFiniteNumber, openApp, test } from './harness.ts';

test('adaptive DPM-Solver, RK45 and PC run in the page: their own grids and NFE, finite metrics', async ({ page }) => {
  const app = await openApp(page, BASE_URL);
  const base = await app.evaluate((s) => s.getSpec());
  const cases = [
    { solver: { name: 'dpm-solver-adaptive' }, nfe: 10 },
    { solver: { name: 'rk45', rtol: 1e-4, atol: 1e-4 }, nfe: 10 },
    { solver: { name: 'pc' }, nfe: 20 },
  ];
  for (const { solver, nfe } of cases) {
    const spec = { ...base, solver, nfe, steps: undefined, n: 512 };
    const result = await app.evaluate(async (s, next) => {
      s.setSpec(next);
      return s.run();
    }, spec);
    const label = JSON.stringify(solver);
    for (const key of ['mmd2', 'energy', 'rmse'] as const) assert.ok(isFiniteNumber(result[key]), `${label}: ${key} = ${result[key]}`);
    assert.equal(result.times[0], base.tStart, `${label}: starts at tStart`);
    assert.ok(result.times.length > 2, `${label}: took ${result.times.length - 1} steps`);
    for (let i = 1; i < result.times.length; i++) assert.ok(result.times[i] < result.times[i - 1], `${label}: time decreases along its grid`);
    if (solver.name === 'pc') assert.equal(result.nfe, nfe, 'pc spends its budget: 10 levels × (1 Langevin + 1 predictor)');
    // the adaptive solvers choose their NFE (3 per DPM-Solver-23 attempt; 2 + 6 per RK45 attempt)
    if (solver.name === 'dpm-solver-adaptive') assert.equal(result.nfe % 3, 0, `${label}: NFE ${result.nfe}`);
    if (solver.name === 'rk45') assert.equal((result.nfe - 2) % 6, 0, `${label}: NFE ${result.nfe}`);
    // an accurate ODE solver lands close to the same-noise reference; PC is stochastic and does not
    if (solver.name !== 'pc') assert.ok(result.rmse < 0.05, `${label}: rmse ${result.rmse}`);
  }
  // the spec's solver options reach the run: a tighter tolerance costs RK45 more evaluations
  const nfeAt = (tol: number) =>
    app.evaluate(async (s, next) => {
      s.setSpec(next);
      return (await s.run()).nfe;
    }, { ...base, solver: { name: 'rk45', rtol: tol, atol: tol }, n: 256 });
  const [loose, tight] = [await nfeAt(1e-3), await nfeAt(1e-6)];
  assert.ok(tight > loose, `rk45 NFE at rtol 1e-6 (${tight}) should exceed that at 1e-3 (${loose})`);
});

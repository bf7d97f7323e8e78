// The papers' ingredients in the sampler lab (issue 4; issue 11 views 3 and 6): the BOSS cost-matrix heatmap with
// the Bellman path, and DPM-Solver-v3's l, s, b statistics, checked through what the views report they drew
// (`window.stepscope.views()`). Screenshots of both panels are saved for a person to look at.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { JSHandle } from 'playwright-core';
import { BASE_URL, RESULTS_DIR, isFiniteNumber, openApp, pollViews, test, type StepscopeHook } from './harness.ts';

interface Curve {
  first: number;
  last: number;
  min: number;
  max: number;
  bandMin: number;
  bandMax: number;
  finite: boolean;
  drawnPoints: number;
}
interface BossView {
  status: string;
  message?: string;
  kMax: number;
  K: number;
  indices: number[];
  uniformIndices: number[];
  times: number[];
  optimalCost: number;
  uniformCost: number;
  cells: { coloured: number; zero: number; domain: [number, number] };
  pathVertices: number;
  uniformVertices: number;
  bars: number;
}
interface V3View {
  status: string;
  message?: string;
  points: number;
  dims: number;
  lambda: [number, number];
  l: Curve;
  s: Curve;
  b: Curve;
}
type Views = { boss: BossView | null; v3: V3View | null };
type Hook = StepscopeHook & { views(): Views };

test('BOSS view: the cost matrix with the Bellman path on ring8 flow (flow-euler), optimal cost ≤ uniform', async ({ page }) => {
  const app = (await openApp(page, BASE_URL)) as unknown as JSHandle<Hook>;
  const K = 6;
  await app.evaluate(
    (s, k) => s.setSpec({ ...s.getSpec(), process: { type: 'flow' }, tStart: undefined, tEnd: undefined, solver: { name: 'flow-euler' }, schedule: { type: 'boss', kMax: 60, samples: 256 }, nfe: k, steps: undefined, n: 512 }),
    K,
  );
  const boss = await pollViews(page, app, (v) => v.boss?.status === 'ready' && v.boss.K === K && v.boss, 'the BOSS view');
  assert.equal(boss.kMax, 60);
  assert.equal(boss.indices.length, K + 1, `K + 1 anchors: ${boss.indices}`);
  assert.equal(boss.indices[0], 0);
  assert.equal(boss.indices[K], boss.kMax);
  for (let m = 1; m <= K; m++) assert.ok(boss.indices[m] > boss.indices[m - 1], `indices strictly increase: ${boss.indices}`);
  assert.ok(isFiniteNumber(boss.optimalCost) && isFiniteNumber(boss.uniformCost), `costs ${boss.optimalCost}, ${boss.uniformCost}`);
  assert.ok(boss.optimalCost <= boss.uniformCost * (1 + 1e-12), `Bellman ${boss.optimalCost} ≤ uniform ${boss.uniformCost}`);
  // every k < j cell is drawn: coloured (positive cost) or white (flow-euler's own teacher steps cost 0)
  assert.equal(boss.cells.coloured + boss.cells.zero, (boss.kMax * (boss.kMax + 1)) / 2, `cells ${JSON.stringify(boss.cells)}`);
  assert.ok(boss.cells.coloured > boss.kMax, `most cells have a positive cost: ${JSON.stringify(boss.cells)}`);
  assert.equal(boss.pathVertices, 2 * K - 1, 'the staircase has a corner per inner anchor');
  assert.equal(boss.bars, 2 * K, 'a Bellman and a uniform bar per step');
  assert.equal(await page.locator('[data-testid="boss-heatmap"] .boss-optimal-path').count(), 1);
  assert.equal(await page.locator('[data-testid="boss-heatmap"] .boss-uniform-path').count(), 1);
  assert.match((await page.getByTestId('boss-costs').textContent()) ?? '', /Bellman .*uniform/);

  // the run steps on exactly the grid the view draws
  const result = await app.evaluate((s) => s.run());
  assert.equal(result.times.length, K + 1, `run times ${result.times}`);
  for (let i = 0; i <= K; i++) assert.ok(Math.abs(result.times[i] - boss.times[i]) <= 1e-9, `run t_${i} = ${result.times[i]}, view ${boss.times[i]}`);

  mkdirSync(RESULTS_DIR, { recursive: true });
  const region = page.getByRole('region', { name: 'Bellman optimal steps' });
  await region.scrollIntoViewIfNeeded();
  await region.screenshot({ path: join(RESULTS_DIR, 'boss.png') });

  // leaving the boss schedule removes the panel and its report
  await app.evaluate((s) => s.setSpec({ ...s.getSpec(), schedule: { type: 'time-uniform' } }));
  await pollViews(page, app, (v) => v.boss === null, 'the BOSS report cleared');
  assert.equal(await page.getByRole('region', { name: 'Bellman optimal steps' }).count(), 0);
});

test('v3 statistics view: l, s, b against λ for DPM-Solver-v3 on ring8 (VP), l in (0, 1]', async ({ page }) => {
  const app = (await openApp(page, BASE_URL)) as unknown as JSHandle<Hook>;
  await app.evaluate((s) => s.setSpec({ ...s.getSpec(), solver: { name: 'dpm-solver-v3' }, schedule: { type: 'logsnr' }, nfe: 6, steps: undefined, n: 512 }));
  const v3 = await pollViews(page, app, (v) => v.v3?.status === 'ready' && v.v3, 'the v3 statistics view');
  assert.equal(v3.dims, 2);
  assert.equal(v3.points, 201, 'N_ems + 1 = 201 grid points (the default)');
  assert.ok(v3.lambda[0] < v3.lambda[1], `λ increases: ${v3.lambda}`);
  for (const q of ['l', 's', 'b'] as const) {
    assert.ok(v3[q].finite, `${q} is finite: ${JSON.stringify(v3[q])}`);
    assert.equal(v3[q].drawnPoints, v3.points, `${q}: every grid point drawn`);
  }
  assert.ok(v3.l.bandMin > 0 && v3.l.bandMax <= 1 + 1e-9, `l in (0, 1]: ${JSON.stringify(v3.l)}`);
  for (const q of ['l', 's', 'b']) assert.equal(await page.locator(`[data-testid="v3-${q}"] .ems-mean`).count(), 1, `${q}: the mean line`);

  const result = await app.evaluate((s) => s.run());
  assert.ok(isFiniteNumber(result.mmd2), `the v3 run is finite: ${JSON.stringify(result)}`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const region = page.getByRole('region', { name: 'DPM-Solver-v3 statistics' });
  await region.scrollIntoViewIfNeeded();
  await region.screenshot({ path: join(RESULTS_DIR, 'v3-statistics.png') });

  await app.evaluate((s) => s.setSpec({ ...s.getSpec(), solver: { name: 'dpmpp-2m' } }));
  await pollViews(page, app, (v) => v.v3 === null, 'the v3 report cleared');
});

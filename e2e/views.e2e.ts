// The sampler lab's quality chart (view 2) and time-grid view (view 3), driven by role and label, checked
// through what the views report they drew (`window.stepscope.views()`), never through pixels. Screenshots of
// both panels are saved for a person to look at.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { JSHandle, Page } from 'playwright-core';
import { BASE_URL, RESULTS_DIR, addConfiguration, isFiniteNumber, openApp, pollViews, test, type StepscopeHook } from './harness.ts';

// the parts of the hook this test reads (kept local: e2e checks the contract, it does not import the app's types)
interface DrawnPoint {
  nfe: number;
  value: number;
  low?: number;
  high?: number;
  x: number;
  y: number;
  yLow?: number;
  yHigh?: number;
}
interface QualityView {
  metric: string;
  scale: number;
  sweep: { status: string; n: number; nfes: number[]; seeds: number[] | null };
  curves: { solver: string; points: DrawnPoint[]; bandVertices: number; slope: number | null; slopeNfes: number[] }[];
  bands: { solver: string; vertices: number }[];
  nullBand: { low: number; high: number; top: number; bottom: number; label: string } | null;
}
interface GridView {
  configurations: { solver: string; source: string; steps: number; t: number[]; sigma: number[]; lambda: number[] }[];
  points: Record<'t' | 'sigma' | 'lambda', { solver: string; points: number; pinned: number }[]>;
}
type ViewsHook = Omit<StepscopeHook, 'sweep'> & {
  views(): { quality: QualityView | null; grid: GridView | null };
  sweep(options?: { nfes?: number[]; solvers?: string[]; n?: number; seeds?: number }): Promise<{
    seeds?: number[];
    nullBands?: Record<string, { mean: number | null; ci95: [number, number] | null }>;
    curves: { solver: string; points: { nfe: number }[] }[];
  }>;
};

const N = 512;
const NFES = [4, 6, 10, 20];
const SOLVERS = ['dpmpp-2m', 'ddim'];
const EPS = 1e-6;

/** each drawn interval contains its mean, in data and in pixels (y grows downwards) */
function assertBandsContainMeans(view: QualityView, context: string): void {
  for (const curve of view.curves) {
    const withCi = curve.points.filter((p) => p.low !== undefined && p.high !== undefined);
    assert.ok(withCi.length >= 2, `${context} ${curve.solver}: points with an interval: ${JSON.stringify(curve.points)}`);
    assert.equal(curve.bandVertices, 2 * withCi.length, `${context} ${curve.solver}: the band's outline has two vertices per interval`);
    assert.ok(
      view.bands.some((b) => b.solver === curve.solver && b.vertices === curve.bandVertices),
      `${context} ${curve.solver}: a shaded band is reported drawn: ${JSON.stringify(view.bands)}`,
    );
    for (const p of withCi) {
      assert.ok(p.low! <= p.value + EPS * Math.abs(p.value) && p.value <= p.high! + EPS * Math.abs(p.value), `${context} ${curve.solver} @ ${p.nfe}: ${p.low} ≤ ${p.value} ≤ ${p.high}`);
      assert.ok(p.low! < p.high!, `${context} ${curve.solver} @ ${p.nfe}: two seeds give an interval of positive width (${p.low} … ${p.high})`);
      assert.ok(p.yHigh! <= p.y + 1e-6 && p.y <= p.yLow! + 1e-6, `${context} ${curve.solver} @ ${p.nfe}: the mean's pixel row ${p.y} lies in the band ${p.yHigh} … ${p.yLow}`);
    }
  }
}

async function selectMetric(page: Page, app: JSHandle<ViewsHook>, label: string, id: string): Promise<QualityView> {
  const quality = page.getByRole('region', { name: 'Quality against NFE' });
  await quality.getByLabel('Metric', { exact: true }).selectOption({ label });
  return pollViews(page, app, (v) => v.quality?.metric === id && v.quality.sweep.status === 'done' && v.quality, `metric ${id}`);
}

test('quality chart: 95% bands over 2 seeds, the null band and measured orders; grid view: N + 1 points in t, σ̃, λ', async ({ page }) => {
  const hook = await openApp(page, BASE_URL);
  const app = hook as unknown as JSHandle<ViewsHook>;
  const base = await app.evaluate((s) => s.getSpec());
  await app.evaluate((s, spec) => s.setSpec(spec), { ...base, n: N, nfe: 10, steps: undefined, schedule: { type: 'logsnr' } });

  // two configurations, chosen in the controls: DPM-Solver++(2M) as the solver, DDIM to compare
  await page.getByLabel('Solver', { exact: true }).selectOption('dpmpp-2m');
  const cards = page.getByRole('group', { name: 'Configurations to compare' });
  // the default comparison beside DPM-Solver++(2M) is DDIM alone; remove any other configuration
  while ((await cards.getByRole('group').count()) > 2) await page.getByRole('button', { name: `Remove configuration ${await cards.getByRole('group').count()}` }).click();
  const second = page.getByLabel('Configuration 2 solver', { exact: true });
  if ((await second.inputValue()) !== 'ddim') await second.selectOption('ddim');
  assert.equal(await cards.getByRole('group').count(), 2, 'one compared configuration');

  // seeds through the panel's control; the sweep then uses it (no seeds option given)
  const seeds = page.getByRole('region', { name: 'Quality against NFE' }).getByLabel('Seeds', { exact: true });
  await seeds.fill('2');
  assert.equal(await seeds.inputValue(), '2');
  // its explanation shows while it has focus; leave it so that the screenshots show the charts
  await seeds.blur();
  const result = await app.evaluate((s, options) => s.sweep(options), { nfes: NFES, n: N });
  assert.deepEqual(result.seeds?.length, 2, `the sweep ran over 2 seeds: ${JSON.stringify(result.seeds)}`);
  assert.deepEqual(result.curves.map((c) => c.solver).sort(), [...SOLVERS].sort(), 'one curve per shown solver');

  // MMD² (the default metric): bands over the seeds contain the means
  // the view may still report an automatic sweep that finished before this one (its default NFE list): wait for
  // the one that was run
  const thisSweep = (nfes: number[]) => JSON.stringify(nfes) === JSON.stringify(NFES);
  const mmd = await pollViews(page, app, (v) => v.quality?.metric === 'mmd2' && v.quality.sweep.status === 'done' && v.quality.sweep.seeds?.length === 2 && thisSweep(v.quality.sweep.nfes) && v.quality, 'the MMD² chart of the sweep');
  assert.deepEqual(mmd.sweep.nfes, NFES, 'the chart shows the sweep that was run');
  assert.equal(mmd.sweep.n, N);
  assert.deepEqual(mmd.curves.map((c) => c.solver).sort(), [...SOLVERS].sort());
  assertBandsContainMeans(mmd, 'MMD²');
  // values are the sweep's means ×10³
  assert.equal(mmd.scale, 1e3);

  // SW2 (biased upwards, so its null band is always on the log axis): the exact-vs-exact band is drawn
  const sw2 = await selectMetric(page, app, 'Sliced W2', 'sw2');
  assertBandsContainMeans(sw2, 'SW2');
  assert.ok(sw2.nullBand, `SW2: the null band is drawn: ${JSON.stringify(sw2)}`.slice(0, 2000));
  assert.equal(sw2.nullBand.label, 'exact-vs-exact noise');
  const expected = result.nullBands?.sw2?.ci95;
  assert.ok(expected, `the sweep reports SW2's null band over the seeds: ${JSON.stringify(result.nullBands)}`);
  assert.ok(Math.abs(sw2.nullBand.low - expected[0]) <= 1e-9 * Math.abs(expected[0]) && Math.abs(sw2.nullBand.high - expected[1]) <= 1e-9 * Math.abs(expected[1]), `null band ${JSON.stringify(sw2.nullBand)} vs ${JSON.stringify(expected)}`);
  assert.ok(sw2.nullBand.top < sw2.nullBand.bottom, `the null band has a height: ${JSON.stringify(sw2.nullBand)}`);
  const chart = page.locator('[data-testid="quality-chart"]');
  assert.equal(await chart.locator('.null-band rect').count(), 1, 'one null band in the chart');
  assert.match(await chart.locator('.null-band-label').textContent() ?? '', /exact-vs-exact noise/);
  mkdirSync(RESULTS_DIR, { recursive: true });
  await page.getByRole('region', { name: 'Quality against NFE' }).screenshot({ path: join(RESULTS_DIR, 'quality.png') });

  // RMSE: each curve's tail slope is finite, fitted over its last 3 points, labelled at its end; DPM-Solver++(2M)'s
  // measured order is above DDIM's (second against first order)
  const rmse = await selectMetric(page, app, 'Same-noise RMSE', 'rmse');
  assertBandsContainMeans(rmse, 'RMSE');
  assert.equal(rmse.nullBand, null, 'RMSE has no null band');
  for (const curve of rmse.curves) {
    assert.ok(isFiniteNumber(curve.slope), `${curve.solver}: RMSE slope ${curve.slope}`);
    assert.ok(curve.slope < 0, `${curve.solver}: RMSE falls with NFE (slope ${curve.slope})`);
    assert.deepEqual(curve.slopeNfes, NFES.slice(-3), `${curve.solver}: fitted over the last 3 points`);
  }
  const order = (solver: string) => -rmse.curves.find((c) => c.solver === solver)!.slope!;
  assert.ok(order('dpmpp-2m') > order('ddim'), `measured orders: dpmpp-2m ${order('dpmpp-2m')}, ddim ${order('ddim')}`);
  const labels = await chart.locator('.slope-label').allTextContents();
  assert.equal(labels.length, 2, `a slope label per curve: ${JSON.stringify(labels)}`);
  for (const text of labels) assert.match(text, /^order \d+\.\d$/);

  await page.getByRole('region', { name: 'Quality against NFE' }).screenshot({ path: join(RESULTS_DIR, 'quality-rmse.png') });

  // the grid view: N + 1 points per configuration in t, σ̃ and λ; λ increasing, t and σ̃ decreasing
  const checkGrid = async (steps: number): Promise<void> => {
    const grid = await pollViews(page, app, (v) => v.grid && v.grid.configurations.length === 2 && v.grid.configurations.every((c) => c.steps === steps) && v.grid, `grids of ${steps} steps`);
    assert.deepEqual(grid.configurations.map((c) => c.solver), SOLVERS, 'the primary solver first, then the compared one');
    for (const c of grid.configurations) {
      assert.equal(c.source, 'spec', `${c.solver}: a fixed grid comes from the spec`);
      for (const key of ['t', 'sigma', 'lambda'] as const) {
        assert.equal(c[key].length, steps + 1, `${c.solver}: ${key} has N + 1 values`);
        const drawn = grid.points[key].find((p) => p.solver === c.solver);
        assert.equal(drawn?.points, steps + 1, `${c.solver}: N + 1 points drawn in the ${key} panel`);
      }
      for (let i = 1; i <= steps; i++) {
        assert.ok(c.lambda[i] > c.lambda[i - 1], `${c.solver}: λ increases at step ${i}: ${c.lambda}`);
        assert.ok(c.t[i] < c.t[i - 1] && c.sigma[i] < c.sigma[i - 1], `${c.solver}: t and σ̃ decrease at step ${i}`);
      }
    }
    for (const key of ['t', 'sigma', 'lambda']) {
      assert.equal(await page.locator(`[data-testid="grid-${key}"] .grid-point`).count(), 2 * (steps + 1), `${key} panel: circles drawn`);
    }
  };
  await checkGrid(10);
  // the grids follow the NFE control (keyboard: two steps down)
  const nfe = page.getByLabel(/Steps budget/);
  await nfe.focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await checkGrid(8);

  // an adaptive solver's grid is the one its latest live run chose (the controller runs it on being shown)
  await addConfiguration(page, 'rk45');
  const adaptive = await pollViews(
    page,
    app,
    (v) => v.grid?.configurations.find((c) => c.solver === 'rk45' && c.source === 'run'),
    'the RK45 grid from its run',
  );
  assert.ok(adaptive.steps >= 2, `RK45 took ${adaptive.steps} steps`);
  const adaptiveView = (await app.evaluate((s) => s.views())).grid!;
  for (const key of ['t', 'sigma', 'lambda'] as const) {
    assert.equal(adaptive[key].length, adaptive.steps + 1, `rk45: ${key} has N + 1 values`);
    assert.equal(adaptiveView.points[key].find((p) => p.solver === 'rk45')?.points, adaptive.steps + 1, `rk45: N + 1 points drawn in the ${key} panel`);
  }
  for (let i = 1; i <= adaptive.steps; i++) assert.ok(adaptive.lambda[i] > adaptive.lambda[i - 1], `rk45: λ increases at step ${i}: ${adaptive.lambda}`);
  await page.getByRole('region', { name: 'Time grids' }).screenshot({ path: join(RESULTS_DIR, 'grid.png') });
});

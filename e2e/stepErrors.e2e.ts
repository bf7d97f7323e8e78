// The per-step error view (issue #11 view 4) and the "same noise" toggle (issue #11, teaching details), driven by
// role and label, checked through what the page reports (`window.stepscope.views().stepErrors`,
// `window.stepscope.startingPoints()`), and the bars' values against the same float64 computation in Node
// (core/sampling/stepErrors.ts from the spec the panel reports). Screenshots of the panel and the flow view are saved.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { JSHandle, Page } from 'playwright-core';
import { stepErrors } from '../src/core/sampling/stepErrors.ts';
import { parseSpec } from '../src/core/spec/spec.ts';
import { BASE_URL, RESULTS_DIR, addConfiguration, isFiniteNumber, openApp, pollViews, test, type Spec, type StepscopeHook } from './harness.ts';

// the parts of the hook this test reads (kept local: e2e checks the contract, it does not import the app's types)
interface StepErrorView {
  status: string;
  message?: string;
  solver: string;
  label: string;
  spec: Spec;
  seed: number;
  steps: number;
  particles: number;
  values: number[];
  times: number[];
  global: number | null;
  scale: string;
  bars: number;
  drawn: number[];
  globalLine: boolean;
}
type Start = { solver: string; seed: number | null; points: number[] };
type Hook = StepscopeHook & {
  views(): { stepErrors: StepErrorView | null };
  startingPoints(count?: number): Promise<Start[]>;
};

const N = 512;
const STEPS = 10;

/** the flow view scrubbed to t_start (where x_T is drawn), saved for a person to look at */
async function flowAtStart(page: Page, name: string): Promise<void> {
  const flow = page.getByRole('region', { name: 'Flow from noise to data' });
  await flow.getByRole('slider', { name: 'Time: from noise (left) to data (right)' }).fill('0');
  await page.waitForTimeout(600);
  mkdirSync(RESULTS_DIR, { recursive: true });
  await flow.screenshot({ path: join(RESULTS_DIR, name) });
}

async function ready(page: Page, app: JSHandle<Hook>, solver: string, steps: number, what: string): Promise<StepErrorView> {
  return pollViews(page, app, (v) => v.stepErrors?.status === 'ready' && v.stepErrors.solver === solver && v.stepErrors.steps === steps && v.stepErrors, what, 60_000);
}

/** the panel's numbers are the float64 computation of the spec it reports, to 1e-9 */
function assertMatchesNode(view: StepErrorView, context: string): void {
  const expected = stepErrors(parseSpec(view.spec));
  assert.equal(view.values.length, expected.local.length, `${context}: steps`);
  assert.equal(view.particles, expected.particles, `${context}: particles`);
  view.values.forEach((v, i) => assert.ok(Math.abs(v - expected.local[i]) <= 1e-9 * Math.max(1, Math.abs(expected.local[i])), `${context}: e_${i} = ${v}, Node ${expected.local[i]}`));
  assert.ok(view.global !== null && Math.abs(view.global - expected.global) <= 1e-9, `${context}: global ${view.global}, Node ${expected.global}`);
  view.times.forEach((t, i) => assert.ok(Math.abs(t - expected.times[i]) <= 1e-12, `${context}: t_${i}`));
}

test('per-step error: N bars for an N-step solver, updates with the chosen solver, equals the float64 computation in Node', async ({ page }) => {
  const hook = await openApp(page, BASE_URL);
  const app = hook as unknown as JSHandle<Hook>;
  const base = await app.evaluate((s) => s.getSpec());
  // DPM-Solver++(2M) with DDIM compared (the defaults), on a time-uniform grid with 10 steps
  await app.evaluate((s, spec) => s.setSpec(spec), { ...base, n: N, nfe: STEPS, steps: undefined, schedule: { type: 'time-uniform' }, solver: { name: 'dpmpp-2m' } });
  const panel = page.getByRole('region', { name: 'Per-step error' });
  const select = panel.getByLabel('Configuration', { exact: true });
  assert.deepEqual(await select.locator('option').allTextContents(), ['DPM-Solver++(2M)', 'DDIM'], 'one choice per shown solver, by label');

  const twoM = await ready(page, app, 'dpmpp-2m', STEPS, 'DPM-Solver++(2M), 10 steps');
  assert.equal(twoM.bars, STEPS, 'one bar per step');
  assert.equal(await panel.locator('.step-error-bar').count(), STEPS, 'ten bars in the chart');
  assert.deepEqual(twoM.drawn, twoM.values, 'the bars are the values');
  assert.ok(twoM.globalLine && isFiniteNumber(twoM.global), 'the global error is drawn');
  assert.equal(twoM.seed, base.seed, 'the spec’s own solver runs from the spec’s seed');
  assertMatchesNode(twoM, 'dpmpp-2m');
  mkdirSync(RESULTS_DIR, { recursive: true });
  await panel.screenshot({ path: join(RESULTS_DIR, 'step-errors-dpmpp-2m.png') });

  // switching the solver updates the bars: DDIM on a time-uniform grid errs most at the last step (the grid is
  // coarsest in λ there; measured 2.8e-5 at the first step, 9.9e-2 at the last, on 256 particles)
  await select.selectOption({ label: 'DDIM' });
  const ddim = await ready(page, app, 'ddim', STEPS, 'DDIM, 10 steps');
  assert.equal(ddim.bars, STEPS);
  assert.equal(await panel.locator('.step-error-bars[data-solver="ddim"] .step-error-bar').count(), STEPS, 'the bars are DDIM’s');
  assert.notDeepEqual(ddim.values, twoM.values, 'other numbers for another solver');
  assert.equal(ddim.values.indexOf(Math.max(...ddim.values)), STEPS - 1, `DDIM’s largest local error is at the last step: ${ddim.values}`);
  for (let i = 1; i < STEPS; i++) assert.ok(ddim.values[i] > ddim.values[i - 1], `DDIM’s errors grow step by step on a time-uniform grid: ${ddim.values}`);
  assertMatchesNode(ddim, 'ddim');
  assert.equal(ddim.spec.solver && (ddim.spec.solver as { name: string }).name, 'ddim');
  await panel.screenshot({ path: join(RESULTS_DIR, 'step-errors-ddim.png') });

  // a log axis keeps every positive bar; fewer steps give fewer bars
  await panel.getByLabel('Log scale').check();
  const log = await pollViews(page, app, (v) => v.stepErrors?.status === 'ready' && v.stepErrors.scale === 'log' && v.stepErrors, 'log axis');
  assert.equal(log.bars, STEPS);
  await panel.screenshot({ path: join(RESULTS_DIR, 'step-errors-ddim-log.png') });
  await app.evaluate((s, spec) => s.setSpec(spec), { ...(await app.evaluate((s) => s.getSpec())), nfe: 6 });
  const six = await ready(page, app, 'ddim', 6, 'DDIM, 6 steps');
  assert.equal(six.bars, 6);
  assert.equal(await panel.locator('.step-error-bar').count(), 6);
});

test('same noise: on, every shown solver starts from the same x_T; off, each from its own (seed + index)', async ({ page, screenshot }) => {
  const hook = await openApp(page, BASE_URL);
  const app = hook as unknown as JSHandle<Hook>;
  const base = await app.evaluate((s) => s.getSpec());
  await app.evaluate((s, spec) => s.setSpec(spec), { ...base, n: N, nfe: STEPS, steps: undefined, schedule: { type: 'logsnr' }, solver: { name: 'dpmpp-2m' } });
  // a third configuration beside the default DDIM
  await addConfiguration(page, 'unipc');
  const toggle = page.getByLabel('Same noise');
  assert.equal(await toggle.isChecked(), true, 'on by default');

  const onRun = await app.evaluate((s) => s.run());
  const on = await app.evaluate((s) => s.startingPoints(8));
  assert.deepEqual(on.map((s) => s.solver).sort(), ['ddim', 'dpmpp-2m', 'unipc'], `three trajectories: ${JSON.stringify(on.map((s) => s.solver))}`);
  for (const start of on) {
    assert.equal(start.points.length, 16, `${start.solver}: 8 particles × 2`);
    assert.ok(start.points.every(isFiniteNumber));
    assert.deepEqual(start.points, on[0].points, `${start.solver} starts from the same x_T as ${on[0].solver}`);
    assert.equal(start.seed, base.seed);
  }
  await screenshot(page, 'same-noise-on.png');
  await flowAtStart(page, 'same-noise-on-flow-start.png');

  await toggle.uncheck();
  const offRun = await app.evaluate((s) => s.run());
  const off = await app.evaluate((s) => s.startingPoints(8));
  const by = (list: Start[], solver: string) => list.find((s) => s.solver === solver)!;
  // the spec's own solver is index 0: its seed, its x_T and its numbers do not change
  assert.deepEqual(by(off, 'dpmpp-2m').points, by(on, 'dpmpp-2m').points, 'the spec’s own solver keeps the spec’s x_T');
  assert.equal(by(off, 'dpmpp-2m').seed, base.seed);
  assert.equal(offRun.rmse, onRun.rmse, 'and its numbers');
  assert.equal(offRun.mmd2, onRun.mmd2);
  // shown order: dpmpp-2m (the spec's), then DDIM, UniPC in the catalogue's order
  assert.equal(by(off, 'ddim').seed, (base.seed as number) + 1);
  assert.equal(by(off, 'unipc').seed, (base.seed as number) + 2);
  for (const [a, b] of [
    ['dpmpp-2m', 'ddim'],
    ['dpmpp-2m', 'unipc'],
    ['ddim', 'unipc'],
  ])
    assert.notDeepEqual(by(off, a).points, by(off, b).points, `${a} and ${b} start from different points`);
  await flowAtStart(page, 'same-noise-off-flow-start.png');

  // the per-step error view measures DDIM from DDIM's own noise when it is chosen
  const panel = page.getByRole('region', { name: 'Per-step error' });
  await panel.getByLabel('Configuration', { exact: true }).selectOption({ label: 'DDIM' });
  const ddim = await pollViews(page, app, (v) => v.stepErrors?.status === 'ready' && v.stepErrors.solver === 'ddim' && v.stepErrors.seed === (base.seed as number) + 1 && v.stepErrors, 'DDIM from its own noise', 60_000);
  assertMatchesNode(ddim, 'ddim, own noise');

  await toggle.check();
  await app.evaluate((s) => s.run());
  const again = await app.evaluate((s) => s.startingPoints(8));
  for (const start of again) assert.deepEqual(start.points, on[0].points, `${start.solver}: back to the common x_T`);
});

// Compared configurations (issue #11): configurations added through the controls by role and label, each with its
// own solver options and schedule, give the numbers of `stepscope sample --backend cpu` for the page's spec, and a
// link reopened in a new context gives the same numbers; dragging a slider (NFE, a solver option) shows a reduced-size
// result, and releasing it refines at full size (read through `window.stepscope.shown()`, never from pixels).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JSHandle, Page } from 'playwright-core';
import { decodeSpecParam } from '../src/state/url.ts';
import { checkPage } from './accessibility.e2e.ts';
import { BASE_URL, openApp, test, type StepscopeHook } from './harness.ts';

// the parts of the hook this test reads (kept local: e2e checks the contract, it does not import the app's types)
interface ShownRun {
  status: string;
  spec: Record<string, unknown>;
  n: number;
  reduced: boolean;
  configurations: {
    index: number;
    solver: { name: string } & Record<string, unknown>;
    schedule: { type: string } & Record<string, unknown>;
    seed: number;
    color: string | null;
    label: string;
    n: number;
    nfe: number;
    times: number[];
    metrics: { mmd2: number; energy: number; rmse: number } | null;
  }[];
}
type Hook = StepscopeHook & { shown(): ShownRun | null; readonly dragging: boolean; views(): { grid: { configurations: { solver: string; label: string; t: number[] }[] } | null } };

/** what a browser without WebGPU looks like to the page: the float64 CPU engine runs in a worker (noWebgpu.e2e.ts) */
const REMOVE_WEBGPU = `Object.defineProperty(Navigator.prototype, 'gpu', { get: undefined, configurable: true }); delete Navigator.prototype.gpu;`;

const DEFAULT = {
  version: 1,
  kind: 'sample',
  process: { type: 'vp-linear', beta0: 0.1, beta1: 20 },
  target: { type: 'preset', name: 'ring8' },
  solver: { name: 'dpmpp-2m' },
  schedule: { type: 'logsnr' },
  tStart: 1,
  tEnd: 1e-3,
};
/** a format-1 link (base64url of the spec's JSON) */
const linkOf = (spec: object) => `${BASE_URL}?spec=${Buffer.from(JSON.stringify(spec)).toString('base64url')}`;

/** polls the hook's shown run until `done` holds for it and the current spec; returns it */
async function waitShown(app: JSHandle<Hook>, done: (shown: ShownRun, spec: Record<string, unknown>) => boolean, what: string, ms = 120_000): Promise<ShownRun> {
  const deadline = Date.now() + ms;
  let last: ShownRun | null = null;
  for (;;) {
    const [shown, spec] = await app.evaluate((s) => [s.shown(), s.getSpec()] as const);
    last = shown;
    if (shown && done(shown, spec as Record<string, unknown>)) return shown;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last shown run: ${JSON.stringify(last)?.slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** the full-size live run of exactly the current spec, finished */
const settled = (shown: ShownRun, spec: Record<string, unknown>) => shown.status === 'done' && !shown.reduced && JSON.stringify(shown.spec) === JSON.stringify(spec);

async function waitSpec(app: JSHandle<Hook>, done: (spec: Record<string, unknown>) => boolean, what: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const spec = (await app.evaluate((s) => s.getSpec())) as Record<string, unknown>;
    if (done(spec)) return spec;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; spec: ${JSON.stringify(spec)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const compareLength = (spec: Record<string, unknown>) => (spec.compare as unknown[] | undefined)?.length ?? -1;

async function press(page: Page, label: string, key: string, times: number): Promise<void> {
  const slider = page.getByLabel(label, { exact: true });
  await slider.focus();
  for (let i = 0; i < times; i++) await slider.press(key);
}

test('configurations: three added by role and label with their own schedules and options equal `stepscope sample --backend cpu`; the link reopens them with the same numbers', async ({ page, context, newPage, screenshot }) => {
  await context.addInitScript(REMOVE_WEBGPU);
  const app = (await openApp(page, linkOf({ ...DEFAULT, nfe: 6, n: 256, seed: 11, compare: [] }))) as unknown as JSHandle<Hook>;
  assert.equal(await app.evaluate((s) => s.status), 'none', 'the float64 CPU worker path');
  const cards = page.getByRole('group', { name: 'Configurations to compare' });
  assert.equal(await cards.getByRole('group').count(), 1, 'compare: [] shows the spec’s own configuration alone');

  // three more configurations, through the controls
  const add = page.getByRole('button', { name: 'Add configuration' });
  for (let k = 1; k <= 3; k++) {
    await add.click();
    await waitSpec(app, (s) => compareLength(s) === k, `${k} compared configuration(s)`);
  }
  assert.equal(await cards.getByRole('group').count(), 4);

  // configuration 2: DDIM on a Karras grid with ρ = 5 (the slider, by keyboard: 7 → 5 in steps of 0.5)
  await page.getByLabel('Configuration 2 solver', { exact: true }).selectOption('ddim');
  await page.getByLabel('Configuration 2 time schedule', { exact: true }).selectOption('karras');
  await press(page, 'Configuration 2 schedule rho', 'ArrowLeft', 4);
  // configuration 3: UniPC of order 2 on a quadratic-in-t grid
  await page.getByLabel('Configuration 3 solver', { exact: true }).selectOption('unipc');
  await page.getByLabel('Configuration 3 order', { exact: true }).fill('2');
  await page.getByLabel('Configuration 3 time schedule', { exact: true }).selectOption('time-quadratic');
  // configuration 4: DPM-Solver++(2M) on the spec's own grid would repeat configuration 1: refused, nothing changes
  const before = await app.evaluate((s) => s.getSpec());
  await page.getByLabel('Configuration 4 solver', { exact: true }).selectOption('dpmpp-2m');
  await page.getByTestId('notice').filter({ hasText: 'compare.2' }).waitFor({ timeout: 10_000 });
  const notice = await page.getByTestId('notice').filter({ hasText: 'compare.2' }).innerText();
  assert.match(notice, /compare\.2: .*the same solver, options and schedule as the spec's own/);
  assert.deepEqual(await app.evaluate((s) => s.getSpec()), before, 'a refused edit changes nothing');
  // … on a time-uniform grid, with Taylor-type second-order terms, it is a configuration of its own
  await page.getByLabel('Configuration 4 time schedule', { exact: true }).selectOption('time-uniform');
  await page.getByLabel('Configuration 4 solver', { exact: true }).selectOption('dpmpp-2m');
  await page.getByLabel('Configuration 4 solverType', { exact: true }).selectOption('taylor');
  const spec = await waitSpec(app, (s) => JSON.stringify((s.compare as { solver: object }[])[2]?.solver) === '{"name":"dpmpp-2m","solverType":"taylor"}', 'configuration 4');
  assert.deepEqual(spec.compare, [
    { solver: { name: 'ddim' }, schedule: { type: 'karras', rho: 5, appendZero: true } },
    { solver: { name: 'unipc', order: 2 }, schedule: { type: 'time-quadratic' } },
    { solver: { name: 'dpmpp-2m', solverType: 'taylor' }, schedule: { type: 'time-uniform' } },
  ]);

  const shown = await waitShown(app, settled, 'the live run of the four configurations');
  assert.equal(shown.configurations.length, 4);
  assert.equal(shown.n, 256);
  assert.deepEqual(
    shown.configurations.map((c) => [c.solver.name, c.schedule.type]),
    [
      ['dpmpp-2m', 'logsnr'],
      ['ddim', 'karras'],
      ['unipc', 'time-quadratic'],
      ['dpmpp-2m', 'time-uniform'],
    ],
  );
  assert.equal(new Set(shown.configurations.map((c) => c.color)).size, 4, 'a colour per configuration');
  assert.equal(new Set(shown.configurations.map((c) => JSON.stringify(c.times))).size, 4, 'each ran its own grid');
  // the grid view draws each configuration's own grid: the times its run used
  const deadline = Date.now() + 20_000;
  let grid = (await app.evaluate((s) => s.views().grid))!;
  while ((grid?.configurations.length !== 4 || grid.configurations.some((c, i) => JSON.stringify(c.t) !== JSON.stringify(shown.configurations[i].times))) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    grid = (await app.evaluate((s) => s.views().grid))!;
  }
  grid.configurations.forEach((c, i) => assert.deepEqual(c.t, shown.configurations[i].times, `grid view, configuration ${i + 1}`));

  // the same spec through the CLI's float64 CPU engine: every configuration's row
  const dir = mkdtempSync(join(tmpdir(), 'stepscope-configurations-'));
  writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
  execFileSync(process.execPath, ['bin/stepscope.mjs', 'sample', '--spec', join(dir, 'spec.json'), '--out', join(dir, 'x.npy'), '--metrics', join(dir, 'm.json'), '--backend', 'cpu'], { stdio: 'pipe' });
  const cli = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')) as { configurations: { nfe: number; times: number[]; metrics: Record<string, number> }[] };
  assert.equal(cli.configurations.length, 4);
  for (const [i, row] of cli.configurations.entries()) {
    const page = shown.configurations[i];
    assert.equal(page.nfe, row.nfe, `configuration ${i + 1}: NFE`);
    assert.deepEqual(page.times, row.times, `configuration ${i + 1}: grid`);
    for (const key of ['mmd2', 'energy', 'rmse'] as const) {
      // float64 on both sides; Node's and Chromium's V8 may differ in the last bit of a transcendental function
      const want = row.metrics[key];
      assert.ok(Math.abs(page.metrics![key] - want) <= 1e-9 * Math.abs(want) + 1e-15, `configuration ${i + 1} ${key}: page ${page.metrics![key]}, CLI ${want}`);
    }
  }
  // the quality sweep has one curve per configuration, each swept with its own options and schedule: at the page's
  // NFE its point is the live run's numbers (the same spec, seed and n)
  const sweep = (await app.evaluate((s) => s.sweep({ nfes: [4, 6], n: 256 }))) as unknown as { curves: { solver: string; points: { nfe: number; mmd2: number; rmse: number }[] }[] };
  assert.deepEqual(
    sweep.curves.map((c) => c.solver),
    shown.configurations.map((c) => c.solver.name),
  );
  for (const [i, curve] of sweep.curves.entries()) {
    const at6 = curve.points.find((p) => p.nfe === 6)!;
    for (const key of ['mmd2', 'rmse'] as const) assert.ok(Math.abs(at6[key] - shown.configurations[i].metrics![key]) <= 1e-12 * Math.abs(at6[key]), `sweep point of configuration ${i + 1} at 6 NFE, ${key}: ${at6[key]} vs ${shown.configurations[i].metrics![key]}`);
  }
  // configuration 2 (Karras, appendZero) ends at σ = 0, the others at t_end: the chart says whose null band it draws
  const bandNote = /The grey band is DPM-Solver\+\+\(2M\)'s \(the spec's own, ending at t_end\); DDIM · Karras .* ends at σ = 0/;
  await page.locator('p.hint', { hasText: bandNote }).waitFor({ timeout: 10_000 });
  assert.match((await page.locator('[data-testid="quality-chart"] .null-band title').textContent()) ?? '', bandNote, 'the null band’s tooltip');
  await screenshot(page, 'configurations-four.png');
  // four cards with their option and schedule controls: still no serious accessibility violation
  await checkPage(page);

  // the link, opened in a new context: the same spec and exactly the same numbers
  const url = await app.evaluate((s) => s.getUrl());
  assert.ok(url.length < 2000, `the link is ${url.length} characters`);
  const other = await newPage();
  await other.context().addInitScript(REMOVE_WEBGPU);
  const appB = (await openApp(other, url)) as unknown as JSHandle<Hook>;
  assert.deepEqual(await appB.evaluate((s) => s.getSpec()), spec, 'the spec read back from the link');
  const shownB = await waitShown(appB, settled, 'the reopened link’s live run');
  assert.deepEqual(
    shownB.configurations.map((c) => [c.solver, c.schedule, c.nfe, c.times, c.metrics]),
    shown.configurations.map((c) => [c.solver, c.schedule, c.nfe, c.times, c.metrics]),
    'every configuration’s numbers in the new context',
  );
});

test('configurations: dragging the NFE slider shows a reduced-size run; releasing it refines at full size', async ({ page }) => {
  const n = 2048;
  const app = (await openApp(page, linkOf({ ...DEFAULT, nfe: 10, n, seed: 3, compare: [{ solver: { name: 'ddim' }, schedule: { type: 'karras' } }] }))) as unknown as JSHandle<Hook>;
  await waitShown(app, settled, 'the first full-size run');
  const slider = page.getByLabel(/Steps budget/);
  const box = (await slider.boundingBox())!;
  // the thumb at NFE 10 of 2 … 50, then held and moved right a few NFE at a time
  const at = (nfe: number) => box.x + 8 + ((nfe - 2) / 48) * (box.width - 16);
  const y = box.y + box.height / 2;
  await page.mouse.move(at(10), y);
  await page.mouse.down();
  const t0 = Date.now();
  for (const nfe of [12, 14, 16]) await page.mouse.move(at(nfe), y, { steps: 2 });
  assert.equal(await app.evaluate((s) => s.dragging), true, 'the page knows the slider is held');
  const reduced = await waitShown(app, (s, spec) => s.status === 'done' && s.reduced && JSON.stringify(s.spec) === JSON.stringify(spec), 'a reduced-size run while dragging', 60_000);
  const reducedMs = Date.now() - t0;
  assert.ok((reduced.spec.nfe as number) > 10, `the run is of the dragged NFE (${reduced.spec.nfe})`);
  assert.equal(reduced.n, n / 8, 'an eighth of the particles while dragging');
  for (const c of reduced.configurations) assert.equal(c.n, n / 8);
  assert.equal(reduced.configurations.length, 2);
  await page.mouse.up();
  const t1 = Date.now();
  const refined = await waitShown(app, settled, 'the full-size run after release', 60_000);
  const refineMs = Date.now() - t1;
  assert.equal(await app.evaluate((s) => s.dragging), false);
  assert.equal(refined.n, n);
  assert.equal(refined.spec.nfe, (await app.evaluate((s) => s.getSpec())).nfe);
  for (const c of refined.configurations) assert.equal(c.n, n);
  // a benchmark figure, not an assertion (SwiftShader on this machine)
  console.log(`    drag: reduced run (n = ${n / 8}) shown ${reducedMs} ms after the drag began; full run (n = ${n}) ${refineMs} ms after release`);
});

/** the spec the page's link holds (decoded as a new page would) */
async function linkedSpec(app: JSHandle<Hook>): Promise<Record<string, unknown>> {
  const url = new URL(await app.evaluate((s) => s.getUrl()));
  const decoded = decodeSpecParam(url.searchParams.get('spec')!);
  assert.equal(decoded.notice, undefined, `the link decodes without a notice: ${decoded.notice}`);
  return decoded.spec as unknown as Record<string, unknown>;
}

const solverOf = (spec: Record<string, unknown>) => spec.solver as Record<string, unknown>;

test("configurations: a solver option's slider sits at its default, dragging it shows a reduced-size run and sets the option, its reset button removes it; arrows move it", async ({ page, screenshot }) => {
  const n = 2048;
  const app = (await openApp(page, linkOf({ ...DEFAULT, solver: { name: 'dpmpp-2s-ancestral' }, nfe: 10, n, seed: 3, compare: [] }))) as unknown as JSHandle<Hook>;
  await waitShown(app, settled, 'the first full-size run');
  // eta left out: the slider sits at k-diffusion's eta = 1, says so, and there is nothing to reset
  const slider = page.getByLabel('eta', { exact: true });
  const reset = page.getByRole('button', { name: 'Reset eta to default' });
  assert.equal(await slider.getAttribute('type'), 'range');
  assert.equal(await slider.inputValue(), '1');
  assert.equal(await slider.getAttribute('aria-valuetext'), '1 (default)');
  assert.equal((await page.locator('[data-field="eta"] .value').innerText()).trim(), '1 (default)');
  assert.equal(await reset.count(), 0, 'no reset button while eta is left out');

  // held and moved left from eta = 1 (range 0 … 1): a reduced run of the dragged eta
  const box = (await slider.boundingBox())!;
  const at = (eta: number) => box.x + 8 + eta * (box.width - 16);
  const y = box.y + box.height / 2;
  await page.mouse.move(at(1), y);
  await page.mouse.down();
  for (const eta of [0.8, 0.6, 0.5]) await page.mouse.move(at(eta), y, { steps: 2 });
  assert.equal(await app.evaluate((s) => s.dragging), true, 'the page knows the slider is held');
  const reduced = await waitShown(app, (s, spec) => s.status === 'done' && s.reduced && JSON.stringify(s.spec) === JSON.stringify(spec), 'a reduced-size run while dragging', 60_000);
  const heldEta = solverOf(reduced.spec).eta as number;
  assert.ok(typeof heldEta === 'number' && heldEta < 1, `the run is of the dragged eta (${heldEta})`);
  assert.ok(reduced.n < n, `fewer particles while dragging (${reduced.n})`);
  await page.mouse.up();
  const refined = await waitShown(app, settled, 'the full-size run after release', 60_000);
  assert.equal(await app.evaluate((s) => s.dragging), false);
  assert.equal(refined.n, n);
  const eta = solverOf(refined.spec).eta as number;
  assert.ok(eta > 0.3 && eta < 0.7, `the released eta is where the mouse left it (${eta})`);
  assert.equal(solverOf(await app.evaluate((s) => s.getSpec())).eta, eta);
  assert.equal(solverOf(await linkedSpec(app)).eta, eta, 'the explicit eta is in the link');
  assert.equal(await slider.getAttribute('aria-valuetext'), String(eta));
  await screenshot(page, 'configurations-option-slider.png');
  // the option sliders and the reset button: still no serious accessibility violation
  await checkPage(page);

  // "default" removes the explicit value (spec and link); the slider is back at 1 and keeps the keyboard
  await reset.click();
  await waitSpec(app, (s) => !('eta' in solverOf(s)), 'eta left out again');
  assert.ok(!('eta' in solverOf(await linkedSpec(app))), 'eta is gone from the link');
  assert.equal(await slider.inputValue(), '1');
  assert.equal(await reset.count(), 0);
  assert.equal(await slider.evaluate((el) => el === document.activeElement), true, 'focus stays on the slider');

  // keyboard: arrows move the slider (steps of 0.005) and set eta
  await slider.press('ArrowLeft');
  await slider.press('ArrowLeft');
  await slider.press('ArrowRight');
  const keyed = await waitSpec(app, (s) => Math.abs(((solverOf(s).eta as number) ?? 1) - 0.995) < 1e-9, 'eta 0.995 by keyboard');
  assert.ok(Math.abs((solverOf(keyed).eta as number) - 0.995) < 1e-9);

  // a tolerance's slider moves in decades: rk45's rtol sits at its default 1e-5, an arrow sets 10^(−5 + 0.05) ≈ 1.1e-5
  await app.evaluate((s) => s.setSpec({ ...s.getSpec(), solver: { name: 'rk45' }, n: 256 }));
  const rtol = page.getByLabel('rtol', { exact: true });
  await rtol.waitFor();
  assert.equal(await rtol.getAttribute('aria-valuetext'), '0.00001 (default)');
  await rtol.press('ArrowRight');
  await waitSpec(app, (s) => solverOf(s).rtol === 1.1e-5, 'rtol 1.1e-5 by keyboard');
});

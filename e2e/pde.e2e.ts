// The PDE lab (issue #6) in real Chromium on WebGPU (SwiftShader): side-by-side steppers on KS, painting on
// Gray–Scott, the convergence study on KdV, view toggles, bad input, and the steps/s figures. Assertions read
// numbers from `window.stepscope.pde`; screenshots go to test-results/ for people to look at.

import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { JSHandle, Page } from 'playwright-core';
import { BASE_URL, RESULTS_DIR, openApp, test } from './harness.ts';

interface PdeRunState {
  role: string;
  stepper: string;
  backend: string;
  steps: number;
  time: number;
  stepsPerSecond: number;
  diverged: { step: number; time: number; message: string } | null;
  stats: { min: number[]; max: number[]; mean: number[]; meanSquare: number[]; maxAbs: number[] } | null;
}
interface PdeState extends Omit<PdeRunState, 'role' | 'stepper'> {
  stepsPerFrame: number;
  playing: boolean;
  runs: PdeRunState[];
  notices: string[];
}
interface PdeHook {
  getSpec(): Record<string, unknown>;
  setSpec(spec: unknown): Promise<PdeState>;
  setCompare(stepper: string | null): Promise<PdeState>;
  setView(view: Record<string, unknown>): void;
  state(): PdeState;
  play(): Promise<void>;
  pause(): Promise<void>;
  step(n?: number): Promise<PdeState>;
  runTo(time: number): Promise<PdeState>;
  reset(newSeed?: boolean): Promise<PdeState>;
  paint(brush: { x: number; y?: number; radius: number; value: number; mode?: string; channel?: number }): Promise<PdeState>;
  convergence(options: { steppers: string[]; dts: number[]; tEnd?: number }): Promise<{ curves: { stepper: string; order: number | null; points: { dt: number; error: number | null; diverged?: unknown }[] }[] }>;
  cpuStepsPerSecond(maxMs?: number): Promise<{ steps: number; seconds: number; stepsPerSecond: number }>;
  getUrl(): string;
  views(): {
    fields: {
      role: string;
      path: string;
      mode: string;
      colormap: string;
      channel: number;
      range: [number, number];
      draws: number;
      surface?: { renderer: string; vertices: [number, number]; heightScale: number; heights: [number, number]; draws: number };
    }[];
    spectrum: { role: string; channel: number; which: string; k: number[]; energy: number[]; total: number; steps: number; updates: number }[];
    arrows: { role: string; grid: [number, number]; drawn: number; maxSpeed: number; sample: [number, number, number, number][]; steps: number; updates: number }[];
    line: unknown;
    waterfall: { rows: number; times: [number, number] | null } | null;
    invariants: Record<string, unknown>;
    stability: { stepper: string; eigenvalues: number; unstable: number; maxGrowth: number } | null;
    convergence: { curves: { stepper: string; order: number | null }[] } | null;
  };
}

const PDE_URL = `${BASE_URL}?lab=pde`;

async function openPde(page: Page, url = PDE_URL): Promise<JSHandle<PdeHook>> {
  const app = await openApp(page, url);
  return (await app.evaluateHandle((s) => (s as unknown as { pde: PdeHook }).pde)) as JSHandle<PdeHook>;
}

/** polls the hook's state until `done` holds (or fails after `ms`) */
async function waitForState(pde: JSHandle<PdeHook>, done: (s: PdeState) => boolean, ms: number, what: string): Promise<PdeState> {
  const start = Date.now();
  for (;;) {
    const state = await pde.evaluate((p) => p.state());
    if (done(state)) return state;
    if (Date.now() - start > ms) throw new Error(`${what}: not reached in ${ms / 1000} s; last state ${JSON.stringify({ ...state, stats: undefined })}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('pde lab: opens from ?lab=pde with the KS preset and steps on the GPU', async ({ page, screenshot }) => {
  const pde = await openPde(page);
  const spec = await pde.evaluate((p) => p.getSpec());
  assert.equal(spec.equation, 'ks');
  const state = await pde.evaluate((p) => p.step(20));
  assert.equal(state.steps, 20);
  assert.ok(Math.abs(state.time - 5) < 1e-12, `t = ${state.time}`);
  assert.ok(state.stats && Number.isFinite(state.stats.max[0]), 'stats are finite');
  await screenshot(page, 'pde-ks.png');
});

test('pde lab: KS at h = 1/4, RK4 beside ETDRK4: RK4 stops with its step, time and explanation; ETDRK4 runs on', async ({ page, screenshot }) => {
  const pde = await openPde(page);
  await page.getByLabel('Preset').selectOption({ label: 'Kuramoto–Sivashinsky, Kassam–Trefethen (ETDRK4, h = 1/4)' });
  await page.getByLabel('Side by side with').selectOption('rk4');
  await waitForState(pde, (s) => s.runs.length === 2 && s.runs[1].stepper === 'rk4', 20_000, 'two runs');
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  const stopped = await waitForState(pde, (s) => s.runs[1].diverged !== null, 60_000, 'RK4 diverges');
  const [etdrk4, rk4] = stopped.runs;
  assert.equal(etdrk4.stepper, 'etdrk4');
  assert.ok(rk4.diverged!.step >= 1 && rk4.diverged!.step < 200, `RK4 blew up at step ${rk4.diverged!.step}`);
  assert.ok(Math.abs(rk4.diverged!.time - rk4.diverged!.step * 0.25) < 1e-9, 'its time is step × h');
  assert.match(rk4.diverged!.message, /step \d+ \(t = /);
  assert.match(rk4.diverged!.message, /stiff stepper|smaller dt/);
  assert.match(rk4.diverged!.message, /\|R\(hλ\)\| > 1/);
  assert.equal(etdrk4.diverged, null);
  // the explanation is on screen
  await page.getByRole('alert').filter({ hasText: `diverged at step ${rk4.diverged!.step}` }).waitFor({ timeout: 10_000 });
  // no NaN or ±∞ reaches a chart: every number the views report they drew is finite (issue 10)
  const drawn = await pde.evaluate((p) => p.views());
  const nonFinite: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) nonFinite.push(`${path} = ${value}`);
    } else if (value && typeof value === 'object') for (const [key, inner] of Object.entries(value)) walk(inner, `${path}.${key}`);
  };
  walk(drawn, 'views');
  assert.deepEqual(nonFinite, [], 'non-finite values in the views after the blow-up');
  // ETDRK4 continues past RK4's blow-up, finite
  const later = await waitForState(pde, (s) => s.runs[0].steps > Math.max(rk4.diverged!.step, etdrk4.steps) + 40, 60_000, 'ETDRK4 runs on');
  assert.equal(later.runs[0].diverged, null);
  assert.ok(later.runs[0].stats && Number.isFinite(later.runs[0].stats.maxAbs[0]) && later.runs[0].stats.maxAbs[0] < 10, `ETDRK4 max|u| = ${later.runs[0].stats?.maxAbs[0]}`);
  // the stability view explains why: RK4's region against KS's hλ down to −60
  await page.getByLabel('Stability region of', { exact: true }).selectOption('compare');
  const views = await pde.evaluate((p) => p.views());
  assert.equal(views.stability?.stepper, 'rk4');
  assert.ok(views.stability!.unstable > 0, 'some damped modes are outside RK4 region');
  assert.ok(views.waterfall && views.waterfall.rows > 3, `waterfall rows: ${views.waterfall?.rows}`);
  await pde.evaluate((p) => p.pause());
  await screenshot(page, 'pde-ks-rk4-vs-etdrk4.png');
});

test('pde lab: painting on a Gray–Scott field changes its statistics, and the pattern grows from the paint', async ({ page, screenshot }) => {
  const pde = await openPde(page);
  await page.getByLabel('Preset').selectOption({ label: 'Gray–Scott, Pearson class κ' });
  // a smaller grid keeps the test short on SwiftShader (the physics is the same: 2.5 × 2.5 box)
  await page.getByLabel('Points per axis').selectOption('128');
  // start from the trivial steady state (u, v) = (1, 0): nothing happens until someone paints v
  const spec = await pde.evaluate((p) => p.getSpec());
  const state = await pde.evaluate((p, s) => p.setSpec({ ...s, ic: { type: 'gaussians', blobs: [{ center: [1.25, 1.25], width: 0.05, amplitude: 0, channel: 1 }], background: [1, 0] } }), spec);
  assert.equal(state.stats!.max[1], 0, 'no v anywhere before painting');
  assert.ok(Math.abs(state.stats!.mean[0] - 1) < 1e-6, 'u = 1 everywhere');
  // paint v = 0.25 (and see it) through the UI: show v, set the brush, click the field
  await page.getByLabel('Show field').selectOption('v');
  await page.getByLabel('value', { exact: true }).fill('0.25');
  await page.getByLabel('radius (box fraction)').fill('0.05');
  const canvas = page.getByRole('img', { name: /^Field: colour map/ });
  await canvas.click({ position: { x: 120, y: 120 } });
  const painted = await waitForState(pde, (s) => s.stats !== null && s.stats.max[1] > 0.2, 20_000, 'paint lands');
  assert.ok(Math.abs(painted.stats!.max[1] - 0.25) < 0.02, `max v after painting ${painted.stats!.max[1]}`);
  assert.ok(painted.stats!.mean[1] > 1e-4, `mean v after painting ${painted.stats!.mean[1]}`);
  assert.equal(painted.steps, state.steps, 'painting does not step');
  const grown = await pde.evaluate((p) => p.step(40));
  // the spot reacts: v spreads (its support grows) and u is consumed
  assert.ok(grown.stats!.min[0] < 0.99, `u consumed: min u = ${grown.stats!.min[0]}`);
  assert.ok(Number.isFinite(grown.stats!.mean[1]) && grown.stats!.mean[1] > 0, 'v stays');
  const views = await pde.evaluate((p) => p.views());
  const field = views.fields.find((f) => f.role === 'primary');
  assert.ok(field && field.channel === 1 && field.draws > 0, JSON.stringify(field));
  await screenshot(page, 'pde-gray-scott-painted.png');
});

test('pde lab: convergence study on KdV reports ETDRK4 order ≈ 4 and marks RK4 failures', async ({ page, screenshot }) => {
  const pde = await openPde(page);
  await pde.evaluate((p) => p.setSpec({ version: 1, kind: 'pde', equation: 'kdv', grid: { n: [128], length: [60] } }));
  const result = await pde.evaluate((p) => p.convergence({ steppers: ['etdrk4', 'etd1', 'rk4'], dts: [0.04, 0.02, 0.01, 0.005], tEnd: 0.4 }));
  const order = (s: string) => result.curves.find((c) => c.stepper === s)!.order;
  assert.ok(Math.abs(order('etdrk4')! - 4) < 0.35, `ETDRK4 order ${order('etdrk4')}`);
  assert.ok(Math.abs(order('etd1')! - 1) < 0.3, `ETD1 order ${order('etd1')}`);
  // the chart drew the same result, with the orders labelled
  await page.getByTestId('convergence-orders').waitFor();
  const views = await pde.evaluate((p) => p.views());
  assert.deepEqual(views.convergence?.curves.map((c) => c.stepper), ['etdrk4', 'etd1', 'rk4']);
  assert.equal(views.convergence?.curves[0].order, order('etdrk4'));
  await page.getByText(/etdrk4: measured order 4\.\d\d/).waitFor();
  await screenshot(page, 'pde-kdv-convergence.png');
});

test('pde lab: colour map and range controls change what the field view draws', async ({ page, screenshot }) => {
  const pde = await openPde(page);
  await page.getByLabel('Preset').selectOption({ label: 'Allen–Cahn in 2D: coarsening' });
  await page.getByLabel('Points per axis').selectOption('64');
  await pde.evaluate((p) => p.step(5));
  await page.getByLabel('Colour map', { exact: true }).selectOption('inferno');
  await page.getByLabel('Range', { exact: true }).selectOption('fixed');
  await page.getByLabel('min', { exact: true }).fill('-1');
  await page.getByLabel('max', { exact: true }).fill('1');
  const start = Date.now();
  let field;
  do {
    field = (await pde.evaluate((p) => p.views())).fields.find((f) => f.role === 'primary');
    if (field?.colormap === 'inferno' && field.range[0] === -1 && field.range[1] === 1) break;
    await new Promise((r) => setTimeout(r, 200));
  } while (Date.now() - start < 15_000);
  assert.equal(field?.colormap, 'inferno');
  assert.deepEqual(field?.range, [-1, 1]);
  await screenshot(page, 'pde-allen-cahn-inferno.png');
});

test('pde lab: a parameter typed outside its range is clamped with a notice; a wrong-shape file is refused with the expected shape', async ({ page }) => {
  const pde = await openPde(page);
  await page.getByLabel('Preset').selectOption({ label: 'Gray–Scott in 1D: pulse splitting' });
  const before = await pde.evaluate((p) => p.getSpec());
  const input = page.getByRole('textbox', { name: /^F feed rate F/ });
  await input.fill('0.5');
  await input.press('Enter');
  await page.getByRole('status').filter({ hasText: 'params.F: 0.5 is outside its range [0, 0.2]' }).waitFor({ timeout: 10_000 });
  const after = await pde.evaluate((p) => p.getSpec());
  assert.equal((after.params as Record<string, number>).F, 0.2);
  assert.deepEqual({ ...after, params: undefined }, { ...before, params: undefined }, 'nothing else changed');

  // a .npy of shape (2, 100) for a (2, 512) grid
  await page.getByRole('group', { name: 'Initial condition' }).getByLabel('Type').selectOption('file');
  const npy = npyFloat64([2, 100], new Float64Array(200));
  await page.getByLabel('Initial state (.npy, float32 or float64)').setInputFiles({ name: 'wrong.npy', mimeType: 'application/octet-stream', buffer: npy });
  await page.getByRole('alert').filter({ hasText: "has shape (2, 100); the spec's grid needs (2, 512)" }).waitFor({ timeout: 10_000 });
  const unchanged = await pde.evaluate((p) => p.getSpec());
  assert.deepEqual(unchanged, after, 'a refused file changes nothing');
});

test('pde lab: links restore the spec exactly; a bad link falls back with a notice naming the field', async ({ page, newPage }) => {
  const pde = await openPde(page);
  await pde.evaluate((p) => p.setSpec({ version: 1, kind: 'pde', equation: 'burgers', params: { nu: 0.0025 }, stepper: 'sbdf2', dt: 0.002, seed: 7 }));
  const spec = await pde.evaluate((p) => p.getSpec());
  const url = await pde.evaluate((p) => p.getUrl());
  assert.equal(page.url(), url, 'the address bar holds the link');
  const other = await newPage();
  const restored = await openPde(other, url);
  assert.deepEqual(await restored.evaluate((p) => p.getSpec()), spec);
  const bad = await newPage();
  const fallback = await openPde(bad, `${BASE_URL}?lab=pde&pde=${encodeURIComponent(JSON.stringify({ version: 1, kind: 'pde', equation: 'gray-scott', params: { F: 3 } }))}`);
  const state = fallback.evaluate((p) => p.state());
  const notices = (await state).notices.join('\n');
  assert.match(notices, /pde\.params\.F: got 3; allowed: 0 ≤ F ≤ 0\.2/);
  // the nearest valid state (issue 8): the linked equation, its bad parameter back at the preset's value
  const opened = await fallback.evaluate((p) => p.getSpec());
  assert.equal(opened.equation, 'gray-scott', 'the linked equation is kept');
  const F = (opened.params as Record<string, number>).F;
  assert.ok(F >= 0 && F <= 0.2 && F !== 3, `F back in its range, got ${F}`);
});

test('pde lab: steps/s of a 2D Gray–Scott 256² run on the GPU and of the float64 CPU path (a figure, not an assertion)', async ({ page, screenshot }) => {
  const pde = await openPde(page);
  await page.getByLabel('Preset').selectOption({ label: 'Gray–Scott, Pearson class α' });
  const spec = await pde.evaluate((p) => p.getSpec());
  assert.deepEqual((spec.grid as { n: number[] }).n, [256, 256]);
  await pde.evaluate((p) => p.play());
  const running = await waitForState(pde, (s) => s.stepsPerSecond > 0, 60_000, 'steps/s measured');
  await new Promise((r) => setTimeout(r, 6000));
  const gpu = await pde.evaluate((p) => p.state());
  await pde.evaluate((p) => p.pause());
  const cpu = await pde.evaluate((p) => p.cpuStepsPerSecond(4000));
  const adapter = await page.evaluate(() => (window as unknown as { stepscope: { adapterInfo: unknown } }).stepscope.adapterInfo);
  const figure = {
    preset: 'gray-scott-pearson-α',
    grid: [256, 256],
    stepper: spec.stepper,
    dt: spec.dt,
    gpu: { backend: gpu.backend, stepsPerSecond: gpu.stepsPerSecond, stepsPerFrame: gpu.stepsPerFrame, steps: gpu.steps, adapter },
    cpuFloat64: cpu,
    ratio: gpu.stepsPerSecond / cpu.stepsPerSecond,
    note: 'page steps/s over the last second of a live run (steps encoded per frame adapt to ~30 fps); CPU: CpuPdeSolver in a worker',
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'pde-steps-per-second.json'), `${JSON.stringify(figure, null, 2)}\n`);
  console.log(`    steps/s: GPU ${gpu.stepsPerSecond.toFixed(2)} (${gpu.backend}), CPU float64 ${cpu.stepsPerSecond.toFixed(2)}`);
  assert.ok(running.stepsPerSecond > 0 && cpu.stepsPerSecond > 0);
  await screenshot(page, 'pde-gray-scott-256.png');
});

type Views = ReturnType<PdeHook['views']>;

/** polls the hook's view reports until `done` holds (or fails after `ms`) */
async function waitForViews(pde: JSHandle<PdeHook>, done: (v: Views) => boolean, ms: number, what: string): Promise<Views> {
  const start = Date.now();
  for (;;) {
    const views = await pde.evaluate((p) => p.views());
    if (done(views)) return views;
    if (Date.now() - start > ms) throw new Error(`${what}: not reached in ${ms / 1000} s; last ${JSON.stringify({ fields: views.fields, spectrum: views.spectrum.map((s) => ({ ...s, k: s.k.length, energy: s.energy.length })), arrows: views.arrows })}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('pde lab: 2D colour map ↔ height surface (by role), height scale, and the live energy spectrum (Parseval)', async ({ page, screenshot }) => {
  const pde = await openPde(page);
  await page.getByLabel('Preset').selectOption({ label: 'Allen–Cahn in 2D: coarsening' });
  await page.getByLabel('Points per axis').selectOption('64');
  const stepped = await pde.evaluate((p) => p.step(5));
  const primary = (v: Views) => v.fields.find((f) => f.role === 'primary');
  let views = await waitForViews(pde, (v) => primary(v)?.mode === 'map' && primary(v)!.draws > 0, 15_000, 'colour map drawn');
  await screenshot(page, 'pde-view-colour-map.png');

  await page.getByRole('radio', { name: 'Surface view' }).check();
  views = await waitForViews(pde, (v) => primary(v)?.mode === 'surface' && (primary(v)!.surface?.draws ?? 0) > 0, 30_000, 'surface drawn');
  const surface = primary(views)!.surface!;
  assert.ok(['webgl2', 'webgpu'].includes(surface.renderer), surface.renderer);
  assert.deepEqual(surface.vertices, [64, 64]);
  assert.equal(surface.heightScale, 1);
  assert.ok(Math.abs(surface.heights[1] - 0.35) < 1e-6 && surface.heights[0] < 1e-6, `auto range spans the heights: ${surface.heights}`);
  await page.getByRole('img', { name: /^Field: height surface/ }).waitFor();
  await page.getByLabel('Height scale').fill('2');
  views = await waitForViews(pde, (v) => primary(v)?.surface?.heightScale === 2, 15_000, 'height scale 2');
  assert.ok(Math.abs(primary(views)!.surface!.heights[1] - 0.7) < 1e-6, `heights ${primary(views)!.surface!.heights}`);
  await screenshot(page, 'pde-view-surface.png');

  await page.getByRole('radio', { name: 'Colour map view' }).check();
  views = await waitForViews(pde, (v) => primary(v)?.mode === 'map' && primary(v)!.surface === undefined, 15_000, 'back to the colour map');
  await page.getByRole('img', { name: /^Field: colour map/ }).waitFor();

  // the energy spectrum of the same state: its shells add up to the field's mean square (Parseval, float32)
  views = await waitForViews(pde, (v) => v.spectrum.some((s) => s.role === 'primary' && s.steps === stepped.steps), 15_000, 'spectrum');
  const spectrum = views.spectrum.find((s) => s.role === 'primary')!;
  const meanSquare = stepped.stats!.meanSquare[0];
  assert.ok(Math.abs(spectrum.total - meanSquare) < 1e-3 * meanSquare, `Σ E(k) = ${spectrum.total}, ⟨u²⟩ = ${meanSquare}`);
  assert.ok(spectrum.k.length >= 40 && spectrum.k[0] > 0, `${spectrum.k.length} shells`);
  await page.getByRole('img', { name: /^Energy spectrum of u, log-log/ }).screenshot({ path: join(RESULTS_DIR, 'pde-energy-spectrum.png') });
});

test('pde lab: Navier–Stokes velocity arrows over the vorticity match Taylor–Green', async ({ page, screenshot }) => {
  const pde = await openPde(page);
  await page.getByLabel('Preset').selectOption({ label: '2D Navier–Stokes: decaying turbulence' });
  const spec = await pde.evaluate((p) => p.getSpec());
  const nu = 0.01;
  await pde.evaluate(
    (p, [s, nu]) => p.setSpec({ ...s, grid: { n: [32, 32], length: [2 * Math.PI, 2 * Math.PI] }, params: { ...(s.params as object), nu }, ic: { type: 'expression', expressions: ['2*sin(x)*sin(y)'] } }),
    [spec, nu] as const,
  );
  const state = await pde.evaluate((p) => p.step(10));
  const views = await waitForViews(pde, (v) => v.arrows.some((a) => a.role === 'primary' && a.steps === state.steps), 20_000, 'arrows');
  const arrows = views.arrows.find((a) => a.role === 'primary')!;
  assert.deepEqual(arrows.grid, [16, 16]);
  assert.ok(arrows.drawn > 100, `${arrows.drawn} arrows drawn`);
  const decay = Math.exp(-2 * nu * state.time);
  for (const [x, y, u, v] of arrows.sample) {
    assert.ok(Math.abs(u - Math.sin(x) * Math.cos(y) * decay) < 2e-4, `u(${x}, ${y}) = ${u}`);
    assert.ok(Math.abs(v + Math.cos(x) * Math.sin(y) * decay) < 2e-4, `v(${x}, ${y}) = ${v}`);
  }
  assert.ok(Math.abs(arrows.maxSpeed - decay) < 0.05, `max speed ${arrows.maxSpeed}`);
  // all the enstrophy is in the shell |k| = √2 → 1
  const spectrum = (await waitForViews(pde, (v) => v.spectrum.some((s) => s.role === 'primary' && s.steps === state.steps), 15_000, 'spectrum')).spectrum[0];
  assert.ok(Math.abs(spectrum.energy[0] - decay ** 2) < 1e-3, `E(1) = ${spectrum.energy[0]}`);
  await page.getByRole('img', { name: /^Field: colour map with velocity arrows/ }).waitFor();
  await screenshot(page, 'pde-navier-stokes-arrows.png');
  // arrows off through the UI
  await page.getByLabel(/^Velocity arrows/).uncheck();
  await waitForViews(pde, (v) => v.arrows.length === 0, 10_000, 'arrows off');
});

test('pde lab: difficulty γ₂ beside the diffusivities; keeping γ over a grid change rescales them; typing γ sets the physical value', async ({ page }) => {
  const pde = await openPde(page);
  await page.getByLabel('Preset').selectOption({ label: 'Gray–Scott, Pearson class κ' });
  const spec = (await pde.evaluate((p) => p.getSpec())) as { params: Record<string, number>; dt: number; grid: { n: number[]; length: number[] } };
  const gamma = (a: number, n: number) => ((a * spec.dt) / spec.grid.length[0] ** 2) * n ** 2 * 2 * 2;
  const du = page.getByRole('textbox', { name: 'Du difficulty γ₂' });
  assert.ok(Math.abs(Number(await du.inputValue()) - gamma(spec.params.Du, spec.grid.n[0])) < 1e-4 * gamma(spec.params.Du, spec.grid.n[0]), await du.inputValue());
  await page.getByLabel(/^Keep difficulty γ when the grid changes/).check();
  await page.getByLabel('Points per axis').selectOption('64');
  const after = (await pde.evaluate((p) => p.getSpec())) as typeof spec;
  const ratio = (spec.grid.n[0] / 64) ** 2;
  assert.ok(Math.abs(after.params.Du / (spec.params.Du * ratio) - 1) < 1e-9, `Du ${spec.params.Du} → ${after.params.Du}`);
  assert.ok(Math.abs(after.params.Dv / (spec.params.Dv * ratio) - 1) < 1e-9, `Dv ${spec.params.Dv} → ${after.params.Dv}`);
  assert.equal(after.params.F, spec.params.F);
  await du.fill('0.5');
  await du.press('Enter');
  const typed = (await pde.evaluate((p) => p.getSpec())) as typeof spec;
  assert.ok(Math.abs(gamma(typed.params.Du, 64) - 0.5) < 1e-6, `γ₂ = ${gamma(typed.params.Du, 64)}`);
});

test('pde lab: the Gray–Scott phase map preset, explained, after some steps', async ({ page, screenshot }) => {
  const pde = await openPde(page);
  await page.getByLabel('Preset').selectOption({ label: 'Gray–Scott phase map: every (F, k) in one simulation' });
  await page.getByTestId('phase-map-explanation').filter({ hasText: 'mirrored' }).waitFor();
  // SwiftShader is slow: a small grid, played for a fixed wall time (a pattern needs thousands of steps)
  await page.getByLabel('Points per axis').selectOption('64');
  await pde.evaluate((p) => p.step(1));
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await new Promise((r) => setTimeout(r, 25_000));
  await pde.evaluate((p) => p.pause());
  const state = await pde.evaluate((p) => p.step(1));
  assert.ok(state.steps > 50, `${state.steps} steps`);
  assert.equal(state.diverged, null);
  assert.ok(state.stats && Number.isFinite(state.stats.maxAbs[1]), 'finite');
  await page.getByLabel('Show field').selectOption('v');
  await waitForViews(pde, (v) => v.fields.some((f) => f.role === 'primary' && f.channel === 1), 10_000, 'v shown');
  console.log(`    phase map after ${state.steps} steps (t = ${state.time}): v in [${state.stats!.min[1].toFixed(3)}, ${state.stats!.max[1].toFixed(3)}]`);
  await screenshot(page, 'pde-gray-scott-phase-map.png');
});

/** a C-order little-endian float64 .npy (format 1.0) */
function npyFloat64(shape: number[], data: Float64Array): Buffer {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(data.buffer)]);
}

test(
  'pde lab without WebGPU: the float64 CPU path steps, draws and reports the same clock',
  async ({ page }) => {
    const pde = await openPde(page);
    const state = await pde.evaluate((p) => p.step(8));
    assert.equal(state.backend, 'cpu');
    assert.equal(state.steps, 8);
    assert.ok(state.stats && Number.isFinite(state.stats.max[0]));
    const views = await pde.evaluate((p) => p.views());
    assert.ok(views.waterfall && views.waterfall.rows >= 1, 'the waterfall drew from the CPU field');
  },
  { webgpu: false },
);

test('pde lab: the KdV two-soliton preset is an exact solution, and the diagnostics show the run’s error against it', async ({ page, screenshot }) => {
  const pde = await openPde(page);
  await pde.evaluate((p) => p.setSpec({ version: 1, kind: 'pde', equation: 'kdv', grid: { n: [256], length: [60] }, dt: 2e-3, tEnd: 6 }));
  await pde.evaluate((p) => p.step(150));
  type Report = { lines: { label: string; points: number; first: number | null; last: number | null }[] };
  const read = () => pde.evaluate((p) => (p.views().invariants as Record<string, Report>)['error-vs-exact']);
  let report = await read();
  for (let i = 0; i < 40 && !(report && report.lines[0].points >= 1); i++) {
    await new Promise((r) => setTimeout(r, 250));
    report = await read();
  }
  assert.ok(report, 'the diagnostics have an error-vs-exact series');
  const [etdrk4] = report.lines;
  assert.equal(etdrk4.label, 'etdrk4');
  // f32 GPU ETDRK4 at dt = 2e-3 on 256 points over 60 (the 2/3 mask's spatial floor dominates), up to t = 0.3
  assert.ok(etdrk4.last !== null && etdrk4.last > 0 && etdrk4.last < 5e-3, `relative error: ${etdrk4.last}`);
  await page.getByRole('img', { name: 'error-vs-exact against time' }).waitFor();
  await screenshot(page, 'pde-kdv-exact-error.png');
});

// Export (issue #8): every kind of file the Export menus make — PNG, SVG, CSV, JSON, .npy — triggered through the
// menus as a person would (keyboard-reachable buttons found by their accessible names), caught as real downloads,
// and checked against the numbers the page exposes through `window.stepscope`: the files must hold exactly what
// the views show. The downloaded files are kept under test-results/export/ for people to open.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import type { JSHandle, Locator, Page } from 'playwright-core';
import { parseNpy } from '../src/core/io/npy.ts';
import { BASE_URL, RESULTS_DIR, openApp, pollViews, test, type StepscopeHook } from './harness.ts';

// the parts of the hook this test reads (kept local: e2e checks the contract, it does not import the app's types)
interface QualityView {
  metric: string;
  scale: number;
  sweep: { status: string; n: number; nfes: number[] };
  curves: { solver: string; points: { nfe: number; value: number }[] }[];
}
interface GridView {
  configurations: { solver: string; t: number[]; sigma: number[]; lambda: (number | null)[] }[];
}
interface SweepResult {
  curves: { solver: string; points: { nfe: number; mmd2: number; rmse: number }[] }[];
}
type Hook = Omit<StepscopeHook, 'sweep'> & {
  views(): { quality: QualityView | null; grid: GridView | null };
  sweep(options: { nfes: number[]; solvers: string[]; n: number; seeds?: number }): Promise<SweepResult>;
  pde: {
    setSpec(spec: unknown): Promise<unknown>;
    step(n: number): Promise<{ steps: number; runs: { role: string; stepper: string; steps: number }[] }>;
    field(role?: string): Promise<number[] | null>;
    views(): { invariants: Record<string, { lines: { label: string; points: number; first: number | null; last: number | null }[] }> };
  };
};

const OUT = join(RESULTS_DIR, 'export');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe over one open menu's region: the menu's buttons (enabled or disabled with a reason) are accessible too */
async function checkAxe(page: Page, scope: Locator, what: string): Promise<void> {
  await page.evaluate(axeSource);
  const result = await scope.evaluate(async (element) => {
    const axe = (window as unknown as { axe: { run: (context: Element) => Promise<{ violations: { id: string; impact: string | null; nodes: unknown[] }[]; passes: unknown[] }> } }).axe;
    const r = await axe.run(element);
    return { violations: r.violations.map((v) => `${v.impact} ${v.id} (${v.nodes.length})`), serious: r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').length, passes: r.passes.length };
  });
  assert.ok(result.passes > 5, `${what}: axe ran (${result.passes} rules passed)`);
  assert.equal(result.serious, 0, `${what}: axe found ${result.violations.join(', ')}`);
}
const N = 256;

interface Downloaded {
  name: string;
  bytes: Buffer;
  text: string;
}

/** open a view's Export menu (a <details>: clicking an open one would close it) */
function menuButton(scope: Locator, label: string): Locator {
  return scope.locator('summary').filter({ hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) });
}

async function openMenu(scope: Locator, label: string): Promise<void> {
  const summary = menuButton(scope, label);
  const open = await summary.evaluate((s) => (s.parentElement as HTMLDetailsElement).open);
  if (!open) await summary.click();
}

/** close it again (Escape, as a keyboard user would), so that its floating panel covers nothing */
async function closeMenu(scope: Locator, label: string): Promise<void> {
  const summary = menuButton(scope, label);
  if (await summary.evaluate((s) => (s.parentElement as HTMLDetailsElement).open)) {
    await summary.focus();
    await summary.press('Escape');
  }
  assert.equal(await summary.evaluate((s) => (s.parentElement as HTMLDetailsElement).open), false, `${label}: Escape closes the menu`);
}

/** press an export button (by its accessible name) and return the file the browser downloaded */
async function download(page: Page, scope: Locator, menu: string, button: string): Promise<Downloaded> {
  await openMenu(scope, menu);
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), scope.getByRole('button', { name: button, exact: true }).click()]);
  const failure = await file.failure();
  assert.equal(failure, null, `${button}: the download failed`);
  mkdirSync(OUT, { recursive: true });
  const path = join(OUT, file.suggestedFilename());
  await file.saveAs(path);
  const bytes = readFileSync(path);
  await closeMenu(scope, menu);
  return { name: file.suggestedFilename(), bytes, text: bytes.toString('utf8') };
}

/** PNG: the signature, IHDR's size, and pixels that are not all one value (inflated scanlines) */
function checkPng(file: Downloaded, what: string, minSide = 16): { width: number; height: number } {
  assert.match(file.name, /\.png$/, `${what}: file name ${file.name}`);
  assert.deepEqual([...file.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${what}: PNG signature`);
  assert.equal(file.bytes.toString('latin1', 12, 16), 'IHDR', `${what}: IHDR first`);
  const width = file.bytes.readUInt32BE(16);
  const height = file.bytes.readUInt32BE(20);
  assert.ok(width >= minSide && height >= minSide, `${what}: ${width}×${height} pixels`);
  const idat: Buffer[] = [];
  for (let at = 8; at < file.bytes.length; ) {
    const length = file.bytes.readUInt32BE(at);
    const type = file.bytes.toString('latin1', at + 4, at + 8);
    if (type === 'IDAT') idat.push(file.bytes.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const bitDepth = file.bytes[24];
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[file.bytes[25] as 0 | 2 | 3 | 4 | 6];
  assert.equal(raw.length, height * (1 + (width * channels * bitDepth) / 8), `${what}: the scanlines fill ${width}×${height}`);
  // a blank picture (a WebGPU canvas read after presentation, an empty chart) has one colour: its filtered rows
  // take a handful of byte values; a drawn view takes many
  const distinct = new Set(raw).size;
  assert.ok(distinct > 16, `${what}: ${distinct} distinct byte values in the pixels (blank?)`);
  return { width, height };
}

/** SVG: parsed by the browser's XML parser; the root and the chart's marks */
async function parseSvg(page: Page, file: Downloaded, what: string) {
  assert.match(file.name, /\.svg$/, `${what}: file name ${file.name}`);
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const root = doc.documentElement;
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      root: root.localName,
      ns: root.namespaceURI,
      width: Number(root.getAttribute('width')),
      styled: doc.querySelectorAll('[style]').length,
      curves: [...doc.querySelectorAll('g.curve')].map((g) => ({
        solver: g.getAttribute('data-solver'),
        lines: [...g.querySelectorAll('path')].filter((p) => (p.getAttribute('d') ?? '').startsWith('M')).length,
        circles: g.querySelectorAll('circle').length,
      })),
      gridPoints: doc.querySelectorAll('.grid-point').length,
      paths: [...doc.querySelectorAll('path')].filter((p) => /^M[^Z]*L/.test(p.getAttribute('d') ?? '')).length,
    };
  }, file.text);
  assert.equal(parsed.error, null, `${what}: the SVG parses as XML`);
  assert.equal(parsed.root, 'svg', `${what}: <svg> root`);
  assert.equal(parsed.ns, 'http://www.w3.org/2000/svg', `${what}: SVG namespace (renders standalone)`);
  assert.ok(parsed.width > 0, `${what}: explicit width`);
  assert.ok(parsed.styled > 0, `${what}: the stylesheet's look is inlined`);
  return parsed;
}

function parseCsv(file: Downloaded, what: string): { header: string[]; rows: Record<string, string>[] } {
  assert.match(file.name, /\.csv$/, `${what}: file name ${file.name}`);
  const lines = file.text.split('\r\n').filter((l) => l.length > 0);
  const header = lines[0].split(',');
  const rows = lines.slice(1).map((line) => {
    const cells = line.split(',');
    assert.equal(cells.length, header.length, `${what}: row "${line}" has as many fields as the header`);
    return Object.fromEntries(header.map((h, i) => [h, cells[i]]));
  });
  return { header, rows };
}

test('export: PNG, SVG, CSV, JSON and .npy from the sampler lab and the PDE lab hold what the views show', async ({ page }) => {
  const app = (await openApp(page, BASE_URL)) as unknown as JSHandle<Hook>;
  const base = await app.evaluate((s) => s.getSpec());
  await app.evaluate((s, spec) => s.setSpec(spec), { ...base, n: N, nfe: 6 });
  // let the live run of this spec finish first: the sweep below is then the one the chart shows (an automatic one
  // never cuts a requested sweep)
  await app.evaluate((s) => s.run());

  // ---- bad state: a claim that has not run has nothing to export; its buttons say so instead of making a file
  const claims = page.getByRole('region', { name: 'Paper claims' });
  await openMenu(claims, 'Export claim chart');
  for (const name of ['Export claim chart as SVG', 'Export claim values as CSV', 'Export claim values as JSON']) {
    const button = claims.getByRole('button', { name, exact: true });
    assert.equal(await button.isDisabled(), true, `${name}: disabled before the claim has run`);
    assert.match((await button.getAttribute('title')) ?? '', /Run the claim first/, `${name}: its tooltip says why`);
  }
  await checkAxe(page, claims, 'the claims panel with its Export menu open');
  await closeMenu(claims, 'Export claim chart');

  // ---- quality chart: a small sweep, then every format
  const sweep = await app.evaluate((s, n) => s.sweep({ nfes: [4, 8, 16], solvers: ['dpmpp-2m', 'ddim'], n, seeds: 1 }), N);
  const quality = await pollViews(page, app, (v) => v.quality?.sweep.status === 'done' && v.quality.curves.length === 2 && v.quality.sweep.nfes.length === 3 && v.quality, 'the quality chart of the sweep');
  const region = page.getByRole('region', { name: 'Quality against NFE' });

  const svg = await download(page, region, 'Export quality chart', 'Export quality chart as SVG');
  assert.equal(svg.name, 'stepscope-quality-ring8-mmd2.svg');
  const chart = await parseSvg(page, svg, 'quality SVG');
  assert.deepEqual(chart.curves.map((c) => c.solver).sort(), quality.curves.map((c) => c.solver).sort(), 'one curve group per solver');
  for (const c of chart.curves) {
    const drawn = quality.curves.find((q) => q.solver === c.solver)!;
    assert.equal(c.lines, 1, `${c.solver}: the curve's line is in the SVG`);
    assert.equal(c.circles, drawn.points.length, `${c.solver}: one marker per drawn point`);
  }

  const png = await download(page, region, 'Export quality chart', 'Export quality chart as PNG');
  assert.equal(png.name, 'stepscope-quality-ring8-mmd2.png');
  const size = checkPng(png, 'quality PNG', 200);
  assert.equal(size.width, 2 * chart.width, 'the chart at twice its CSS size');

  const csv = parseCsv(await download(page, region, 'Export quality chart', 'Export quality metrics as CSV'), 'quality CSV');
  for (const column of ['solver', 'nfe', 'mmd2', 'energy', 'rmse', 'wall_ms']) assert.ok(csv.header.includes(column), `quality CSV: column ${column} in ${csv.header}`);
  assert.equal(csv.rows.length, sweep.curves.reduce((a, c) => a + c.points.length, 0), 'one row per solver and NFE of the sweep');
  for (const curve of quality.curves)
    for (const p of curve.points) {
      const row = csv.rows.find((r) => r.solver === curve.solver && Number(r.nfe) === p.nfe);
      assert.ok(row, `quality CSV: a row for ${curve.solver} @ ${p.nfe}`);
      // the chart draws MMD² × 10³: the file holds the measured value, so the same product gives the drawn number
      assert.equal(Number(row.mmd2) * quality.scale, p.value, `${curve.solver} @ ${p.nfe}: CSV mmd2 × scale equals the drawn value`);
    }
  for (const curve of sweep.curves)
    for (const p of curve.points) {
      const row = csv.rows.find((r) => r.solver === curve.solver && Number(r.nfe) === p.nfe)!;
      assert.equal(Number(row.rmse), p.rmse, `${curve.solver} @ ${p.nfe}: CSV rmse equals the sweep's`);
    }

  await openMenu(region, 'Export quality chart');
  await checkAxe(page, region, 'the quality panel with its Export menu open');
  await closeMenu(region, 'Export quality chart');

  const json = await download(page, region, 'Export quality chart', 'Export quality metrics as JSON');
  assert.equal(json.name, 'stepscope-quality-ring8.json');
  const saved = JSON.parse(json.text);
  const view = await app.evaluate((s) => JSON.parse(JSON.stringify(s.views().quality)));
  assert.deepEqual(saved.view, view, 'the JSON holds what the chart reports it drew');
  assert.deepEqual(
    saved.sweep.curves.map((c: { solver: string; points: { nfe: number; mmd2: number }[] }) => ({ solver: c.solver, points: c.points.map((p) => [p.nfe, p.mmd2]) })),
    sweep.curves.map((c) => ({ solver: c.solver, points: c.points.map((p) => [p.nfe, p.mmd2]) })),
    'and the sweep itself',
  );
  assert.equal(saved.spec.n, N);

  // ---- time grids: CSV rows are the configurations' grid points; an SVG panel holds its points
  const gridRegion = page.getByRole('region', { name: 'Time grids' });
  const grid = await pollViews(page, app, (v) => v.grid && v.grid.configurations.length > 0 && v.grid, 'the grid view');
  const gridCsv = parseCsv(await download(page, gridRegion, 'Export time grids', 'Export time grids as CSV'), 'grid CSV');
  assert.deepEqual(gridCsv.header, ['configuration', 'label', 'solver', 'step', 't', 'sigma', 'lambda']);
  const withGrid = grid.configurations.filter((c) => c.t.length > 0);
  assert.equal(gridCsv.rows.length, withGrid.reduce((a, c) => a + c.t.length, 0), 'one row per grid point');
  for (const c of withGrid)
    c.t.forEach((t, i) => {
      const row = gridCsv.rows.find((r) => r.solver === c.solver && Number(r.step) === i)!;
      assert.equal(Number(row.t), t, `${c.solver} step ${i}: t`);
      assert.equal(Number(row.sigma), c.sigma[i], `${c.solver} step ${i}: σ̃`);
    });
  const gridSvg = await parseSvg(page, await download(page, gridRegion, 'Export time grids', 'Export time grid in λ as SVG'), 'grid λ SVG');
  assert.ok(gridSvg.gridPoints > 0, 'the λ panel SVG holds its grid points');

  // ---- flow view: its picture, the final samples and a trajectory as .npy
  const flow = page.getByRole('region', { name: 'Flow from noise to data' });
  checkPng(await download(page, flow, 'Export flow view', 'Export flow view as PNG'), 'flow PNG', 100);
  const samplesFile = await download(page, flow, 'Export flow view', 'Export final samples as .npy');
  assert.match(samplesFile.name, /^stepscope-samples-ring8-dpmpp-2m-n256-seed0\.npy$/);
  const samples = parseNpy(new Uint8Array(samplesFile.bytes));
  const hookSamples = await app.evaluate((s) => s.samples());
  assert.deepEqual(samples.shape, [hookSamples.n, hookSamples.dim], 'samples: [n, d]');
  assert.deepEqual(samples.shape, [N, 2]);
  assert.equal(samples.dtype, 'float32', 'GPU samples are float32');
  assert.deepEqual(Array.from(samples.data), hookSamples.data, 'samples: the values the hook reads back');

  const trajectoryFile = await download(page, flow, 'Export flow view', 'Export trajectories (DPM-Solver++(2M)) as .npy');
  // named by its configuration (index and label): two configurations may share a solver
  assert.match(trajectoryFile.name, /^stepscope-trajectory-ring8-config0-dpm-solver-2m-n256-steps\d+\.npy$/);
  const trajectory = parseNpy(new Uint8Array(trajectoryFile.bytes));
  assert.equal(trajectory.shape.length, 3, `trajectory: [steps + 1, n, d], got ${trajectory.shape}`);
  assert.deepEqual(trajectory.shape.slice(1), [N, 2]);
  assert.ok(trajectory.shape[0] >= 3, `trajectory: ${trajectory.shape[0]} grid times`);
  // its last grid time is the run's result: the same particles as the final samples (same spec, same x_T)
  const last = trajectory.data.subarray((trajectory.shape[0] - 1) * N * 2);
  let worst = 0;
  for (let i = 0; i < last.length; i++) worst = Math.max(worst, Math.abs(last[i] - hookSamples.data[i]));
  assert.ok(worst <= 1e-5, `trajectory: the last slice equals the final samples (max |Δ| = ${worst})`);

  // a short clip of the flow (MediaRecorder): a WebM file, EBML header with the webm doctype, some seconds of frames
  const clip = await download(page, flow, 'Export flow view', 'Export flow view as WebM');
  assert.match(clip.name, /^stepscope-flow-ring8-dpmpp-2m-clip\.webm$/);
  assert.deepEqual([...clip.bytes.subarray(0, 4)], [0x1a, 0x45, 0xdf, 0xa3], 'WebM: EBML magic');
  assert.ok(clip.bytes.subarray(0, 64).includes(Buffer.from('webm')), 'WebM: doctype webm');
  assert.ok(clip.bytes.length > 2000, `WebM: ${clip.bytes.length} bytes`);

  // ---- PDE lab: a 2D heat field, its PNG, its .npy, the invariants as CSV
  await page.goto(`${BASE_URL}?lab=pde`);
  const pdeApp = (await page.waitForFunction(() => (window as unknown as { stepscope?: Hook }).stepscope)) as unknown as JSHandle<Hook>;
  await pdeApp.evaluate((s) => s.ready);
  await pdeApp.evaluate((s) => s.pde.setSpec({ version: 1, kind: 'pde', equation: 'heat', grid: { n: [32, 32], length: [2 * Math.PI, 2 * Math.PI] }, dt: 0.01, tEnd: 2 }));
  const stepped = await pdeApp.evaluate((s) => s.pde.step(5));
  assert.equal(stepped.steps, 5);
  // the invariant charts redraw from the runs' series once the step is published
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const drawn = (await pdeApp.evaluate((s) => s.pde.views())).invariants;
    if (Object.values(drawn).some((r) => r.lines.some((l) => l.points >= 2))) break;
    await page.waitForTimeout(100);
  }
  const run = page.getByRole('region', { name: /run$/ }).first();
  const runMenu = ((await run.locator('summary').first().textContent()) ?? '').trim();

  const fieldFile = await download(page, run, runMenu, 'Export field as .npy');
  assert.match(fieldFile.name, /^stepscope-pde-heat-etdrk4-field-t0\.05\.npy$/);
  const field = parseNpy(new Uint8Array(fieldFile.bytes));
  assert.deepEqual(field.shape, [32, 32], 'field: C order [ny, nx]');
  assert.equal(field.dtype, 'float64');
  const hookField = (await pdeApp.evaluate((s) => s.pde.field('primary')))!;
  assert.equal(hookField.length, 2 * 32 * 32, 'the hook gives interleaved (re, im)');
  assert.deepEqual(Array.from(field.data), hookField.filter((_, i) => i % 2 === 0), 'field: the real parts the hook reads');

  const fieldPng = checkPng(await download(page, run, runMenu, 'Export field as PNG'), 'field PNG');
  assert.deepEqual([fieldPng.width, fieldPng.height], [32 * 16, 32 * 16], 'one 16-pixel block per grid point');

  const invariants = page.getByRole('region', { name: 'Invariants over time' });
  const invCsv = parseCsv(await download(page, invariants, 'Export invariants', 'Export invariants as CSV'), 'invariants CSV');
  assert.deepEqual(invCsv.header, ['run', 'stepper', 'quantity', 'time', 'value']);
  const reports = (await pdeApp.evaluate((s) => s.pde.views())).invariants;
  assert.ok(Object.values(reports).some((r) => r.lines.some((l) => l.points >= 2)), 'the invariant charts report what they drew');
  for (const [id, report] of Object.entries(reports))
    for (const line of report.lines) {
      const rows = invCsv.rows.filter((r) => r.quantity === id && r.stepper === line.label);
      assert.equal(rows.length, line.points, `${id} (${line.label}): one row per drawn point`);
      if (line.first !== null) assert.equal(Number(rows[0].value), line.first, `${id}: first value`);
      if (line.last !== null) assert.equal(Number(rows.at(-1)!.value), line.last, `${id}: last value`);
    }

  // 1D and complex: NLS keeps (re, im) on a last axis; the profile is an SVG, the waterfall a PNG
  await pdeApp.evaluate((s) => s.pde.setSpec({ version: 1, kind: 'pde', equation: 'nls', grid: { n: [128], length: [40] } }));
  await pdeApp.evaluate((s) => s.pde.step(4));
  const run1d = page.getByRole('region', { name: /run$/ }).first();
  const menu1d = ((await run1d.locator('summary').first().textContent()) ?? '').trim();
  const nls = parseNpy(new Uint8Array((await download(page, run1d, menu1d, 'Export field as .npy')).bytes));
  assert.deepEqual(nls.shape, [128, 2], 'complex 1D field: [nx, 2] (re, im)');
  assert.deepEqual(Array.from(nls.data), (await pdeApp.evaluate((s) => s.pde.field('primary')))!, 'the interleaved field the hook reads');
  const profile = await parseSvg(page, await download(page, run1d, menu1d, 'Export field profile as SVG'), 'profile SVG');
  assert.ok(profile.paths > 0, 'the profile SVG holds its lines');
  checkPng(await download(page, run1d, menu1d, 'Export waterfall as PNG'), 'waterfall PNG', 2);
});

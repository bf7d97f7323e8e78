// Links that reproduce (issue #8 "Links and runs"): controls changed by hand, the header's "Copy link", the copied
// link opened in a new browser context, and the numbers read through `window.stepscope` compared for exact
// equality (not just the same controls); the same in the PDE lab with field statistics after N steps; a tampered
// and a cut link open a valid state with a visible notice. Small sizes: each test well under a minute on SwiftShader.

import assert from 'node:assert/strict';
import type { BrowserContext, JSHandle, Page } from 'playwright-core';
import { BASE_URL, openApp, test, type RunResult, type Spec, type StepscopeHook } from './harness.ts';

interface PdeStats {
  min: number[];
  max: number[];
  mean: number[];
  meanSquare: number[];
  maxAbs: number[];
}
interface PdeState {
  steps: number;
  time: number;
  stats: PdeStats | null;
  notices: string[];
}
interface PdeHook {
  getSpec(): Spec;
  state(): PdeState;
  pause(): Promise<void>;
  reset(newSeed?: boolean): Promise<PdeState>;
  step(n?: number): Promise<PdeState>;
  field(role?: string): Promise<number[] | null>;
}

/** click the header's "Copy link" and read what it put on the clipboard */
async function copyLink(page: Page, context: BrowserContext): Promise<string> {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(BASE_URL).origin });
  await page.evaluate(() => navigator.clipboard.writeText(''));
  await page.getByRole('button', { name: 'Copy link' }).click();
  await page.getByRole('button', { name: 'Link copied' }).waitFor({ timeout: 10_000 });
  const url = await page.evaluate(() => navigator.clipboard.readText());
  assert.ok(url.startsWith(BASE_URL), `the copied link ${JSON.stringify(url)} should point at the app`);
  return url;
}

/** waits until the spec (read through the hook) satisfies `done` */
async function waitForSpec(app: JSHandle<StepscopeHook>, done: (s: Spec) => boolean, what: string): Promise<Spec> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const spec = await app.evaluate((s) => s.getSpec());
    if (done(spec)) return spec;
    if (Date.now() > deadline) throw new Error(`${what}: the spec never got there; last ${JSON.stringify(spec)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** the numbers of a run that a link must reproduce (wall time is the machine's, not the spec's) */
/** the app's default spec (src/core/spec/spec.ts DEFAULT_SPEC), written out: e2e checks the contract */
const DEFAULT: Spec = { version: 1, kind: 'sample', process: { type: 'vp-linear', beta0: 0.1, beta1: 20 }, target: { type: 'preset', name: 'ring8' }, solver: { name: 'dpmpp-2m' }, schedule: { type: 'logsnr' }, nfe: 10, tStart: 1, tEnd: 0.001, n: 4096, seed: 0 };
/** the default spec with 256 particles, as a format-1 link (base64url of its JSON) */
const SMALL_START: Spec = { ...DEFAULT, n: 256 };
const SMALL_START_URL = `${BASE_URL}?spec=${Buffer.from(JSON.stringify(SMALL_START)).toString('base64url')}`;

const t0 = Date.now();
const mark = (what: string) => process.env.LINKS_TIMING && console.log(`    ${((Date.now() - t0) / 1000).toFixed(1)} s ${what}`);
const numbers = (r: RunResult) => ({ mmd2: r.mmd2, energy: r.energy, rmse: r.rmse, nfe: r.nfe, times: r.times });

test('links: controls changed in the sampler lab, copied, opened in a new context, give exactly the same metrics', async ({ page, context, newPage }) => {
  // start from a format-1 link (before issue #8) with few particles, so that the page's first run is quick on
  // SwiftShader: it opens as it always did
  const app = await openApp(page, SMALL_START_URL);
  assert.deepEqual(await app.evaluate((s) => s.getSpec()), SMALL_START, 'the format-1 link opens to its spec');
  mark('opened');
  // change controls the way a person does: target, solver, particles, seed, and the step budget slider
  await page.getByLabel('Target distribution').selectOption('grid25');
  await page.getByLabel('Solver', { exact: true }).selectOption('unipc');
  await page.getByLabel('Particles n').selectOption('512');
  await page.getByLabel('Seed', { exact: true }).fill('271828');
  const slider = page.getByLabel('Steps budget');
  await slider.focus();
  for (let i = 0; i < 3; i++) await slider.press('ArrowLeft');
  const specA = await waitForSpec(
    app,
    (s) => (s.target as { name?: string }).name === 'grid25' && (s.solver as { name: string }).name === 'unipc' && s.n === 512 && s.seed === 271828 && s.nfe === 7,
    'the controls',
  );
  mark('controls');

  const url = await copyLink(page, context);
  assert.equal(url, page.url(), 'the copied link is the one in the address bar');
  const value = new URL(url).searchParams.get('spec')!;
  assert.match(value, /^2\.grid25\.[A-Za-z0-9_-]+$/, 'format 2: version, the base preset, the compressed part');
  assert.ok(url.length < 2000, `the link is ${url.length} characters`);
  const runA = await app.evaluate((s) => s.run());
  mark('run A');

  const other = await newPage();
  const appB = await openApp(other, url);
  mark('opened B');
  assert.deepEqual(await appB.evaluate((s) => s.getSpec()), specA, `the spec read back from ${url}`);
  assert.equal(await other.locator('[data-testid="notice"]').count(), 0, 'no notice for a good link');
  const runB = await appB.evaluate((s) => s.run());
  mark('run B');
  for (const key of ['mmd2', 'energy', 'rmse'] as const) assert.ok(Number.isFinite(runA[key]), `${key} is finite: ${runA[key]}`);
  // exactly equal: the same spec, the same counter-based noise, the same kernels
  assert.deepEqual(numbers(runB), numbers(runA), 'the numbers in the new context');
  // and another seed gives other numbers, so the equality above is not vacuous
  const otherSeed = await app.evaluate((s, spec) => {
    s.setSpec({ ...spec, seed: 0 });
    return s.run();
  }, specA);
  assert.notEqual(otherSeed.mmd2, runA.mmd2, 'another seed gives another MMD²');
  mark('other seed');
});

async function openPde(page: Page, url: string): Promise<JSHandle<PdeHook>> {
  const app = await openApp(page, url);
  return (await app.evaluateHandle((s) => (s as unknown as { pde: PdeHook }).pde)) as JSHandle<PdeHook>;
}

/** from the initial state: N steps, then the statistics and the whole field */
async function afterSteps(pde: JSHandle<PdeHook>, n: number): Promise<{ state: PdeState; field: number[] | null }> {
  await pde.evaluate((p) => p.pause());
  await pde.evaluate((p) => p.reset(false));
  const state = await pde.evaluate((p, steps) => p.step(steps), n);
  const field = await pde.evaluate((p) => p.field());
  return { state, field };
}

test('links: the PDE lab with a changed preset, stepper, initial condition and seed reproduces the field exactly in a new context', async ({ page, context, newPage }) => {
  const pde = await openPde(page, `${BASE_URL}?lab=pde`);
  await page.getByLabel('Preset').selectOption({ label: 'Burgers: a steepening front' });
  await page.getByLabel('Stepper', { exact: true }).selectOption('etdrk2');
  await page.getByLabel('Type', { exact: true }).selectOption('random');
  const seed = page.locator('.pde-controls fieldset', { hasText: 'Initial condition' }).getByLabel('Seed');
  await seed.fill('314');
  await seed.press('Enter');
  const deadline = Date.now() + 15_000;
  let specA = await pde.evaluate((p) => p.getSpec());
  while (!(specA.equation === 'burgers' && specA.stepper === 'etdrk2' && (specA.ic as { type: string }).type === 'random' && specA.seed === 314)) {
    if (Date.now() > deadline) throw new Error(`the PDE controls never took; spec ${JSON.stringify(specA)}`);
    await page.waitForTimeout(100);
    specA = await pde.evaluate((p) => p.getSpec());
  }

  const url = await copyLink(page, context);
  assert.equal(new URL(url).searchParams.get('lab'), 'pde');
  assert.match(new URL(url).searchParams.get('pde')!, /^2\.burgers-chebfun\.[A-Za-z0-9_-]+$/);
  const a = await afterSteps(pde, 25);

  const other = await newPage();
  const pdeB = await openPde(other, url);
  assert.deepEqual(await pdeB.evaluate((p) => p.getSpec()), specA, `the PDE spec read back from ${url}`);
  assert.deepEqual((await pdeB.evaluate((p) => p.state())).notices, [], 'no notice for a good link');
  const b = await afterSteps(pdeB, 25);
  assert.equal(b.state.steps, 25);
  assert.ok(a.state.stats && a.state.stats.maxAbs.every(Number.isFinite), `finite statistics: ${JSON.stringify(a.state.stats)}`);
  assert.deepEqual(b.state.stats, a.state.stats, 'field statistics after 25 steps');
  assert.equal(b.state.time, a.state.time);
  assert.ok(a.field && a.field.length > 0, 'the field was read back');
  assert.deepEqual(b.field, a.field, 'the whole field after 25 steps');
});

test('links: a tampered and a cut link open a valid state with a visible notice naming what happened', async ({ page, newPage }) => {
  const app = await openApp(page, SMALL_START_URL);
  const preset: Spec = { ...DEFAULT, target: { type: 'preset', name: 'two-moons-gmm' } };
  await app.evaluate((s, spec) => s.setSpec(spec), { ...preset, solver: { name: 'ddim' }, nfe: 12, n: 256, seed: 99 });
  const good = new URL(await app.evaluate((s) => s.getUrl()));
  const value = good.searchParams.get('spec')!;

  // one character changed in the middle of the compressed part: the checksum catches it; the preset it was based on opens
  const at = Math.floor((value.lastIndexOf('.') + value.length) / 2);
  const tampered = new URL(good);
  tampered.searchParams.set('spec', value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1));
  const pageT = await newPage();
  const appT = await openApp(pageT, tampered.toString());
  const notice = pageT.locator('[data-testid="notice"]');
  await notice.first().waitFor({ state: 'visible', timeout: 10_000 });
  const text = await notice.first().innerText();
  assert.match(text, /damaged|cut short/, `notice: ${text}`);
  const specT = await appT.evaluate((s) => s.getSpec());
  // the preset the link was based on, exactly (the default spec with that target): none of the link's changes
  assert.deepEqual(specT, preset, 'the preset the link was based on');
  // (its first run, at the preset's 4096 particles, is not waited for: the other pages need the CPU)
  await pageT.close();

  // the link cut short by two characters: the changes before the cut are kept, the notice says it was cut
  const cut = new URL(good);
  cut.searchParams.set('spec', value.slice(0, -2));
  const pageC = await newPage();
  const appC = await openApp(pageC, cut.toString());
  const noticeC = pageC.locator('[data-testid="notice"]');
  await noticeC.first().waitFor({ state: 'visible', timeout: 10_000 });
  assert.match(await noticeC.first().innerText(), /cut short/);
  const specC = await appC.evaluate((s) => s.getSpec());
  assert.deepEqual({ target: specC.target, solver: specC.solver }, { target: preset.target, solver: { name: 'ddim' } }, 'changes read before the cut');
  await pageC.close();

  // the PDE lab: a tampered link shows its notice in that lab
  const pdeGood = new URL(`${BASE_URL}?lab=pde`);
  const pageP = await newPage();
  const pdeP = await openPde(pageP, pdeGood.toString());
  const pdeLink = new URL(pageP.url());
  const pdeValue = new URL(await pdeP.evaluate((p) => (p as unknown as { getUrl(): string }).getUrl())).searchParams.get('pde')!;
  // a character of the compressed part (after the base id's dot) changed
  const flip = pdeValue.lastIndexOf('.') + 6;
  pdeLink.searchParams.set('pde', `${pdeValue.slice(0, flip)}${pdeValue[flip] === 'A' ? 'B' : 'A'}${pdeValue.slice(flip + 1)}`);
  const pageQ = await newPage();
  const pdeQ = await openPde(pageQ, pdeLink.toString());
  const pdeNotice = pageQ.locator('[data-testid="notice"]');
  await pdeNotice.first().waitFor({ state: 'visible', timeout: 10_000 });
  assert.match(await pdeNotice.first().innerText(), /pde parameter was only partly used/);
  assert.equal((await pdeQ.evaluate((p) => p.getSpec())).equation, 'ks', 'the KS preset the link was based on');
});

test('saved runs: save two runs, compare them, delete, export to a file and import it in a new context', async ({ page, newPage }) => {
  const app = await openApp(page, SMALL_START_URL);
  const panel = page.getByTestId('saved-runs');
  const saveNamed = async (name: string, spec: Spec): Promise<RunResult> => {
    await app.evaluate((s, x) => s.setSpec(x), spec);
    const result = await app.evaluate((s) => s.run());
    await panel.getByLabel('Name').fill(name);
    await panel.getByRole('button', { name: 'Save run' }).click();
    await panel.getByTestId('saved-run').filter({ hasText: name }).waitFor({ timeout: 15_000 });
    return result;
  };
  const ddim = await saveNamed('ddim at 8', { ...SMALL_START, solver: { name: 'ddim' }, nfe: 8, seed: 5 });
  const dpm = await saveNamed('dpm++ at 8', { ...SMALL_START, solver: { name: 'dpmpp-2m' }, nfe: 8, seed: 5 });
  await expectRows(page, ['dpm++ at 8', 'ddim at 8']);
  // each has a thumbnail of a chart (a PNG data URL)
  const thumbs = await panel.locator('[data-testid="saved-run"] img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src));
  assert.equal(thumbs.length, 2);
  for (const src of thumbs) assert.match(src, /^data:image\/png;base64,/);

  // compare: the table holds the two runs' own metrics, side by side
  for (const name of ['ddim at 8', 'dpm++ at 8']) await panel.getByTestId('saved-run').filter({ hasText: name }).getByLabel('compare').check();
  const table = panel.getByTestId('runs-compare');
  await table.waitFor();
  const cell = async (solver: string, metric: string, side: 'a' | 'b') => Number(await table.locator(`tr[data-solver="${solver}"][data-metric="${metric}"]`).getAttribute(`data-${side}`));
  // the list is newest first, so the first ticked (ddim) is `a`
  assert.equal(await cell('ddim', 'mmd2', 'a'), ddim.mmd2);
  assert.equal(await cell('dpmpp-2m', 'mmd2', 'b'), dpm.mmd2);
  assert.equal(await cell('ddim', 'rmse', 'a'), ddim.rmse);

  // open the older one: the spec comes back
  await app.evaluate((s, x) => s.setSpec(x), SMALL_START);
  await panel.getByTestId('saved-run').filter({ hasText: 'ddim at 8' }).getByRole('button', { name: 'Open' }).click();
  await waitForSpec(app, (s) => (s.solver as { name: string }).name === 'ddim' && s.nfe === 8 && s.seed === 5, 'the opened run');

  // export: a JSON file with both runs
  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Export' }).click()]);
  assert.equal(download.suggestedFilename(), 'stepscope-runs.json');
  const path = await download.path();
  const text = (await import('node:fs')).readFileSync(path, 'utf8');
  const file = JSON.parse(text) as { format: string; version: number; runs: { name: string; results: { metrics: { mmd2: number } }[] }[] };
  assert.equal(file.format, 'stepscope-runs');
  assert.deepEqual(file.runs.map((r) => r.name), ['dpm++ at 8', 'ddim at 8']);
  assert.equal(file.runs[1].results[0].metrics.mmd2, ddim.mmd2);

  // delete one: the list and the database lose it
  await panel.getByRole('button', { name: "Delete 'dpm++ at 8'" }).click();
  await expectRows(page, ['ddim at 8']);
  await page.reload();
  await expectRows(page, ['ddim at 8']);

  // a new context (its own IndexedDB) imports the file: both runs, same numbers
  const other = await newPage();
  await openApp(other, SMALL_START_URL);
  await expectRows(other, []);
  await other.getByTestId('runs-import').setInputFiles({ name: 'stepscope-runs.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await expectRows(other, ['dpm++ at 8', 'ddim at 8']);
  // a bad file changes nothing and says what is wrong
  const bad = JSON.parse(text) as { runs: { name: string }[] };
  bad.runs[1].name = '';
  await other.getByTestId('runs-import').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
  const notice = other.locator('[data-testid="notice"]', { hasText: 'Nothing was imported' });
  await notice.waitFor({ timeout: 10_000 });
  assert.match(await notice.innerText(), /'bad\.json': runs\[1\]\.name: got ""; must not be empty/);
  await expectRows(other, ['dpm++ at 8', 'ddim at 8']);
});

/** the saved runs listed, in order, by name */
test('saved runs: two configurations with the same solver (DDIM on two schedules) are saved and compared apart', async ({ page }) => {
  const app = await openApp(page, SMALL_START_URL);
  const panel = page.getByTestId('saved-runs');
  type Shown = { configurations: { index: number; label: string; solver: { name: string }; metrics: { mmd2: number } | null }[] };
  const spec: Spec = { ...SMALL_START, n: 128, solver: { name: 'ddim' }, nfe: 4, compare: [{ solver: { name: 'ddim' }, schedule: { type: 'karras' } }] };
  const saveAt = async (name: string, seed: number): Promise<Shown['configurations']> => {
    await app.evaluate((s, x) => s.setSpec(x), { ...spec, seed });
    await app.evaluate((s) => s.run());
    const shown = (await app.evaluate((s) => (s as unknown as { shown(): Shown | null }).shown()))!;
    await panel.getByLabel('Name').fill(name);
    await panel.getByRole('button', { name: 'Save run' }).click();
    await panel.getByTestId('saved-run').filter({ hasText: name }).waitFor({ timeout: 15_000 });
    return shown.configurations;
  };
  const a = await saveAt('two ddim seed 1', 1);
  const b = await saveAt('two ddim seed 2', 2);
  assert.deepEqual(a.map((c) => c.solver.name), ['ddim', 'ddim']);
  for (const name of ['two ddim seed 1', 'two ddim seed 2']) await panel.getByTestId('saved-run').filter({ hasText: name }).getByLabel('compare').check();
  const table = panel.getByTestId('runs-compare');
  await table.waitFor();
  // one MMD² row per configuration (not one for the solver), each with that configuration's own numbers in both runs
  const rows = await table.locator('tr[data-metric="mmd2"]').evaluateAll((trs) =>
    trs.map((tr) => ({ label: tr.getAttribute('data-label'), indexA: tr.getAttribute('data-index-a'), indexB: tr.getAttribute('data-index-b'), a: Number(tr.getAttribute('data-a')), b: Number(tr.getAttribute('data-b')) })),
  );
  assert.deepEqual(
    rows,
    a.map((c, i) => ({ label: c.label, indexA: String(i), indexB: String(i), a: c.metrics!.mmd2, b: b[i].metrics!.mmd2 })),
  );
  assert.notEqual(rows[0].label, rows[1].label, 'the two DDIM configurations have labels of their own');
  assert.notEqual(rows[0].a, rows[1].a, 'and numbers of their own');
});

async function expectRows(page: Page, names: string[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  let got: string[] = [];
  for (;;) {
    got = await page.locator('[data-testid="saved-run"] .saved-run-name').allInnerTexts();
    if (JSON.stringify(got) === JSON.stringify(names)) return;
    if (Date.now() > deadline) throw new Error(`saved runs listed: ${JSON.stringify(got)}, expected ${JSON.stringify(names)}`);
    await page.waitForTimeout(100);
  }
}

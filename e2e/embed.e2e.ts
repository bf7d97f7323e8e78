// Embed mode (issue 8, "Embed and export"): the PDE lab's "Copy embed code" gives an iframe snippet (in a text field
// when the clipboard refuses); the test page
// (public/embed-test.html), served from another origin, frames that link with `hide=`; inside the frame the hidden
// panels are gone (checked by role and name) and a bad id is named in a notice; the frame posts `ready`, then
// `metrics` equal to what its own `window.stepscope.pde` reports; play, pause, step and reset sent by the host
// page change the frame's state; a malformed message is logged and changes nothing.

import assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import { BASE_URL, isFiniteNumber, test } from './harness.ts';

/**
 * The host page's origin: the same server under its other loopback name, so the figure is framed cross-origin as on
 * a course site. It has to be a real server: Chromium's local-network-access checks block a page whose response
 * came from a Playwright route (no address, so "public") from framing a loopback address; and both names are
 * secure contexts, so the frame keeps WebGPU. A server under any other name is framed from its own origin.
 */
function hostOrigin(base: string): string {
  const url = new URL(base);
  if (url.hostname === '127.0.0.1') url.hostname = 'localhost';
  else if (url.hostname === 'localhost') url.hostname = '127.0.0.1';
  return url.origin;
}

interface Stats {
  min: number[];
  max: number[];
  mean: number[];
  meanSquare: number[];
  maxAbs: number[];
}
interface Message {
  source: string;
  version: number;
  lab: string;
  type: 'ready' | 'metrics' | 'state';
  hidden?: string[];
  commands?: string[];
  steps?: number;
  time?: number;
  stats?: Stats | null;
  stepper?: string;
  playing?: boolean;
  command?: string;
  ignored?: string;
}
interface PdeState {
  playing: boolean;
  steps: number;
  time: number;
  stepper?: string;
  stats: Stats | null;
  runs: { stepper: string }[];
}

const messages = (page: Page) => page.evaluate(() => (window as unknown as { embedMessages: Message[] }).embedMessages.slice());
const frameState = (frame: Frame) => frame.evaluate(() => (window as unknown as { stepscope: { pde: { state(): PdeState } } }).stepscope.pde.state());
const send = (page: Page, message: unknown) => page.evaluate((m) => (window as unknown as { sendToFigure(m: unknown): void }).sendToFigure(m), message);

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    const got = await probe().catch((error: unknown) => ((last = error), null));
    if (got) return got;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000} s${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** waits until the latest `metrics` message equals the frame's hook (the numbers move while playing; not while paused) */
async function metricsMatchHook(page: Page, frame: Frame, what: string): Promise<{ message: Message; state: PdeState }> {
  return until(`${what}: the latest metrics message equals window.stepscope.pde.state()`, async () => {
    const [all, state] = await Promise.all([messages(page), frameState(frame)]);
    const message = all.filter((m) => m.type === 'metrics').at(-1);
    if (!message) return null;
    const same = message.steps === state.steps && message.time === state.time && JSON.stringify(message.stats) === JSON.stringify(state.stats) && message.stepper === state.runs[0]?.stepper;
    return same ? { message, state } : null;
  });
}

test('embed: copy embed code, a cross-origin iframe with hide=, ready + metrics equal to the hook, play/pause/step/reset from the host', async ({ page, context, screenshot }) => {
  const consoleLines: string[] = [];
  page.on('console', (m) => consoleLines.push(m.text()));

  // 1. the normal PDE lab page: "Copy embed code" puts an iframe of the current link (embed=1) on the clipboard
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(BASE_URL).origin });
  await page.goto(`${BASE_URL}?lab=pde`);
  // a clipboard that refuses: the snippet appears in a labelled, read-only text field instead
  await page.evaluate(() => Object.defineProperty(navigator.clipboard, 'writeText', { value: () => Promise.reject(new Error('denied')), configurable: true }));
  await page.getByRole('button', { name: 'Copy embed code' }).click();
  const field = page.getByLabel('The clipboard refused; copy the embed code:');
  await field.waitFor({ timeout: 10_000 });
  assert.match(await field.inputValue(), /^<iframe src="[^"]*embed=1" title="Stepscope PDE lab"/);
  assert.equal(await field.getAttribute('readonly'), '');
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  assert.equal(await field.count(), 0, 'the field closes');
  await page.evaluate(() => delete (navigator.clipboard as unknown as { writeText?: unknown }).writeText);
  await page.getByRole('button', { name: 'Copy embed code' }).click();
  await page.getByRole('button', { name: 'Embed code copied' }).waitFor({ timeout: 15_000 });
  const snippet = await page.evaluate(() => navigator.clipboard.readText());
  const src = /^<iframe src="([^"]+)" title="Stepscope PDE lab"/.exec(snippet)?.[1]?.replace(/&amp;/g, '&');
  assert.ok(src, `the snippet is an iframe of the PDE link: ${snippet}`);
  const embedLink = new URL(src);
  assert.equal(embedLink.origin, new URL(BASE_URL).origin);
  assert.equal(embedLink.searchParams.get('embed'), '1');
  assert.equal(embedLink.searchParams.get('lab'), 'pde');
  assert.ok(embedLink.searchParams.get('pde'), 'the snippet carries the PDE spec');

  // 2. the test page from another origin frames that link, hiding two panels and naming one that does not exist
  embedLink.searchParams.set('hide', 'spectrum,convergence,sidebar');
  await page.goto(`${new URL('embed-test.html', `${hostOrigin(BASE_URL)}${new URL(BASE_URL).pathname}`)}?src=${encodeURIComponent(embedLink.toString())}`);
  const frame = await until('the figure frame loads the app', async () => (await page.locator('iframe#figure').elementHandle())?.contentFrame());
  await frame.waitForFunction(() => (window as unknown as { stepscope?: unknown }).stepscope, null, { timeout: 30_000 });
  await frame.evaluate(() => (window as unknown as { stepscope: { ready: Promise<void> } }).stepscope.ready);

  // hidden: the header (embed default), the controls (embed default), the two asked for; shown: the rest
  const count = (role: Parameters<Frame['getByRole']>[0], name?: string) => frame.getByRole(role, name ? { name, exact: true } : {}).count();
  assert.equal(await count('banner'), 0, 'no header in embed mode');
  assert.equal(await count('complementary', 'PDE controls'), 0, 'no controls sidebar in embed mode');
  assert.equal(await count('region', 'Energy spectrum'), 0, 'hide=spectrum');
  assert.equal(await count('region', 'Convergence study'), 0, 'hide=convergence');
  assert.equal(await count('region', 'Invariants over time'), 1, 'not hidden: invariants');
  assert.equal(await count('region', 'Stability region'), 1, 'not hidden: stability');
  assert.equal(await count('toolbar', 'Run'), 1, 'not hidden: the run bar');
  await frame.getByRole('link', { name: /Open full page/ }).waitFor({ timeout: 5_000 });
  const notices = await frame.getByTestId('notice').allInnerTexts();
  assert.ok(
    notices.some((t) => t.includes('hide: unknown panel id "sidebar" for the PDE lab; allowed: header, controls, runbar, fields, views, invariants, spectrum, stability, convergence, footer')),
    `a notice names the bad id and the allowed ids: ${JSON.stringify(notices)}`,
  );

  // 3. ready first, then metrics with finite numbers equal to the frame's hook
  await until('ready and metrics posted', async () => (await messages(page)).some((m) => m.type === 'metrics'));
  const first = await messages(page);
  assert.equal(first[0].type, 'ready', `the first message is ready: ${JSON.stringify(first[0])}`);
  assert.deepEqual(
    { source: first[0].source, version: first[0].version, lab: first[0].lab, hidden: first[0].hidden, commands: first[0].commands },
    { source: 'stepscope', version: 1, lab: 'pde', hidden: ['header', 'controls', 'spectrum', 'convergence'], commands: ['play', 'pause', 'reset', 'step'] },
  );
  const start = await metricsMatchHook(page, frame, 'after load');
  assert.equal(start.message.steps, 0);
  const finite = (m: Message) => isFiniteNumber(m.steps) && isFiniteNumber(m.time) && !!m.stats && Object.values(m.stats).every((v) => v.length > 0 && v.every(isFiniteNumber));
  assert.ok(finite(start.message), `finite numbers: ${JSON.stringify(start.message)}`);

  // 4. play from the host: the frame's steps advance and the metrics follow
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await until('steps advance after play', async () => (await frameState(frame)).steps >= 5);
  await until('metrics with advancing steps posted', async () => (await messages(page)).some((m) => m.type === 'metrics' && (m.steps ?? 0) > 0));

  // 5. pause: the steps stop; the latest metrics equal the hook
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  const pauseAnswer = await until('pause answered', async () => (await messages(page)).find((m) => m.type === 'state' && m.command === 'pause' && m.playing === false && !m.ignored));
  const paused = await metricsMatchHook(page, frame, 'after pause');
  assert.equal(pauseAnswer.steps, paused.state.steps, 'the pause answer names the step the run stopped at');
  assert.ok(paused.state.steps >= 5 && !paused.state.playing);
  assert.ok(finite(paused.message), `finite numbers: ${JSON.stringify(paused.message)}`);
  await page.waitForTimeout(700);
  assert.equal((await frameState(frame)).steps, paused.state.steps, 'no steps while paused');

  // 6. step: exactly one more
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await until('one step', async () => (await frameState(frame)).steps === paused.state.steps + 1);
  await metricsMatchHook(page, frame, 'after step');

  // 7. a malformed message is logged and changes nothing
  const before = await messages(page);
  await send(page, { source: 'stepscope-host', type: 'play', code: 'alert(1)' });
  await send(page, { source: 'stepscope-host', type: 'eval' });
  await until('malformed messages logged', async () => consoleLines.filter((l) => l.startsWith('stepscope embed: ignored a message')).length >= 2, 5_000);
  await page.waitForTimeout(400);
  const still = await frameState(frame);
  assert.equal(still.playing, false);
  assert.equal(still.steps, paused.state.steps + 1);
  assert.equal((await messages(page)).filter((m) => m.type === 'state').length, before.filter((m) => m.type === 'state').length, 'no answer to a malformed message');
  assert.ok(consoleLines.some((l) => l.includes('unexpected field "code"; allowed: source, type, version')), consoleLines.join('\n'));
  assert.ok(consoleLines.some((l) => l.includes('type: "eval" is not a command; allowed: play, pause, reset, step')), consoleLines.join('\n'));

  // 8. reset: back to step 0 and time 0, reported to the host
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  await until('reset answered', async () => (await messages(page)).some((m) => m.type === 'state' && m.command === 'reset' && m.steps === 0 && m.time === 0));
  const reset = await metricsMatchHook(page, frame, 'after reset');
  assert.equal(reset.state.steps, 0);
  assert.equal(reset.state.time, 0);
  assert.deepEqual(reset.message.stats, start.message.stats, 'reset returns to the initial field');
  await screenshot(page, 'embed-host.png');
});

interface SolverMetrics {
  solver: string;
  nfe: number;
  mmd2: number;
  energy: number;
  rmse: number;
}

test('embed: the sampler lab hides the requested panels and posts per-solver metrics equal to the hook; reset runs again', async ({ page }) => {
  // the default spec with 256 particles (a format-1 link: base64url of its JSON), quick on SwiftShader
  const spec = { version: 1, kind: 'sample', process: { type: 'vp-linear', beta0: 0.1, beta1: 20 }, target: { type: 'preset', name: 'ring8' }, solver: { name: 'dpmpp-2m' }, schedule: { type: 'logsnr' }, nfe: 10, tStart: 1, tEnd: 0.001, n: 256, seed: 0 };
  const link = `${BASE_URL}?spec=${Buffer.from(JSON.stringify(spec)).toString('base64url')}&embed=1&hide=grid,methods,claims,runs`;
  await page.goto(`${new URL('embed-test.html', `${hostOrigin(BASE_URL)}${new URL(BASE_URL).pathname}`)}?src=${encodeURIComponent(link)}`);
  const frame = await until('the figure frame loads the app', async () => (await page.locator('iframe#figure').elementHandle())?.contentFrame());
  await frame.waitForFunction(() => (window as unknown as { stepscope?: unknown }).stepscope, null, { timeout: 30_000 });

  const count = (name: string) => frame.getByRole('region', { name, exact: true }).count();
  for (const hidden of ['Time grids', 'Paper claims', 'Saved runs']) assert.equal(await count(hidden), 0, `hidden: ${hidden}`);
  assert.equal(await count('Quality against NFE'), 1, 'not hidden: quality');
  assert.equal(await frame.getByRole('complementary', { name: 'Controls', exact: true }).count(), 0, 'no controls in embed mode');
  assert.equal(await frame.getByRole('banner').count(), 0, 'no header in embed mode');

  const metrics = async () => (await messages(page)).filter((m) => m.type === 'metrics') as unknown as (Message & { solvers: SolverMetrics[] })[];
  await until('metrics posted after the first run', async () => (await metrics()).length > 0, 60_000);
  const all = await messages(page);
  assert.equal(all[0].type, 'ready');
  assert.deepEqual(all[0].commands, ['reset']);
  const posted = (await metrics()).at(-1)!;
  assert.deepEqual(posted.solvers.map((s) => s.solver), ['dpmpp-2m', 'ddim'], 'one entry per shown solver, the spec’s first');
  for (const s of posted.solvers) assert.ok([s.nfe, s.mmd2, s.energy, s.rmse].every(isFiniteNumber), `finite metrics: ${JSON.stringify(s)}`);
  // the hook runs the same spec (same seed, same kernels): the same numbers as the posted primary solver's
  const hook = await frame.evaluate(() => (window as unknown as { stepscope: { run(): Promise<{ mmd2: number; energy: number; rmse: number; nfe: number }> } }).stepscope.run());
  const primary = posted.solvers[0];
  assert.deepEqual({ mmd2: primary.mmd2, energy: primary.energy, rmse: primary.rmse, nfe: primary.nfe }, { mmd2: hook.mmd2, energy: hook.energy, rmse: hook.rmse, nfe: hook.nfe });

  // reset runs the spec again; play is not a sampler command and says so
  const before = (await metrics()).length;
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await until('play answered as ignored', async () => (await messages(page)).some((m) => m.type === 'state' && m.command === 'play' && /not available in the sampler lab/.test(m.ignored ?? '')));
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  await until('reset answered', async () => (await messages(page)).some((m) => m.type === 'state' && m.command === 'reset' && !m.ignored), 60_000);
  // the answer is followed by the rerun's metrics: the same numbers (same seed)
  const after = await messages(page);
  const answer = after.findIndex((m) => m.type === 'state' && m.command === 'reset');
  const rerun = after.slice(answer + 1).find((m) => m.type === 'metrics') as (Message & { solvers: SolverMetrics[] }) | undefined;
  assert.ok(rerun && (await metrics()).length > before, `metrics follow the reset answer: ${JSON.stringify(after.slice(answer))}`);
  assert.deepEqual(rerun.solvers.map((s) => [s.solver, s.mmd2, s.rmse]), posted.solvers.map((s) => [s.solver, s.mmd2, s.rmse]), 'the same numbers after reset');
});

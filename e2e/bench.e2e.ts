// The in-app benchmark page (issue #9, "Done when": the page shows achieved GB/s and the fraction of the measured
// copy bandwidth per kernel) in real Chromium on WebGPU (SwiftShader): run it from its button, read the figures
// through `window.stepscope.bench`, check them against each other and against the table; cancel a run; axe.
// Timings themselves are never asserted (DESIGN §5), only their consistency. Screenshots for people.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { JSHandle, Page } from 'playwright-core';
import type { BenchState } from '../src/ui/bench/benchStore.ts';
import { BASE_URL, isFiniteNumber, openApp, test } from './harness.ts';

interface Hook {
  status: string;
  bench: { state(): BenchState; run(): Promise<unknown>; cancel(): void };
}

async function benchState(app: JSHandle<unknown>): Promise<BenchState> {
  return (app as JSHandle<Hook>).evaluate((s) => s.bench.state());
}

async function waitForStatus(page: Page, app: JSHandle<unknown>, want: (s: BenchState) => boolean, what: string, ms: number): Promise<BenchState> {
  const deadline = Date.now() + ms;
  let last = await benchState(app);
  while (!want(last)) {
    assert.ok(Date.now() < deadline, `${what}: still ${JSON.stringify({ status: last.status, progress: last.progress, error: last.error })} after ${ms / 1000} s`);
    await page.waitForTimeout(100);
    last = await benchState(app);
  }
  return last;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

test('benchmark page: GB/s and % of the copy bandwidth per kernel, consistent with bytes ÷ time, shown in the table', async ({ page, screenshot }) => {
  const started = Date.now();
  const app = await openApp(page, `${BASE_URL}?lab=bench`);
  assert.equal(await app.evaluate((s) => (s as unknown as Hook).status), 'software', 'e2e runs on SwiftShader');
  assert.equal((await benchState(app)).status, 'idle');
  // the page: the lab switcher shows Benchmark, the adapter, the sentence about the fraction, the timing method
  assert.equal(await page.getByRole('navigation', { name: 'Lab' }).getByRole('button', { name: 'Benchmark' }).getAttribute('aria-pressed'), 'true');
  assert.match((await page.getByTestId('bench-adapter').textContent()) ?? '', /swiftshader/i);
  assert.match((await page.getByTestId('bench-meaning').textContent()) ?? '', /memory-bound.*copy bandwidth.*ceiling/);
  // the app's device asks for timestamp-query where the adapter offers it (src/gpu/device.ts); the page says which
  // method it uses, and the run reports the same
  const timingText = (await page.getByTestId('bench-timing').textContent()) ?? '';

  await page.getByRole('button', { name: 'Run benchmark' }).click();
  await waitForStatus(page, app, (s) => s.status === 'running', 'the run starts', 5_000);
  assert.equal(await page.getByRole('button', { name: 'Cancel' }).isEnabled(), true, 'Cancel is offered while running');
  const done = await waitForStatus(page, app, (s) => s.status !== 'running', 'the run finishes', 50_000);
  assert.equal(done.status, 'done', `the run ended ${done.status}: ${done.error}`);
  assert.deepEqual(done.failures, [], 'no case failed');

  const copy = done.copy!;
  assert.ok(isFiniteNumber(copy.gbPerS) && copy.gbPerS > 0, `copy bandwidth ${copy.gbPerS}`);
  assert.equal(copy.bytes, 2 * copy.size, 'a copy moves its size twice (read + write)');
  assert.ok(Math.abs(copy.gbPerS - copy.bytes / (copy.ms * 1e6)) <= 1e-9 * copy.gbPerS, 'copy GB/s = bytes / ms');
  const method = done.report!.timestampQuery ? 'timestamp' : 'wall';
  assert.match(timingText, done.report!.timestampQuery ? /timestamp/i : /wall-clock/, `the page names the timing method (${method})`);
  assert.equal(copy.method, method);

  const rows = done.report!.cases;
  assert.deepEqual(rows.map((r) => r.id), ['sampler', 'fft', 'pde'], 'every kernel measured');
  for (const r of rows) {
    for (const key of ['ms', 'bytes', 'gbPerS', 'fraction'] as const) assert.ok(isFiniteNumber(r[key]) && r[key] > 0, `${r.id}.${key} = ${r[key]}`);
    // GB/s = bytes / (ms · 10⁶), and the fraction is GB/s over the copy's GB/s, within float rounding
    assert.ok(Math.abs(r.gbPerS - r.bytes / (r.ms * 1e6)) <= 1e-9 * r.gbPerS, `${r.id}: ${r.gbPerS} GB/s vs ${r.bytes} B / ${r.ms} ms`);
    assert.ok(Math.abs(r.fraction - r.gbPerS / copy.gbPerS) <= 1e-9 * r.fraction, `${r.id}: fraction ${r.fraction} vs ${r.gbPerS} / ${copy.gbPerS}`);
    // the sampler submits by itself, so it is wall time either way (engine/bench/timing.ts)
    assert.equal(r.method, r.id === 'sampler' ? 'wall' : method, `${r.id}: timed by ${method}`);
  }
  // the software sizes (engine/bench/gpuBench.ts SOFTWARE_SIZES) and their bytes models
  const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
  assert.equal(byId.fft.size, '256²');
  assert.equal(byId.fft.bytes, 2 * 2 * 2 * 8 * 256 * 256);
  assert.equal(byId.pde.size, '64²');
  assert.equal(byId.pde.bytes, 147 * 8 * 64 * 64);
  // x_T written (P = n·d·4), then per DDIM step read x + the mixture (8 × 9 f32), write x
  assert.equal(byId.sampler.size, 'n = 4 096 · 10 steps');
  assert.equal(byId.sampler.bytes, 4096 * 2 * 4 + 10 * (2 * 4096 * 2 * 4 + 288));

  // the table shows the same figures (three significant digits), one row per kernel
  const table = page.getByRole('table');
  await table.getByTestId('bench-row').nth(2).waitFor();
  const shown = await table.getByTestId('bench-row').evaluateAll((trs) =>
    trs.map((tr) => ({ id: tr.getAttribute('data-case'), gbps: tr.querySelector('[data-testid="bench-gbps"]')?.textContent ?? '', fraction: tr.querySelector('[data-testid="bench-fraction"]')?.textContent ?? '' })),
  );
  assert.deepEqual(shown.map((r) => r.id), ['sampler', 'fft', 'pde']);
  for (const r of shown) {
    const want = byId[r.id!];
    const gbps = Number(r.gbps);
    const percent = Number(r.fraction.replace('%', '').trim());
    assert.ok(Math.abs(gbps - want.gbPerS) <= 0.006 * want.gbPerS, `${r.id}: table shows ${r.gbps} GB/s, the hook ${want.gbPerS}`);
    assert.ok(Math.abs(percent - 100 * want.fraction) <= 0.006 * 100 * want.fraction, `${r.id}: table shows ${r.fraction}, the hook ${want.fraction}`);
  }
  assert.match((await page.getByTestId('bench-copy').textContent()) ?? '', /Copy bandwidth: [\d.]+ GB\/s/);
  assert.match((await page.getByTestId('bench-status').textContent()) ?? '', /^Done in/);

  // accessibility: axe over the page with the table filled (the built app's CSP forbids inline scripts: evaluate)
  await page.evaluate(axeSource);
  const axe = (await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(d: Document): Promise<{ violations: { id: string; impact: string | null; help: string }[]; passes: unknown[] }> } }).axe.run(document);
    return { violations: result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help })), passes: result.passes.length };
  })) as { violations: { id: string; impact: string | null; help: string }[]; passes: number };
  assert.ok(axe.passes > 15, `axe passed only ${axe.passes} rules`);
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious, [], 'no serious or critical accessibility violations');

  await screenshot(page, 'bench-page.png');
  console.log(
    `  copy ${copy.gbPerS.toFixed(2)} GB/s; ` +
      rows.map((r) => `${r.id} ${r.size}: ${r.ms.toFixed(2)} ms, ${(r.bytes / 1e6).toFixed(2)} MB, ${r.gbPerS.toFixed(3)} GB/s, ${(100 * r.fraction).toFixed(2)} % of copy`).join('; ') +
      `; benchmark ${(done.report!.totalMs / 1000).toFixed(1)} s, test ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
});

test('benchmark page: Cancel stops a run between submits and keeps what was measured; the page stays responsive', async ({ page }) => {
  const app = await openApp(page, `${BASE_URL}?lab=bench`);
  // the main thread's longest gap between 50 ms timers while the benchmark runs (reported, not asserted)
  await page.evaluate(() => {
    const w = window as unknown as { __gap: number; __last: number; __timer: number };
    w.__gap = 0;
    w.__last = performance.now();
    w.__timer = window.setInterval(() => {
      const now = performance.now();
      w.__gap = Math.max(w.__gap, now - w.__last);
      w.__last = now;
    }, 50);
  });
  await page.getByRole('button', { name: 'Run benchmark' }).click();
  // cancel once the copy is measured and the first kernel is running
  const during = await waitForStatus(page, app, (s) => s.copy !== null || s.status !== 'running', 'the copy is measured', 30_000);
  assert.equal(during.status, 'running', `the run ended (${during.status}) before it could be cancelled`);
  const clicked = Date.now();
  await page.getByRole('button', { name: 'Cancel' }).click();
  const after = await waitForStatus(page, app, (s) => s.status !== 'running', 'the run stops after Cancel', 20_000);
  const stopMs = Date.now() - clicked;
  assert.equal(after.status, 'cancelled');
  assert.ok(after.copy && after.copy.gbPerS > 0, 'the copy bandwidth measured before the cancel stays');
  assert.ok(after.cases.length < 3, `cancelled before the end (${after.cases.length} cases done)`);
  assert.equal(after.report, null, 'no report for a cancelled run');
  assert.match((await page.getByTestId('bench-status').textContent()) ?? '', /Cancelled/);
  assert.equal(await page.getByRole('button', { name: 'Run benchmark' }).isEnabled(), true, 'a new run can start');
  assert.equal(await page.getByRole('button', { name: 'Cancel' }).isEnabled(), false);
  const gap = await page.evaluate(() => {
    const w = window as unknown as { __gap: number; __timer: number };
    clearInterval(w.__timer);
    return w.__gap;
  });
  console.log(`  stopped ${stopMs} ms after Cancel with ${after.cases.length} case(s) done; longest main-thread gap during the run ${gap.toFixed(0)} ms`);
});

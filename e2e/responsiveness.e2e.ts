// Issue #11's responsiveness figure: with 3 configurations on a 2D preset at default sizes, how long from a
// keyboard step of the NFE slider until the quality chart has redrawn at the new NFE, which it does once the live
// runs of all three configurations are in: the marker (views().quality.currentNfe) and the three rings of their MMD²
// (views().quality.live); SW2, mode mass and NLL follow (controller.ts, two phases).
// Reported (printed and written to test-results/nfe-slider.json), never asserted: timings are benchmark figures.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_URL, RESULTS_DIR, addConfiguration, openApp, test } from './harness.ts';

interface ShownRun {
  status: string;
  configurations: { nfe: number; times: number[]; metrics: { mmd2: number; rmse: number; sw2: number | null; modeMass: number | null } | null }[];
}

test('NFE slider with 3 configurations: time until the quality chart shows the new NFE (reported)', async ({ page }) => {
  const app = await openApp(page, BASE_URL);
  // DDIM is compared by default; UniPC is added as a third configuration
  await addConfiguration(page, 'unipc');
  const cards = page.getByRole('group', { name: 'Configurations to compare' });
  assert.equal(await cards.getByRole('group').count(), 3, 'two compared configurations beside the primary');
  assert.deepEqual((await app.evaluate((s) => s.getSpec())).compare, [{ solver: { name: 'ddim' } }, { solver: { name: 'unipc' } }]);
  // the chart has drawn the new NFE's marker and the live run's three rings (MMD², the default metric) there
  const chartAt = (nfe: number) =>
    page.waitForFunction(
      (want) => {
        const quality = (window as unknown as { stepscope: { views(): { quality: { currentNfe: number; live: { nfe: number }[] } | null } } }).stepscope.views().quality;
        return quality?.currentNfe === want && quality.live.length === 3 && quality.live.every((ring) => ring.nfe === want);
      },
      nfe,
      { timeout: 120_000, polling: 50 },
    );
  const start = (await app.evaluate((s) => s.getSpec())).nfe as number;
  await app.evaluate((s) => s.run());
  await chartAt(start);

  const figures: number[] = [];
  const slider = page.getByLabel(/Steps budget/);
  for (const [step, key] of [
    [1, 'ArrowRight'],
    [2, 'ArrowRight'],
    [1, 'ArrowLeft'],
  ] as const) {
    const target = start + step;
    await slider.focus();
    const t0 = Date.now();
    await page.keyboard.press(key);
    await chartAt(target);
    figures.push(Date.now() - t0);
    // the flow view draws the new run (its lines are resized in place for the new step count, flowView.ts)
    const shown = await app.evaluate((s) => (s as unknown as { shown(): ShownRun | null }).shown());
    const steps = (shown?.configurations[0].times.length ?? 0) - 1;
    assert.equal(shown?.configurations[0].nfe, target);
    // what the chart updates with: every configuration's run and distances (SW2 and mode mass may follow, below)
    assert.equal(shown?.configurations.length, 3);
    for (const c of shown!.configurations) assert.ok(Number.isFinite(c.metrics?.mmd2) && Number.isFinite(c.metrics?.rmse), JSON.stringify(c.metrics));
    await page.locator('.flow-time').getByText(new RegExp(`/ ${steps}$`)).waitFor({ timeout: 30_000 });
  }
  // the run settles with the diagnostics of every configuration, measured after the chart was drawn
  await page.waitForFunction(
    () => {
      const shown = (window as unknown as { stepscope: { shown(): ShownRun | null } }).stepscope.shown();
      return shown?.status === 'done' && shown.configurations.every((c) => Number.isFinite(c.metrics?.sw2) && Number.isFinite(c.metrics?.modeMass));
    },
    undefined,
    { timeout: 60_000, polling: 100 },
  );
  const spec = await app.evaluate((s) => s.getSpec());
  const report = { configurations: 3, n: spec.n, target: spec.target, msToChartUpdate: figures, medianMs: [...figures].sort((a, b) => a - b)[1] };
  console.log(`  NFE slider → quality chart with 3 configurations (n = ${spec.n}): ${figures.join(', ')} ms (median ${report.medianMs} ms)`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'nfe-slider.json'), JSON.stringify(report, null, 2));
});

test('NFE slider stepped quickly: runs superseded before their diagnostics, the last one settles with every metric', async ({ page }) => {
  const app = await openApp(page, BASE_URL);
  await app.evaluate((s) => s.run());
  const start = (await app.evaluate((s) => s.getSpec())).nfe as number;
  // watch the shown run from inside the page (every 20 ms), so that the short 'measuring' states are seen
  await page.evaluate(() => {
    const seen: { status: string; nfe: number; mmd2: boolean; sw2: boolean }[] = [];
    (window as unknown as { seenRuns: typeof seen }).seenRuns = seen;
    setInterval(() => {
      const shown = (window as unknown as { stepscope: { shown(): ShownRun | null } }).stepscope.shown();
      const c = shown?.configurations[0];
      if (shown && c) seen.push({ status: shown.status, nfe: c.nfe, mmd2: Number.isFinite(c.metrics?.mmd2), sw2: Number.isFinite(c.metrics?.sw2) });
    }, 20);
  });
  const slider = page.getByLabel(/Steps budget/);
  await slider.focus();
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(400);
  }
  const target = start + 4;
  await page.waitForFunction(
    (want) => {
      const shown = (window as unknown as { stepscope: { shown(): ShownRun | null } }).stepscope.shown();
      return shown?.status === 'done' && shown.configurations.every((c) => c.nfe === want);
    },
    target,
    { timeout: 60_000, polling: 50 },
  );
  const shown = await app.evaluate((s) => (s as unknown as { shown(): ShownRun | null }).shown());
  for (const c of shown!.configurations) assert.ok([c.metrics?.mmd2, c.metrics?.rmse, c.metrics?.sw2, c.metrics?.modeMass].every(Number.isFinite), JSON.stringify(c.metrics));
  const seen = await page.evaluate(() => (window as unknown as { seenRuns: { status: string; nfe: number; mmd2: boolean; sw2: boolean }[] }).seenRuns);
  // a run is shown with its distances before its diagnostics ('measuring', no SW2 yet) ...
  assert.ok(seen.some((s) => s.status === 'measuring' && s.mmd2 && !s.sw2), 'a measuring state with MMD² and without SW2');
  // ... and an intermediate NFE's diagnostics are skipped once the next step is wanted: it never shows as done
  const doneAt = new Set(seen.filter((s) => s.status === 'done').map((s) => s.nfe));
  const skipped = [start + 1, start + 2, start + 3].filter((nfe) => seen.some((s) => s.nfe === nfe) && !doneAt.has(nfe));
  assert.ok(skipped.length > 0, `some intermediate NFE is never done: done at ${[...doneAt].join(', ')}`);
  assert.ok(doneAt.has(target));
});

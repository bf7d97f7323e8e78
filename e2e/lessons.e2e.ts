// Lessons (issue #8 "Lessons"): every bundled lesson loads from its link, runs its figures (float64, in a worker),
// shows the numbers its checks compare, and its claim holds; the numbers are exactly those of `stepscope lesson`
// (the same float64 engine); an instructor's malformed file shows its error in place of the lesson; a figure below
// the fold does not run until it is scrolled into view; lessons run without WebGPU.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JSHandle, Page } from 'playwright-core';
import { BASE_URL, openApp, pollViews, test } from './harness.ts';

interface FigureReport {
  status: string;
  axis: number[];
  labels: string[];
  metrics: string[];
  values: { metric: string; series: (number | null)[][] }[];
  shown: string[][][];
  checks: { text: string; holds: boolean }[];
  holds: boolean | null;
}
interface LessonReport {
  id: string | null;
  fileName: string;
  error: string | null;
  title?: string;
  claim?: string;
  figures: FigureReport[];
}
type LessonHook = { views(): { lesson: LessonReport | null } };

const LESSON_IDS = (JSON.parse(readFileSync('public/lessons/index.json', 'utf8')) as { lessons: string[] }).lessons;
const lessonUrl = (id: string) => `${BASE_URL}?lab=lessons&lesson=${id}`;

/** scroll each figure into view in turn and wait for all of them to finish; returns the lesson's report */
async function runAllFigures(page: Page, app: JSHandle<LessonHook>, id: string): Promise<LessonReport> {
  await pollViews(page, app, (v) => v.lesson?.id === id, `lesson ${id} shown`);
  const figures = page.getByTestId('lesson-figure');
  const count = await figures.count();
  for (let i = 0; i < count; i++) {
    await figures.nth(i).scrollIntoViewIfNeeded();
    await pollViews(page, app, (v) => v.lesson?.figures[i]?.status === 'done' || v.lesson?.figures[i]?.status === 'error', `${id}: figure ${i + 1} finished`, 170_000);
  }
  return (await app.evaluate((s) => s.views().lesson))!;
}

/** the table's text is the report's numbers (what the checks compared is what the reader sees) */
async function expectTableShows(page: Page, figureIndex: number, report: FigureReport, context: string): Promise<void> {
  const table = page.getByRole('table', { name: `Figure ${figureIndex + 1}: the measured numbers` });
  for (const [m, metric] of report.metrics.entries()) {
    for (const s of report.labels.keys()) {
      for (const [a, x] of report.axis.entries()) {
        const cell = table.locator(`td[data-series="${s}"][data-metric="${metric}"][data-x="${x}"]`);
        assert.equal((await cell.innerText()).trim(), report.shown[m][s][a], `${context}: ${report.labels[s]} · ${metric} at ${x}`);
        const value = report.values[m].series[s][a];
        // measured: a number (a blow-up that never came is NaN, shown as "never")
        assert.notEqual(value, null, `${context}: ${report.labels[s]} · ${metric} at ${x} measured`);
        if (metric === 'blowUp' && Number.isNaN(value)) assert.equal(report.shown[m][s][a], 'never');
        else if (value !== null && Number.isFinite(value)) assert.equal(report.shown[m][s][a], value.toPrecision(3));
      }
    }
  }
}

test(
  'lessons: each lesson loads from its link, runs its figures and shows the numbers that prove its claim',
  async ({ page, screenshot }) => {
    assert.ok(LESSON_IDS.length >= 10, `at least 10 lessons: ${LESSON_IDS.length}`);
    // the index lists every lesson with its claim, and a click opens one
    const index = (await openApp(page, `${BASE_URL}?lab=lessons`)) as unknown as JSHandle<LessonHook>;
    const list = page.getByRole('region', { name: 'Lessons' }).getByRole('listitem');
    await list.nth(LESSON_IDS.length - 1).waitFor();
    assert.equal(await list.count(), LESSON_IDS.length, 'one entry per lesson');
    await list.first().getByRole('link').click();
    await pollViews(page, index, (v) => v.lesson?.id === LESSON_IDS[0], 'the first lesson opened from the index');
    assert.ok(page.url().includes(`lesson=${LESSON_IDS[0]}`), `the address names the lesson: ${page.url()}`);

    const timings: string[] = [];
    for (const id of LESSON_IDS) {
      const started = Date.now();
      const app = (await openApp(page, lessonUrl(id))) as unknown as JSHandle<LessonHook>;
      const opened = await pollViews(page, app, (v) => v.lesson?.id === id && v.lesson, `lesson ${id} shown`);
      assert.equal(opened.error, null, `${id}: no error`);
      // the claim is on the page, as stated in the file
      assert.equal((await page.getByTestId('lesson-claim').innerText()).replace(/^Claim\.\s*/, '').trim(), opened.claim);
      const report = await runAllFigures(page, app, id);
      report.figures.forEach((figure, i) => {
        assert.equal(figure.status, 'done', `${id} figure ${i + 1}: ${JSON.stringify(figure).slice(0, 500)}`);
        assert.ok(figure.checks.length > 0, `${id} figure ${i + 1} has checks`);
        for (const check of figure.checks) assert.ok(check.holds, `${id} figure ${i + 1}: ${check.text}`);
        assert.equal(figure.holds, true);
      });
      for (const [i, figure] of report.figures.entries()) await expectTableShows(page, i, figure, id);
      const verdicts = page.getByTestId('lesson-verdict');
      assert.equal(await verdicts.count(), report.figures.length);
      for (const text of await verdicts.allInnerTexts()) assert.match(text, /^Shown: all \d+ checks hold/);
      timings.push(`${id} ${((Date.now() - started) / 1000).toFixed(1)} s`);
      if (id === 'kdv-complex-phi' || id === 'ddim-vs-dpm-solver') await screenshot(page, `lesson-${id}.png`);
    }
    console.log(`  lessons: ${timings.join(', ')}`);
  },
  { timeoutMs: 900_000 },
);

test('lessons: a lesson shows the numbers of `stepscope lesson FILE.md --backend cpu`', async ({ page }) => {
  const id = 'kdv-complex-phi';
  const dir = mkdtempSync(join(tmpdir(), 'stepscope-lesson-'));
  execFileSync(process.execPath, ['bin/stepscope.mjs', 'lesson', `public/lessons/${id}.md`, '--backend', 'cpu', '--out', join(dir, 'r.json')], { stdio: 'pipe' });
  const cli = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { holds: boolean; figures: { points: { series: number; x: number; values: Record<string, number | null> }[] }[] };
  assert.equal(cli.holds, true);
  const app = (await openApp(page, lessonUrl(id))) as unknown as JSHandle<LessonHook>;
  const report = await runAllFigures(page, app, id);
  const figure = report.figures[0];
  const errors = figure.values.find((v) => v.metric === 'error')!;
  for (const point of cli.figures[0].points) {
    const inPage = errors.series[point.series][figure.axis.indexOf(point.x)];
    // the same float64 program; Node's and Chromium's V8 may round a transcendental function (sin, exp) differently in
    // the last bit, and that round-off (~1e-16 of the solution per step) moves the relative error by ~1e-16 … 1e-13:
    // agreement to 1e-12, where the errors compared are 5e-9 … 8e-2
    const expected = point.values.error!;
    assert.ok(inPage !== null && Math.abs(inPage - expected) <= 1e-12, `series ${point.series} at dt ${point.x}: page ${inPage}, CLI ${expected}`);
  }
});

const GOOD_LESSON = (paragraphs: number) => `---
id: my-lesson
title: My own lesson
claim: RK4 at h = 1/4 blows up on KS while ETDRK4 does not.
source: specs/pde.md §4.4
---

${Array.from({ length: paragraphs }, (_, i) => `Paragraph ${i + 1} of the reading before the figure. `.repeat(8)).join('\n\n')}

\`\`\`stepscope
{ "caption": "KS, h = 1/4", "pde": { "series": [ { "label": "RK4", "preset": "ks-rk4-blows-up" }, { "label": "ETDRK4", "preset": "ks-kassam-trefethen" } ], "metrics": ["maxAbs"], "checks": [ { "blowsUp": { "series": 0 } }, { "finite": { "series": 1 } } ] } }
\`\`\`
`;

test(
  'lessons: a malformed lesson file shows its error in place of the lesson; a figure below the fold runs only once scrolled into view; no WebGPU needed',
  async ({ page }) => {
    await page.setViewportSize({ width: 1024, height: 700 });
    const app = (await openApp(page, `${BASE_URL}?lab=lessons`)) as unknown as JSHandle<LessonHook>;
    const upload = (name: string, text: string) => page.getByTestId('lesson-file').setInputFiles({ name, mimeType: 'text/markdown', buffer: Buffer.from(text) });

    // malformed: a figure whose check names a series the figure does not have
    await upload('broken.md', GOOD_LESSON(1).replace('"series": 1 } }', '"series": 5 } }'));
    const error = await pollViews(page, app, (v) => v.lesson?.error, 'the malformed file reported');
    assert.match(error, /^broken\.md:\d+: figure 1: checks\.1\.finite\.series: got 5; the figure has series 0 … 1/);
    const alert = page.getByTestId('lesson-error');
    assert.equal((await alert.innerText()).trim(), error, 'the error is shown in place of the lesson');
    assert.equal(await page.getByTestId('lesson').count(), 0, 'no lesson is rendered');
    // not JSON at all
    await page.getByRole('button', { name: 'All lessons' }).click();
    await upload('notjson.md', GOOD_LESSON(1).replace('{ "caption"', '{ caption'));
    assert.match(await pollViews(page, app, (v) => v.lesson?.error?.startsWith('notjson.md') && v.lesson.error, 'the JSON error'), /figure 1: not valid JSON/);

    // a valid file with a long reading before its figure: the figure waits while it is off screen
    await page.getByRole('button', { name: 'All lessons' }).click();
    await upload('mine.md', GOOD_LESSON(40));
    await pollViews(page, app, (v) => v.lesson?.id === 'my-lesson', 'the uploaded lesson shown');
    await page.waitForTimeout(1500);
    let report = (await app.evaluate((s) => s.views().lesson))!;
    assert.equal(report.figures[0].status, 'waiting', 'an off-screen figure has not started');
    assert.equal(await page.getByTestId('lesson-figure').getAttribute('data-status'), 'waiting');
    // markdown became elements, not text with asterisks or raw HTML
    assert.ok((await page.locator('.lesson-text p').count()) >= 40, 'paragraphs rendered');
    await page.getByTestId('lesson-figure').scrollIntoViewIfNeeded();
    report = await runAllFigures(page, app, 'my-lesson');
    assert.equal(report.figures[0].holds, true, JSON.stringify(report.figures[0].checks));
    const blowUp = report.figures[0].values.find((v) => v.metric === 'blowUp')!;
    assert.ok((blowUp.series[0][0] ?? NaN) > 0, `RK4 blew up at t = ${blowUp.series[0][0]}`);
    assert.ok(Number.isNaN(blowUp.series[1][0]), `ETDRK4 never blew up (NaN): ${blowUp.series[1][0]}`);
    assert.equal(report.figures[0].shown[0][1][0], 'never');
  },
  { webgpu: false },
);

test('lessons: an unknown lesson id in a link opens the index with a notice naming the allowed ids', async ({ page }) => {
  const app = (await openApp(page, lessonUrl('no-such-lesson'))) as unknown as JSHandle<LessonHook>;
  const notice = page.locator('[data-testid="notice"]').first();
  await notice.waitFor({ state: 'visible', timeout: 10_000 });
  const text = await notice.innerText();
  assert.match(text, /lesson: got 'no-such-lesson' in the link; allowed: ddim-vs-dpm-solver/);
  await page.getByRole('region', { name: 'Lessons' }).waitFor();
  assert.equal((await app.evaluate((s) => s.views().lesson)), null, 'no lesson shown');
  assert.ok(!page.url().includes('no-such-lesson'), `the address no longer names it: ${page.url()}`);
});

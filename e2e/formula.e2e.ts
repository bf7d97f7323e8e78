// The update-formula panel (issue #11 "Teaching details"): one step of a shown solver with its coefficients filled in,
// rendered with KaTeX; chosen by role and label, stepped by keyboard; the coefficients are the float64 program's.

import assert from 'node:assert/strict';
import type { JSHandle } from 'playwright-core';
import { buildSpecProgram } from '../src/core/sampling/experiment.ts';
import { fixedProgram } from '../src/core/sampling/program.ts';
import { stepFormula } from '../src/core/sampling/programFormula.ts';
import { parseSpec } from '../src/core/spec/spec.ts';
import { BASE_URL, addConfiguration, openApp, pollViews, test } from './harness.ts';

interface FormulaReport {
  solver: string;
  status: string;
  step: number;
  steps: number;
  equations: { kind: string; text: string; coefficients: number[] | null }[];
}
type FormulaHook = { views(): { formula: FormulaReport | null } };

test('update formula: DPM-Solver++(2M) and DDIM steps with the program’s float64 coefficients, by keyboard, rendered as math', async ({ page, screenshot }) => {
  const app = await openApp(page, BASE_URL);
  const views = app as unknown as JSHandle<FormulaHook>;
  const base = await app.evaluate((s) => s.getSpec());
  const spec = { ...base, solver: { name: 'dpmpp-2m' }, schedule: { type: 'logsnr' }, nfe: 8, n: 1024 };
  await app.evaluate((s, next) => s.setSpec(next), spec);
  const panel = page.getByRole('region', { name: 'Update formula' });
  await panel.scrollIntoViewIfNeeded();

  // the spec's solver first; step 1 of 8
  let report = await pollViews(page, views, (v) => v.formula?.solver === 'dpmpp-2m' && v.formula.status === 'ready' && v.formula, 'the formula of DPM-Solver++(2M)');
  assert.equal(report.steps, 8);
  assert.equal(report.step, 0);

  // by keyboard: focus the step slider and move to step 3 (index 2), where the multistep history enters
  const slider = panel.getByRole('slider', { name: 'Step' });
  await slider.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  report = await pollViews(page, views, (v) => v.formula?.step === 2 && v.formula, 'step 3');
  const expected = stepFormula(fixedProgram(buildSpecProgram(parseSpec({ ...spec }))), 2);
  assert.deepEqual(report.equations.map((e) => e.text), expected.equations.map((e) => e.text), 'the equations are the program’s');
  const update = report.equations[report.equations.length - 1];
  assert.match(update.text, /^x_3 = .*D_3.*D_2/, `the update uses the current and the previous evaluation: ${update.text}`);
  update.coefficients!.forEach((c, i) => assert.equal(c, expected.equations[expected.equations.length - 1].coefficients![i], `coefficient ${i} is the float64 value`));
  // rendered as math: one KaTeX block per equation, with the equation's MathML for assistive technology
  const blocks = panel.locator('[data-testid="formula-equations"] .katex-display');
  assert.equal(await blocks.count(), report.equations.length);
  assert.ok((await panel.locator('math').count()) >= report.equations.length, 'MathML is present');
  await screenshot(page, 'formula-dpmpp-2m.png');

  // another shown solver, chosen by its label: DDIM has one evaluation and one combine per step
  const formulaOf = panel.getByLabel('Formula of', { exact: true });
  if ((await formulaOf.locator('option', { hasText: /^DDIM$/ }).count()) === 0) await addConfiguration(page, 'ddim');
  await formulaOf.selectOption({ label: 'DDIM' });
  report = await pollViews(page, views, (v) => v.formula?.solver === 'ddim' && v.formula, 'the formula of DDIM');
  assert.deepEqual(report.equations.map((e) => e.kind), ['eval', 'combine']);
  assert.equal(report.equations[1].coefficients!.length, 2, 'x_{i+1} from x_i and D_{i+1} only');
});

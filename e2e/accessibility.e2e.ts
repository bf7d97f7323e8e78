// Accessibility of the sampler lab (issue #11, "Done when"): axe-core's automated check of the page after a run,
// with the time grids and quality chart drawn, reports no serious or critical violations. axe is evaluated into
// the page over the DevTools protocol (the built app's CSP forbids inline scripts, rightly).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { BASE_URL, openApp, test } from './harness.ts';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** axe over the whole page; fails on serious or critical violations */
export async function checkPage(page: Page): Promise<void> {
  await page.evaluate(axeSource);
  const { violations, passedRules } = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document) => Promise<{ violations: AxeViolation[]; passes: unknown[] }> } }).axe;
    const result = await axe.run(document);
    return { violations: result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })), passedRules: result.passes.length };
  })) as { violations: AxeViolation[]; passedRules: number };
  // the check really ran over the page: dozens of rules apply to a page of controls and charts
  assert.ok(passedRules > 15, `axe passed only ${passedRules} rules: did it run on the page?`);
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const describe = (list: AxeViolation[]) => list.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}: ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))})`).join('\n');
  if (violations.length > serious.length) console.log(`axe, minor or moderate:\n${describe(violations.filter((v) => !serious.includes(v)))}`);
  assert.equal(serious.length, 0, `axe found serious violations:\n${describe(serious)}`);
}

test('axe: no serious or critical accessibility violations on the sampler lab after a run', async ({ page }) => {
  const app = await openApp(page, BASE_URL);
  await app.evaluate((s) => s.run());
  await checkPage(page);
});

test('axe: no serious or critical accessibility violations with the BOSS and DPM-Solver-v3 statistics views shown', async ({ page }) => {
  const app = await openApp(page, BASE_URL);
  await app.evaluate((s) => s.setSpec({ ...s.getSpec(), solver: { name: 'dpm-solver-v3' }, schedule: { type: 'boss', kMax: 40, samples: 128 }, nfe: 6, steps: undefined, n: 512 }));
  const deadline = Date.now() + 30_000;
  const ready = () =>
    app.evaluate((s) => {
      const v = (s as unknown as { views(): { boss: { status: string } | null; v3: { status: string } | null } }).views();
      return v.boss?.status === 'ready' && v.v3?.status === 'ready';
    });
  while (!(await ready())) {
    assert.ok(Date.now() < deadline, 'the BOSS and v3 views report ready');
    await page.waitForTimeout(100);
  }
  await checkPage(page);
});

test('axe: no serious or critical accessibility violations on the PDE lab, side by side, after a few steps', async ({ page }) => {
  const app = await openApp(page, `${BASE_URL}?lab=pde`);
  await app.evaluate(async (s) => {
    const pde = (s as unknown as { pde: { setCompare(x: string): Promise<unknown>; step(n: number): Promise<unknown> } }).pde;
    await pde.setCompare('rk4');
    await pde.step(3);
  });
  await checkPage(page);
});

test('axe: no serious or critical accessibility violations with a paper claim’s result shown', async ({ page }) => {
  await openApp(page, `${BASE_URL}?claim=momentum-guidance`);
  await page.getByTestId('claim-verdict').waitFor({ timeout: 60_000 });
  await checkPage(page);
});

// The paper claims panel (issue 4: "each of these is one click in the UI"): a click runs the claim in a worker,
// the verdict and every number equal those of `stepscope claim ID --backend cpu` (the same float64 engine), the
// chart rings the optimum of parameter sweeps, a run can be cancelled, and a series opens as the lab's spec.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JSHandle, Page } from 'playwright-core';
import type { ClaimViewReport } from '../src/ui/viewReports.ts';
import { BASE_URL, openApp, pollViews, test, type StepscopeHook } from './harness.ts';

type ClaimView = ClaimViewReport;
type Hook = StepscopeHook & { views(): { claim: ClaimView | null } };
interface CliClaim {
  holds: boolean;
  checks: { text: string; holds: boolean }[];
  series: { label: string; points: Record<string, number>[] }[];
}

/** the same claim from the command line, float64 CPU (the reference the page must equal) */
function cliClaim(id: string): CliClaim {
  const out = join(mkdtempSync(join(tmpdir(), 'stepscope-claim-')), 'r.json');
  const run = spawnSync(process.execPath, ['bin/stepscope.mjs', 'claim', id, '--backend', 'cpu', '--out', out], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(readFileSync(out, 'utf8'));
}

async function clickClaim(page: Page, title: RegExp): Promise<void> {
  const panel = page.getByRole('region', { name: 'Paper claims' });
  await panel.scrollIntoViewIfNeeded();
  await panel.getByRole('group', { name: 'Claims' }).getByRole('button', { name: title }).click();
}

const finished = (id: string) => (v: { claim: ClaimView | null }) => v.claim?.id === id && v.claim.status === 'done' && v.claim;

test('paper claims: one click runs BOSS on flow · ring8 and shows the CLI’s numbers and verdict', async ({ page, screenshot }) => {
  const app = (await openApp(page, BASE_URL)) as unknown as JSHandle<Hook>;
  await clickClaim(page, /^BOSS: Bellman-optimal steps/);
  const view = await pollViews(page, app, finished('boss-flow'), 'the BOSS claim', 120_000);
  const cli = cliClaim('boss-flow');
  assert.equal(view.holds, cli.holds);
  assert.equal(view.holds, true, JSON.stringify(view.checks));
  assert.deepEqual(view.checks, cli.checks);
  // the drawn RMSE values are the CLI's (both float64; the worker and Node may differ in the last bits of exp/log)
  for (const [s, series] of view.series.entries())
    for (const [i, value] of series.values.entries()) {
      const reference = cli.series[s].points[i].rmse;
      assert.ok(Math.abs(value - reference) <= 1e-9 * Math.abs(reference), `${series.label} at NFE ${view.axis[i]}: page ${value}, CLI ${reference}`);
    }
  assert.deepEqual(view.chart.markers, [3, 3]);
  const verdict = page.getByTestId('claim-verdict');
  assert.match(await verdict.innerText(), /^Reproduced: all 6 checks hold/);
  await screenshot(page, 'claims-boss-flow.png');

  // "Open" makes the Bellman series the lab's spec (its middle NFE)
  await page.getByRole('button', { name: 'Open Euler, Bellman steps in the lab' }).click();
  const spec = (await app.evaluate((s) => s.getSpec())) as { schedule: { type: string }; process: { type: string }; nfe: number; solver: { name: string } };
  assert.equal(spec.schedule.type, 'boss');
  assert.equal(spec.process.type, 'flow');
  assert.equal(spec.solver.name, 'flow-euler');
  assert.equal(spec.nfe, 6);
});

test('paper claims: the shift sweep rings the optimum the CLI finds, and momentum’s guided series cannot open as a spec', async ({ page }) => {
  const app = (await openApp(page, BASE_URL)) as unknown as JSHandle<Hook>;
  await clickClaim(page, /time shift/);
  const shift = await pollViews(page, app, finished('flow-shift'), 'the shift claim', 120_000);
  const cli = cliClaim('flow-shift');
  assert.equal(shift.holds, true, JSON.stringify(shift.checks));
  const argmin = (values: number[]) => values.indexOf(Math.min(...values));
  for (const [s, series] of cli.series.entries()) assert.equal(shift.chart.best[s], shift.axis[argmin(series.points.map((p) => p.mmd2))], series.label);
  // MMD² goes below zero near convergence (unbiased): the chart switches to a linear axis rather than drop it
  const negative = shift.series.some((s) => s.values.some((v) => v <= 0));
  assert.equal(shift.chart.yScale, negative ? 'linear' : 'log');

  await clickClaim(page, /Heavy-Ball momentum/);
  const momentum = await pollViews(page, app, finished('momentum-guidance'), 'the momentum claim', 60_000);
  assert.equal(momentum.holds, true, JSON.stringify(momentum.checks));
  assert.equal(await page.getByRole('button', { name: /^Open PLMS \+ HB/ }).isDisabled(), true);
  // back to the shift claim: its result is kept, not recomputed
  await clickClaim(page, /time shift/);
  const again = await pollViews(page, app, (v) => v.claim?.id === 'flow-shift' && v.claim, 'the shift claim again');
  assert.equal(again.status, 'done');
});

test('paper claims: a running claim can be cancelled and run again', async ({ page }) => {
  const app = (await openApp(page, BASE_URL)) as unknown as JSHandle<Hook>;
  await clickClaim(page, /^DPM-Solver-v3 beats/);
  await pollViews(page, app, (v) => v.claim?.id === 'v3-gmm' && v.claim.status === 'running' && v.claim.done >= 1 && v.claim, 'the first v3 point', 120_000);
  await page.getByRole('region', { name: 'Paper claims' }).getByRole('button', { name: 'Cancel' }).click();
  const cancelled = await pollViews(page, app, (v) => v.claim?.status === 'cancelled' && v.claim, 'the cancelled claim');
  assert.ok(cancelled.done < cancelled.total);
  assert.equal(await page.getByRole('button', { name: 'Run again' }).count(), 1);
});

test('paper claims: a link ?claim=ID runs that claim on load; an unknown id is refused with a notice naming the allowed ones', async ({ page }) => {
  const app = (await openApp(page, `${BASE_URL}?claim=momentum-guidance`)) as unknown as JSHandle<Hook>;
  const view = await pollViews(page, app, finished('momentum-guidance'), 'the linked claim', 60_000);
  assert.equal(view.holds, true);
  await openApp(page, `${BASE_URL}?claim=v4`);
  const notice = page.getByTestId('notice').filter({ hasText: "claim: got 'v4' in the link; allowed: v3-gmm, boss-flow" });
  await notice.waitFor({ timeout: 10_000 });
});

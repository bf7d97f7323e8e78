// BOSS straightening in the training lab (issue #7 part 4, training.md §3.5): train a small flow model, straighten it in
// the page (float64 worker) at small size, check the Bellman steps and the before/after table equal the Node runner's
// (engine/train/boss.ts, what `stepscope train` with "task":"boss" runs) on the downloaded teacher to 1e-9, then open
// the student in the sampler lab on its Bellman steps and get the same MMD²; a bad setting is refused by name.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { JSHandle } from 'playwright-core';
import { parseBossSpec } from '../src/core/spec/bossSpec.ts';
import { parseModelFileText } from '../src/core/spec/modelFile.ts';
import type { BossOutcome } from '../src/engine/train/boss.ts';
import { BASE_URL, openApp, pollViews, test } from './harness.ts';

interface BossReport {
  status: string;
  teacher: string | null;
  spec: Record<string, unknown> | null;
  indices: number[] | null;
  times: number[] | null;
  heldOutLoss: { before: number; after: number } | null;
  nullMmd2: number | null;
  rows: { row: string; steps: number; mmd2: number; rmse: number }[];
  problem: string | null;
  message: string | null;
}
type Hook = { views(): { bossStraighten: BossReport | null; train: { status: string; runs: { status: string }[] } | null } };

const close = (page: number, node: number, what: string) => assert.ok(Math.abs(page - node) <= 1e-9 * Math.abs(node) + 1e-15, `${what}: page ${page}, Node ${node}`);

test('training lab: BOSS straightening of a trained flow model in the page equals the Node runner (steps, held-out loss, MMD², RMSE); the student samples in the sampler lab on its Bellman steps', async ({ page, screenshot }) => {
  const app = (await openApp(page, `${BASE_URL}?lab=train`)) as unknown as JSHandle<Hook>;
  const settings = page.getByRole('group', { name: 'Training settings' });
  await settings.getByLabel('Width', { exact: true }).fill('16');
  await settings.getByLabel('Depth', { exact: true }).fill('2');
  await settings.getByLabel('Batch', { exact: true }).fill('64');
  await settings.getByLabel('Steps', { exact: true }).fill('80');
  const optimizers = page.getByRole('group', { name: 'Optimizers to compare (learning rate)' });
  for (const name of ['SGD', 'Adam', 'K-FAC', 'MKOR', 'MKOR-H']) {
    const box = optimizers.getByRole('checkbox', { name, exact: true });
    if ((await box.isChecked()) !== (name === 'Adam')) await box.setChecked(name === 'Adam');
  }
  await optimizers.getByLabel('Adam learning rate').fill('0.003');
  await page.getByRole('button', { name: 'Train and compare' }).click();
  await pollViews(page, app, (v) => v.train?.status === 'done' && v.train.runs[0]?.status === 'done', 'Adam trained', 120_000);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download Adam model' }).click()]);
  const teacher = parseModelFileText(readFileSync((await download.path())!, 'utf8'));

  const boss = page.getByRole('group', { name: 'BOSS straightening settings' });
  const small: Record<string, string> = { 'K steps': '3', K_max: '12', 'Teacher trajectories': '32', Noises: '80', 'Fine-tuning steps': '30', 'Pairs per step': '48', 'Evaluation samples': '256', 'Evaluation seed': '4' };
  for (const [label, value] of Object.entries(small)) await boss.getByLabel(label, { exact: true }).fill(value);

  // bad input first: K above K_max is named and nothing starts
  await boss.getByLabel('K steps', { exact: true }).fill('13');
  await page.getByRole('button', { name: 'Straighten' }).click();
  const problem = await pollViews(page, app, (v) => v.bossStraighten?.problem, 'the refused K');
  assert.match(problem, /K: got 13; must be at most kMax \(12\)/);
  assert.equal((await app.evaluate((s) => s.views().bossStraighten))!.status, 'idle', 'nothing started');
  await boss.getByLabel('K steps', { exact: true }).fill('3');

  await page.getByRole('button', { name: 'Straighten' }).click();
  const done = await pollViews(page, app, (v) => (v.bossStraighten?.status === 'done' || v.bossStraighten?.status === 'error') && v.bossStraighten, 'straightened', 120_000);
  assert.equal(done.status, 'done', String(done.message));
  assert.equal(done.problem, null);
  await screenshot(page, 'boss-straightening.png');

  // the same spec and teacher through the Node runner (the CLI's); it imports WGSL (engine/sampling.ts), so it loads
  // through the CLI's loader (bin/register.mjs)
  const loader: string = '../bin/register.mjs';
  await import(loader);
  const { bossStraightenCpu } = (await import('../src/engine/train/boss.ts')) as { bossStraightenCpu: (...args: unknown[]) => Promise<BossOutcome> };
  const node = await bossStraightenCpu(parseBossSpec(done.spec), teacher, () => {});
  assert.deepEqual(done.indices, node.plan.indices);
  done.times!.forEach((t, i) => close(t, node.plan.times[i], `t_${i}`));
  close(done.heldOutLoss!.before, node.heldOutLoss.before, 'held-out loss before');
  close(done.heldOutLoss!.after, node.heldOutLoss.after, 'held-out loss after');
  close(done.nullMmd2!, node.evaluation.nullMmd2, 'null MMD²');
  assert.deepEqual(done.rows.map((r) => r.row), ['teacher-fine', 'teacher-uniform', 'teacher-bellman', 'student-bellman']);
  done.rows.forEach((r, i) => {
    close(r.mmd2, node.evaluation.rows[i].mmd2, `${r.row} MMD²`);
    close(r.rmse, node.evaluation.rows[i].rmse, `${r.row} RMSE`);
    assert.equal(r.steps, node.evaluation.rows[i].steps);
  });
  assert.equal((await page.getByTestId('boss-mmd2-student-bellman').innerText()).trim(), node.evaluation.rows[3].mmd2.toExponential(3));
  assert.equal((await page.getByTestId('boss-rmse-teacher-bellman').innerText()).trim(), node.evaluation.rows[2].rmse.toExponential(3));
  assert.ok(done.heldOutLoss!.after < done.heldOutLoss!.before, `the held-out loss fell: ${done.heldOutLoss!.before} → ${done.heldOutLoss!.after}`);

  // the student in the sampler lab: flow-euler on a custom schedule of the Bellman times; the sampler's MMD² is the panel's
  await page.getByRole('button', { name: 'Sample with the student' }).click();
  await page.getByRole('region', { name: 'Controls' }).or(page.getByLabel('Controls')).first().waitFor();
  const spec = await (app as unknown as JSHandle<{ getSpec(): Record<string, unknown> }>).evaluate((s) => s.getSpec());
  assert.deepEqual(spec.model, { type: 'mlp', file: 'model-flow-matching-ring8-adam-boss-K3.json' });
  assert.deepEqual(spec.solver, { name: 'flow-euler' });
  assert.deepEqual(spec.schedule, { type: 'custom', times: done.times });
  assert.equal(spec.n, 256);
  const sampled = await (app as unknown as JSHandle<{ run(): Promise<{ mmd2: number }> }>).evaluate((s) => s.run());
  close(sampled.mmd2, node.evaluation.rows[3].mmd2, 'sampler lab MMD² of the student');
});

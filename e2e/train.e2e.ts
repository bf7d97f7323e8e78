// The training lab (issue #7): train the same 2D flow-matching MLP with several optimizers in the page (float64 in a
// worker), see their loss curves and validation losses, and download a model; the numbers are those of the CLI's
// trainer (the same float64 code); a bad setting is refused by name and nothing starts.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JSHandle } from 'playwright-core';
import { parseModelFileText } from '../src/core/spec/modelFile.ts';
import { runSurrogateExperiment } from '../src/core/surrogate/experiment.ts';
import { type GenerativeTrainSpec, TRAIN_TIME_EMBEDDING, parseTrainSpec } from '../src/core/spec/trainSpec.ts';
import { trainGenerativeCpu } from '../src/engine/train/generative.ts';
import { prepareTarget } from '../src/core/sampling/experiment.ts';
import { learnedDenoiser } from '../src/core/spec/learnedModel.ts';
import { FIELD_GRID, compareVelocityField, fieldExtent } from '../src/core/train/velocityField.ts';
import { initMlpParameters, mlpLayout } from '../src/core/train/mlp.ts';
import { BASE_URL, RESULTS_DIR, openApp, pollViews, test } from './harness.ts';

interface TrainReport {
  status: string;
  form: Record<string, unknown>;
  runs: { optimizer: string; status: string; steps: number; firstLoss: number | null; last100: number | null; validation: number | null; wallMs: number | null; message: string | null }[];
  chart: { x: string; drawn: { label: string; points: number }[] } | null;
  problem: string | null;
}
type TrainHook = { views(): { train: TrainReport | null } };

const STEPS = 150;

test('training lab: SGD, Adam and MKOR train the same flow-matching MLP on ring8; curves, validation losses equal to the CLI trainer’s, a model download; a bad width is refused by name', async ({ page, screenshot }) => {
  const app = (await openApp(page, `${BASE_URL}?lab=train`)) as unknown as JSHandle<TrainHook>;
  const settings = page.getByRole('group', { name: 'Training settings' });
  await settings.getByLabel('Width', { exact: true }).fill('24');
  await settings.getByLabel('Depth', { exact: true }).fill('2');
  await settings.getByLabel('Batch', { exact: true }).fill('128');
  await settings.getByLabel('Steps', { exact: true }).fill(String(STEPS));
  const optimizers = page.getByRole('group', { name: 'Optimizers to compare (learning rate)' });
  for (const name of ['SGD', 'Adam', 'MKOR']) {
    const box = optimizers.getByRole('checkbox', { name, exact: true });
    if (!(await box.isChecked())) await box.check();
  }

  // bad input first: a width of 0 is named, nothing runs
  await settings.getByLabel('Width', { exact: true }).fill('0');
  await page.getByRole('button', { name: 'Train and compare' }).click();
  const problem = await pollViews(page, app, (v) => v.train?.problem, 'the refused width');
  assert.match(problem, /model\.width: got 0/);
  assert.equal((await app.evaluate((s) => s.views().train))!.runs.length, 0, 'nothing started');
  assert.match(await page.getByTestId('train-problem').innerText(), /model\.width: got 0/);
  await settings.getByLabel('Width', { exact: true }).fill('24');

  await page.getByRole('button', { name: 'Train and compare' }).click();
  // the report of the render that ends the runs can precede the chart's redraw with their last steps: wait for both
  const done = await pollViews(page, app, (v) => v.train?.status === 'done' && v.train.runs.length === 3 && v.train.chart?.drawn.every((d) => d.points === STEPS) && v.train, 'three trained optimizers, every step drawn', 170_000);
  assert.equal(done.problem, null);
  assert.deepEqual(done.runs.map((r) => r.optimizer), ['sgd', 'adam', 'mkor']);
  for (const run of done.runs) {
    assert.equal(run.status, 'done', `${run.optimizer}: ${run.message}`);
    assert.equal(run.steps, STEPS);
    assert.ok(run.last100! < run.firstLoss!, `${run.optimizer}: the loss fell (${run.firstLoss} → ${run.last100})`);
    assert.ok(Number.isFinite(run.validation), `${run.optimizer}: validation ${run.validation}`);
    assert.equal((await page.getByTestId(`validation-${run.optimizer}`).innerText()).trim(), run.validation!.toPrecision(4));
  }
  assert.deepEqual(done.chart?.drawn.map((d) => d.points), [STEPS, STEPS, STEPS], 'every step drawn');
  await screenshot(page, 'training-lab.png');

  // the same spec through the CLI's float64 trainer in Node
  const form = { version: 1, kind: 'train', task: 'flow-matching', target: { type: 'preset', name: 'ring8' }, model: { type: 'mlp', width: 24, depth: 2, activation: 'silu' }, optimizer: { name: 'adam', lr: 0.001 }, steps: STEPS, batch: 128, seed: 0 };
  const node = trainGenerativeCpu(parseTrainSpec(form) as GenerativeTrainSpec, () => {});
  const adam = done.runs.find((r) => r.optimizer === 'adam')!;
  // float64 on both sides; Node's and Chromium's V8 may round exp/sin differently in the last bit
  assert.ok(Math.abs(adam.validation! - node.model.loss.validation!) <= 1e-9 * node.model.loss.validation!, `page ${adam.validation}, Node ${node.model.loss.validation}`);

  // the model downloads as a model file the sampler takes
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download Adam model' }).click()]);
  const model = parseModelFileText(readFileSync((await download.path())!, 'utf8'));
  assert.equal(model.task, 'flow-matching');
  assert.equal(model.config.width, 24);
  assert.deepEqual(Array.from(model.params).slice(0, 5).map((v) => v.toPrecision(12)), Array.from(node.model.params).slice(0, 5).map((v) => v.toPrecision(12)), 'the downloaded parameters are the trained ones');
});

interface FieldReport {
  run: string;
  step: number;
  tau: number;
  arrows: number;
  relativeError: number;
}
type FieldHook = { views(): { train: TrainReport | null; trainField: FieldReport | null } };

test('training lab: the learned field moves while a float64 run trains and ends on the trained model; the page draws core’s field of the downloaded model', async ({ page, screenshot }) => {
  const app = (await openApp(page, `${BASE_URL}?lab=train`)) as unknown as JSHandle<FieldHook>;
  const settings = page.getByRole('group', { name: 'Training settings' });
  await settings.getByLabel('Width', { exact: true }).fill('16');
  await settings.getByLabel('Depth', { exact: true }).fill('2');
  await settings.getByLabel('Batch', { exact: true }).fill('64');
  await settings.getByLabel('Steps', { exact: true }).fill('3000');
  const optimizers = page.getByRole('group', { name: 'Optimizers to compare (learning rate)' });
  for (const name of ['SGD', 'Adam', 'K-FAC', 'MKOR', 'MKOR-H']) {
    const box = optimizers.getByRole('checkbox', { name, exact: true });
    if ((await box.isChecked()) !== (name === 'Adam')) await box.setChecked(name === 'Adam');
  }
  await optimizers.getByRole('spinbutton', { name: 'Adam learning rate' }).fill('0.003');
  await page.getByRole('button', { name: 'Train and compare' }).click();
  // a snapshot of the running network is drawn before the run ends
  const live = await pollViews(page, app, (v) => v.train?.status === 'running' && v.trainField && v.trainField.step < 3000 && v.trainField, 'a live field', 60_000);
  assert.equal(live.run, 'adam');
  assert.ok(live.arrows > 0 && Number.isFinite(live.relativeError), JSON.stringify(live));
  const done = await pollViews(page, app, (v) => v.train?.status === 'done' && v.trainField?.step === 3000 && v.trainField, 'the trained field', 120_000);
  // both are far closer to the exact field than the network's initial weights (the same seed and shape, in Node)
  const mixture = prepareTarget({ type: 'preset', name: 'ring8' });
  const config = { dataDim: 2, outputDim: 2, width: 16, depth: 2, activation: 'silu' as const, timeEmbedding: TRAIN_TIME_EMBEDDING };
  const initial = compareVelocityField(learnedDenoiser({ task: 'flow-matching', config, params: initMlpParameters(mlpLayout(config), 0) }), mixture, 0.5, FIELD_GRID, -fieldExtent(mixture, 0.5), fieldExtent(mixture, 0.5));
  for (const field of [live, done]) assert.ok(field.relativeError < 0.6 * initial.relativeError, `after ${field.step} steps: ${field.relativeError}; initial weights ${initial.relativeError}`);
  // τ moves the field; the page's error equals core's on the downloaded model, in Node
  await page.getByRole('slider', { name: 'RF time τ of the field' }).fill('0.8');
  const at08 = await pollViews(page, app, (v) => v.trainField?.tau === 0.8 && v.trainField, 'the field at τ = 0.8');
  await screenshot(page, 'training-field.png');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download Adam model' }).click()]);
  const model = parseModelFileText(readFileSync((await download.path())!, 'utf8'));
  const node = compareVelocityField(learnedDenoiser(model), mixture, 0.8, FIELD_GRID, -fieldExtent(mixture, 0.8), fieldExtent(mixture, 0.8));
  assert.ok(Math.abs(at08.relativeError - node.relativeError) <= 1e-9 * node.relativeError, `page ${at08.relativeError}, Node ${node.relativeError}`);
});

test('training lab: the WebGPU trainer (WGSL, float32) trains SGD and Adam in a worker and follows the float64 trainer to 1e-5; an optimizer it lacks is refused by name', async ({ page }) => {
  const app = (await openApp(page, `${BASE_URL}?lab=train`)) as unknown as JSHandle<TrainHook>;
  const settings = page.getByRole('group', { name: 'Training settings' });
  await settings.getByLabel('Width', { exact: true }).fill('16');
  await settings.getByLabel('Depth', { exact: true }).fill('2');
  await settings.getByLabel('Batch', { exact: true }).fill('64');
  await settings.getByLabel('Steps', { exact: true }).fill('60');
  await settings.getByLabel('Trainer').selectOption('gpu');
  const optimizers = page.getByRole('group', { name: 'Optimizers to compare (learning rate)' });
  for (const name of ['SGD', 'Adam', 'MKOR']) {
    const box = optimizers.getByRole('checkbox', { name, exact: true });
    if (!(await box.isChecked())) await box.check();
  }
  // MKOR has no WGSL kernels: refused by name before anything runs
  await page.getByRole('button', { name: 'Train and compare' }).click();
  const problem = await pollViews(page, app, (v) => v.train?.problem, 'the refused optimizer');
  assert.match(problem, /trainer WebGPU: optimizer 'mkor': the GPU trainer has adam and sgd/);
  assert.equal((await app.evaluate((s) => s.views().train))!.runs.length, 0, 'nothing started');
  await optimizers.getByRole('checkbox', { name: 'MKOR', exact: true }).uncheck();

  await page.getByRole('button', { name: 'Train and compare' }).click();
  const done = await pollViews(page, app, (v) => v.train?.status === 'done' && v.train.runs.length === 2 && v.train, 'two runs on the GPU', 120_000);
  assert.equal(done.form.trainer, 'gpu');
  for (const run of done.runs) {
    assert.equal(run.status, 'done', `${run.optimizer}: ${run.message}`);
    assert.equal(run.steps, 60);
    // the same spec on the float64 path in Node: the GPU run follows it (the CLI's GPU test holds it to 1e-5 per step)
    const spec = { version: 1, kind: 'train', task: 'flow-matching', target: { type: 'preset', name: 'ring8' }, model: { type: 'mlp', width: 16, depth: 2, activation: 'silu' }, optimizer: { name: run.optimizer, lr: run.optimizer === 'sgd' ? 0.05 : 0.001 }, steps: 60, batch: 64, seed: 0 };
    const node = trainGenerativeCpu(parseTrainSpec(spec) as GenerativeTrainSpec, () => {});
    assert.ok(Math.abs(run.validation! - node.model.loss.validation!) <= 1e-5 * node.model.loss.validation!, `${run.optimizer}: page (GPU) ${run.validation}, Node (float64) ${node.model.loss.validation}`);
    const nodeFirst = Number(node.logRows[0].split(',')[1]);
    assert.ok(Math.abs(run.firstLoss! - nodeFirst) <= 1e-5 * nodeFirst, `${run.optimizer}: first loss, page (GPU) ${run.firstLoss}, Node ${nodeFirst}`);
  }
});

interface SurrogateReport {
  status: string;
  identityRelL2: number | null;
  arms: { arm: string; points: { samplesSeen: number; uniqueSamples: number; heldOutRelL2: number }[] }[];
  problem: string | null;
  message: string | null;
}
type SurrogateHook = { views(): { surrogate: SurrogateReport | null } };

test('training lab: online vs offline surrogate training of Burgers runs in the page; held-out errors at equal samples seen, equal to the Node runner’s; a bad reservoir is refused by name', async ({ page }) => {
  const app = (await openApp(page, `${BASE_URL}?lab=train`)) as unknown as JSHandle<SurrogateHook>;
  const settings = page.getByRole('group', { name: 'Surrogate settings' });
  const small = { 'Training steps': 200, 'Batch size': 16, 'Evaluate every': 50, 'Offline simulations': 4, 'Online ensemble': 4, 'Reservoir capacity': 64, 'Held-out simulations': 4 };
  for (const [label, value] of Object.entries(small)) await settings.getByLabel(label, { exact: true }).fill(String(value));

  // a capacity below the watermark max(4B, 2E) = 64 is refused, naming the field
  await settings.getByLabel('Reservoir capacity', { exact: true }).fill('16');
  await page.getByRole('button', { name: 'Run online vs offline' }).click();
  assert.match(await pollViews(page, app, (v) => v.surrogate?.problem, 'the refused capacity'), /online\.watermark = 64; must be an integer in \[1, capacity = 16\]/);
  await settings.getByLabel('Reservoir capacity', { exact: true }).fill('64');

  await page.getByRole('button', { name: 'Run online vs offline' }).click();
  const done = await pollViews(page, app, (v) => v.surrogate?.status === 'done' && v.surrogate, 'the surrogate experiment', 170_000);
  const identity = done.identityRelL2!;
  assert.ok(identity > 0, `persistence error ${identity}`);
  const [offline, online] = done.arms;
  assert.deepEqual(offline.points.map((p) => p.samplesSeen), online.points.map((p) => p.samplesSeen), 'evaluated at equal samples seen');
  assert.deepEqual(offline.points.map((p) => p.samplesSeen), [0, 800, 1600, 2400, 3200]);
  for (const arm of done.arms) {
    const last = arm.points[arm.points.length - 1];
    assert.ok(last.heldOutRelL2 < identity, `${arm.arm}: ${last.heldOutRelL2} beats persistence ${identity}`);
    assert.equal((await page.getByTestId(`surrogate-error-${arm.arm}`).innerText()).trim(), last.heldOutRelL2.toPrecision(3));
  }
  assert.ok(online.points[online.points.length - 1].uniqueSamples > offline.points[offline.points.length - 1].uniqueSamples, 'online saw more distinct pairs');

  // the Node runner on the same input: the same float64 program
  const node = runSurrogateExperiment({ seed: 0, batch: 16, steps: 200, evalEvery: 50, model: { type: 'fno', width: 8, layers: 2, modes: 8, activation: 'gelu' }, offline: { simulations: 4 }, online: { ensemble: 4, capacity: 64, emitEvery: 1 }, validation: { simulations: 4 }, arms: ['offline', 'online'] });
  for (const arm of done.arms) {
    const expected = node.arms[arm.arm as 'offline' | 'online']!.curve.map((p) => p.heldOutRelL2);
    arm.points.forEach((p, i) => assert.ok(Math.abs(p.heldOutRelL2 - expected[i]) <= 1e-9 * expected[i], `${arm.arm} @ ${p.samplesSeen}: page ${p.heldOutRelL2}, Node ${expected[i]}`));
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  await page.getByRole('region', { name: 'Online vs offline surrogate training' }).screenshot({ path: join(RESULTS_DIR, 'surrogate.png') });
});

test('training lab → sampler lab: “Sample with this model” runs the learned model (float64 CPU) with the CLI’s metrics; a bad model file is refused inline and the spec stays', async ({ page }) => {
  const app = await openApp(page, `${BASE_URL}?lab=train`);
  const settings = page.getByRole('group', { name: 'Training settings' });
  await settings.getByLabel('Width', { exact: true }).fill('32');
  await settings.getByLabel('Steps', { exact: true }).fill('300');
  await settings.getByLabel('Batch', { exact: true }).fill('128');
  const optimizers = page.getByRole('group', { name: 'Optimizers to compare (learning rate)' });
  for (const name of ['SGD', 'Adam', 'K-FAC', 'MKOR', 'MKOR-H']) {
    const box = optimizers.getByRole('checkbox', { name, exact: true });
    if ((await box.isChecked()) !== (name === 'Adam')) await box.setChecked(name === 'Adam');
  }
  await optimizers.getByLabel('Adam learning rate').fill('0.01');
  await page.getByRole('button', { name: 'Train and compare' }).click();
  await pollViews(page, app as unknown as JSHandle<TrainHook>, (v) => v.train?.status === 'done' && v.train.runs[0]?.status === 'done', 'Adam trained', 120_000);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download Adam model' }).click()]);
  const modelPath = (await download.path())!;

  await page.getByRole('button', { name: 'Sample with Adam model' }).click();
  await page.getByRole('region', { name: 'Controls' }).or(page.getByLabel('Controls')).first().waitFor();
  const spec = await app.evaluate((s) => s.getSpec());
  assert.deepEqual(spec.model, { type: 'mlp', file: 'model-flow-matching-ring8-adam.json' });
  const { tStart: _s, tEnd: _e, ...rest } = spec;
  const small = { ...rest, n: 512, nfe: 20, process: { type: 'flow' }, solver: { name: 'flow-heun' }, schedule: { type: 'time-uniform' } };
  await app.evaluate((s, next) => s.setSpec(next), small);
  const learned = await app.evaluate((s) => s.run());
  assert.ok(Number.isFinite(learned.mmd2) && Number.isFinite(learned.rmse), JSON.stringify(learned));

  // the CLI samples the same spec with the downloaded model file on its float64 CPU backend
  const dir = mkdtempSync(join(tmpdir(), 'stepscope-learned-'));
  const pageSpec = await app.evaluate((s) => s.getSpec());
  writeFileSync(join(dir, 'spec.json'), JSON.stringify({ ...pageSpec, model: { type: 'mlp', file: modelPath } }));
  execFileSync(process.execPath, ['bin/stepscope.mjs', 'sample', '--spec', join(dir, 'spec.json'), '--out', join(dir, 'x.npy'), '--metrics', join(dir, 'm.json'), '--backend', 'cpu'], { stdio: 'pipe' });
  const { metrics } = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')) as { metrics: Record<string, number> };
  for (const key of ['mmd2', 'rmse'] as const) assert.ok(Math.abs(learned[key] - metrics[key]) <= 1e-9 * Math.abs(metrics[key]) + 1e-15, `${key}: page ${learned[key]}, CLI ${metrics[key]}`);

  // the exact denoiser on the same spec: the learned model's error is the difference
  const controls = page.getByLabel('Model', { exact: true });
  await controls.selectOption({ label: 'exact denoiser of the target' });
  const exact = await app.evaluate((s) => s.run());
  assert.equal((await app.evaluate((s) => s.getSpec())).model, undefined);
  assert.notEqual(exact.rmse, learned.rmse, 'the learned model is not the exact one');

  // a file that is not a model file: refused inline, the spec unchanged
  const before = await app.evaluate((s) => s.getSpec());
  await page.getByTestId('model-file').setInputFiles({ name: 'not-a-model.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"stepscope-model","version":1,"kind":"mlp"}') });
  const alert = page.getByTestId('model-problem');
  await alert.waitFor();
  assert.match(await alert.innerText(), /^not-a-model\.json: /);
  assert.deepEqual(await app.evaluate((s) => s.getSpec()), before, 'the spec stays as it was');
});

test('training lab: its settings are the link; opened in a new context they come back; a tampered link opens the nearest valid settings with a notice', async ({ page, newPage }) => {
  const app = (await openApp(page, `${BASE_URL}?lab=train`)) as unknown as JSHandle<TrainHook>;
  const settings = page.getByRole('group', { name: 'Training settings' });
  await settings.getByLabel('Width', { exact: true }).fill('40');
  await settings.getByLabel('Task', { exact: true }).selectOption('score-matching');
  await page.getByRole('group', { name: 'Optimizers to compare (learning rate)' }).getByRole('checkbox', { name: 'K-FAC', exact: true }).check();
  await page.waitForFunction(() => new URL(window.location.href).searchParams.has('train'));
  const form = (await app.evaluate((s) => s.views().train))!.form;
  assert.equal(form.width, 40);
  const link = page.url();
  assert.ok(link.length < 2000, `link length ${link.length}`);

  const other = await newPage();
  const reopened = (await openApp(other, link)) as unknown as typeof app;
  const again = await pollViews(other, reopened, (v) => v.train?.form, 'the reopened form');
  assert.deepEqual(again, form, 'the same settings in a new context');
  assert.equal(await other.getByRole('group', { name: 'Training settings' }).getByLabel('Width', { exact: true }).inputValue(), '40');

  // a character changed inside the compressed part: its checksum fails, the defaults show, a notice says so
  const url = new URL(link);
  const value = url.searchParams.get('train')!;
  url.searchParams.set('train', `${value.slice(0, -3)}${value.at(-3) === 'A' ? 'B' : 'A'}${value.slice(-2)}`);
  const tampered = await newPage();
  const broken = (await openApp(tampered, url.toString())) as unknown as typeof app;
  const notice = tampered.locator('[data-testid="notice"]').first();
  await notice.waitFor({ state: 'visible', timeout: 10_000 });
  assert.match(await notice.innerText(), /train/);
  const shown = await pollViews(tampered, broken, (v) => v.train?.form, 'the fallback form');
  assert.equal(shown.width, 64, 'the default settings');
});

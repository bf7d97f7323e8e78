// End-to-end tests of the sampler lab against the built app (vite preview), through the page's test hook
// `window.stepscope`. Each test gets a fresh browser context; assertions are on numbers, not pixels.

import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { BASE_URL, INSECURE_HOST, isFiniteNumber, openApp, test, type Spec } from './harness.ts';

const SMALL_N = 2048; // keeps SwiftShader fast

test('reports a SwiftShader adapter', async ({ page }) => {
  const app = await openApp(page, BASE_URL);
  const { status, adapterInfo } = await app.evaluate((s) => ({ status: s.status, adapterInfo: s.adapterInfo }));
  assert.equal(status, 'software', `status should be 'software' on SwiftShader; adapterInfo=${JSON.stringify(adapterInfo)}`);
  assert.ok(adapterInfo, 'adapterInfo should be set when an adapter was found');
  const fields = [adapterInfo.vendor, adapterInfo.architecture, adapterInfo.device, adapterInfo.description];
  assert.ok(
    fields.some((f) => typeof f === 'string' && /swiftshader/i.test(f)),
    `adapter info should mention SwiftShader, got ${JSON.stringify(adapterInfo)}`,
  );
});

test('sweep: DPM-Solver++(2M) beats DDIM at 10 NFE, all numbers finite', async ({ page }) => {
  const app = await openApp(page, BASE_URL);
  const nfes = [5, 10, 20];
  const solvers = ['ddim', 'dpmpp-2m'];
  const result = await app.evaluate((s, options) => s.sweep(options), { nfes, solvers, n: SMALL_N });

  assert.deepEqual(result.nfes, nfes, 'sweep.nfes');
  assert.deepEqual(result.curves.map((c) => c.solver).sort(), [...solvers].sort(), 'one curve per solver');
  for (const curve of result.curves) {
    assert.deepEqual(curve.points.map((p) => p.nfe), nfes, `${curve.solver}: one point per NFE, in order`);
    for (const p of curve.points) {
      assert.ok(isFiniteNumber(p.mmd2), `${curve.solver} @ ${p.nfe} NFE: mmd2 ${p.mmd2} is not finite`);
      assert.ok(isFiniteNumber(p.rmse), `${curve.solver} @ ${p.nfe} NFE: rmse ${p.rmse} is not finite`);
    }
  }
  const at10 = (solver: string) => result.curves.find((c) => c.solver === solver)!.points.find((p) => p.nfe === 10)!.mmd2;
  assert.ok(
    at10('dpmpp-2m') < at10('ddim'),
    `MMD² at 10 NFE: dpmpp-2m ${at10('dpmpp-2m')} should be below ddim ${at10('ddim')}\n${JSON.stringify(result.curves)}`,
  );
});

test('a shared URL reproduces the spec and the numbers in another page', async ({ page, newPage }) => {
  const app = await openApp(page, BASE_URL);
  const base = await app.evaluate((s) => s.getSpec());
  const wanted: Spec = { ...base, target: { type: 'preset', name: 'grid25' }, nfe: 8, seed: 3, n: SMALL_N };
  await app.evaluate((s, spec) => s.setSpec(spec), wanted);
  const specA = await app.evaluate((s) => s.getSpec());
  assert.deepEqual(
    { target: specA.target, nfe: specA.nfe, seed: specA.seed, n: specA.n },
    { target: wanted.target, nfe: 8, seed: 3, n: SMALL_N },
    'setSpec should take the non-default spec',
  );
  const url = new URL(await app.evaluate((s) => s.getUrl()), BASE_URL).toString();
  const runA = await app.evaluate((s) => s.run());

  const other = await newPage();
  const appB = await openApp(other, url);
  const specB = await appB.evaluate((s) => s.getSpec());
  assert.deepEqual(specB, specA, `the spec read back from ${url}`);
  const runB = await appB.evaluate((s) => s.run());

  for (const key of ['mmd2', 'energy', 'rmse'] as const) {
    const a = runA[key];
    const b = runB[key];
    assert.ok(isFiniteNumber(a) && isFiniteNumber(b), `${key} should be finite: ${a}, ${b}`);
    assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b)), `${key} differs between the pages: ${a} vs ${b}`);
  }
  assert.equal(runB.nfe, runA.nfe, 'nfe');
});

test('a bad URL parameter falls back to the default spec with a visible notice', async ({ page, newPage }) => {
  const app = await openApp(page, BASE_URL);
  const defaultSpec = await app.evaluate((s) => s.getSpec());

  const other = await newPage();
  const bad = await openApp(other, new URL('?spec=garbage', BASE_URL).toString());
  assert.deepEqual(await bad.evaluate((s) => s.getSpec()), defaultSpec, 'spec after ?spec=garbage');
  const notice = other.locator('[data-testid="notice"]');
  await notice.first().waitFor({ state: 'visible', timeout: 10_000 });
  const text = (await notice.first().innerText()).trim();
  assert.match(text, /spec/i, `the notice should name the bad parameter, got ${JSON.stringify(text)}`);
});

// Without WebGPU there are two real situations: a browser where WebGPU is present but gives no adapter
// (here: Chromium without --enable-unsafe-webgpu on a machine without a GPU), and an insecure origin where
// `navigator.gpu` does not exist at all. In both the page must say what is missing and what to do.
async function expectNoWebGpuNotice(page: Page, url: string): Promise<void> {
  const app = await openApp(page, url);
  const status = await app.evaluate((s) => s.status);
  assert.equal(status, 'none', 'status without WebGPU');
  const panel = page.locator('[data-testid="no-webgpu"]');
  await panel.first().waitFor({ state: 'visible', timeout: 10_000 });
  const text = (await panel.first().innerText()).trim();
  assert.match(text, /webgpu/i, `the no-webgpu panel should say WebGPU is missing, got ${JSON.stringify(text)}`);
  assert.match(
    text,
    /browser|chrome|edge|firefox|safari|enable|flag|https|update|install/i,
    `the no-webgpu panel should say what to do, got ${JSON.stringify(text)}`,
  );
}

test(
  'without a WebGPU adapter the page explains what is missing',
  async ({ page }) => {
    await expectNoWebGpuNotice(page, BASE_URL);
    assert.equal(await page.evaluate(() => 'gpu' in navigator), true, 'precondition: navigator.gpu exists (only the adapter is missing)');
  },
  { webgpu: false },
);

test(
  'without navigator.gpu (insecure origin) the page explains what is missing',
  async ({ page }) => {
    const url = new URL(BASE_URL);
    url.host = INSECURE_HOST;
    url.port = '';
    await expectNoWebGpuNotice(page, url.toString());
    assert.equal(await page.evaluate(() => 'gpu' in navigator), false, 'precondition: navigator.gpu is missing');
  },
  { insecureOrigin: true },
);

test('full-page screenshot after a run', async ({ page, screenshot }) => {
  const app = await openApp(page, BASE_URL);
  const spec = await app.evaluate((s) => s.getSpec());
  await app.evaluate((s, next) => s.setSpec(next), { ...spec, n: SMALL_N });
  const result = await app.evaluate((s) => s.run());
  assert.ok(isFiniteNumber(result.mmd2) && isFiniteNumber(result.rmse), `run gave ${JSON.stringify(result)}`);
  // let the views draw the result
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
  const path = await screenshot(page, 'sampler-lab.png');
  assert.ok(statSync(path).size > 0, `${path} is empty`);
});

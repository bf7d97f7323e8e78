// Without WebGPU (issue #8 "Without WebGPU"): with `navigator.gpu` removed by an init script (a browser that has no
// WebGPU at all), the sampler lab runs a preset end to end on the float64 CPU engine in a worker: the page says so,
// the live run's metrics are those of `stepscope sample --backend cpu` for the same spec, a sweep draws the quality
// chart, and a lesson runs.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JSHandle } from 'playwright-core';
import { BASE_URL, isFiniteNumber, openApp, pollViews, test } from './harness.ts';

/** what a browser without WebGPU looks like to the page: no `gpu` on navigator at all */
const REMOVE_WEBGPU = `Object.defineProperty(Navigator.prototype, 'gpu', { get: undefined, configurable: true }); delete Navigator.prototype.gpu;`;

test('without navigator.gpu (removed by an init script) the CPU path runs a preset end to end: live run, metrics equal to the CLI, sweep', async ({ page, context, screenshot }) => {
  await context.addInitScript(REMOVE_WEBGPU);
  // a preset of the sampler lab (two moons, the sampler lab's default solver and grid), at a CPU-friendly size
  const app = await openApp(page, BASE_URL);
  assert.equal(await page.evaluate(() => 'gpu' in navigator), false, 'precondition: navigator.gpu is gone');
  assert.equal(await app.evaluate((s) => s.status), 'none');
  // the page says what is missing and that it runs on the CPU, rather than going dead
  const badge = page.getByTestId('gpu-status');
  assert.match(await badge.innerText(), /No WebGPU: CPU fallback/);
  assert.match(await page.getByTestId('no-webgpu').innerText(), /CPU fallback/);

  const base = await app.evaluate((s) => s.getSpec());
  const spec = { ...base, target: { type: 'preset', name: 'two-moons-gmm' }, n: 1024, nfe: 8, seed: 3 };
  await app.evaluate((s, next) => s.setSpec(next), spec);
  const result = await app.evaluate((s) => s.run());
  for (const key of ['mmd2', 'energy', 'rmse'] as const) assert.ok(isFiniteNumber(result[key]), `${key}: ${result[key]}`);
  assert.equal(result.nfe, 8);

  // the same spec through the CLI's float64 CPU engine: the page's worker runs the same program
  const dir = mkdtempSync(join(tmpdir(), 'stepscope-nogpu-'));
  writeFileSync(join(dir, 'spec.json'), JSON.stringify(await app.evaluate((s) => s.getSpec())));
  execFileSync(process.execPath, ['bin/stepscope.mjs', 'sample', '--spec', join(dir, 'spec.json'), '--out', join(dir, 'x.npy'), '--metrics', join(dir, 'm.json'), '--backend', 'cpu'], { stdio: 'pipe' });
  const { metrics } = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')) as { metrics: Record<string, number> };
  for (const key of ['mmd2', 'rmse'] as const) {
    // float64 on both sides; Node's and Chromium's V8 may differ in the last bit of a transcendental function
    assert.ok(Math.abs(result[key] - metrics[key]) <= 1e-9 * Math.max(1e-12, Math.abs(metrics[key])) + 1e-15, `${key}: page ${result[key]}, CLI ${metrics[key]}`);
  }

  // a sweep on the CPU: the quality chart shows its curves
  const sweep = await app.evaluate((s) => s.sweep({ nfes: [4, 8], solvers: ['ddim', 'dpmpp-2m'], n: 512 }));
  assert.deepEqual(sweep.curves.map((c) => c.solver).sort(), ['ddim', 'dpmpp-2m']);
  for (const curve of sweep.curves) for (const p of curve.points) assert.ok(isFiniteNumber(p.mmd2) && isFiniteNumber(p.rmse), JSON.stringify(p));
  type QualityHook = { views(): { quality: { sweep: { status: string; nfes: number[] }; curves: unknown[] } | null } };
  const quality = await pollViews(page, app as unknown as JSHandle<QualityHook>, (v) => v.quality?.sweep.status === 'done' && JSON.stringify(v.quality.sweep.nfes) === '[4,8]' && v.quality, 'the quality chart of the CPU sweep');
  assert.equal(quality.curves.length, 2);
  await screenshot(page, 'no-webgpu-sampler-lab.png');
});

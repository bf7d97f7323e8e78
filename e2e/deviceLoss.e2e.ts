// Device loss (issue 10): destroying the GPU device mid-run (the test hook's loseDevice, as a driver reset would)
// shows the notice and keeps the spec; "Restart GPU" requests a new device, rebuilds on it, and the next run's
// metrics equal those of a fresh page opened with the same spec.

import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { BASE_URL, openApp, test, type StepscopeHook } from './harness.ts';

type Hook = StepscopeHook & { loseDevice(): void };

const badge = (page: Page) => page.getByTestId('gpu-status');

test('device loss mid-run: the notice, the spec kept, and "Restart GPU" resumes with a fresh page’s metrics', async ({ page, newPage, screenshot }) => {
  const app = (await openApp(page, BASE_URL)) as unknown as import('playwright-core').JSHandle<Hook>;
  await app.evaluate((s) => s.setSpec({ ...s.getSpec(), n: 256, nfe: 6 }));
  const spec = await app.evaluate((s) => s.getSpec());
  const before = await app.evaluate((s) => s.run());

  // lose the device while a run is in flight
  await app.evaluate((s) => {
    void s.run().catch(() => {});
    s.loseDevice();
  });
  await page.getByRole('alert').filter({ hasText: 'The GPU device was lost' }).waitFor({ timeout: 30_000 });
  assert.match(await badge(page).innerText(), /GPU device lost/);
  assert.deepEqual(await app.evaluate((s) => s.getSpec()), spec, 'the spec stays');
  await screenshot(page, 'device-lost.png');

  await page.getByRole('button', { name: 'Restart GPU' }).click();
  await page.waitForFunction(() => {
    const text = document.querySelector('[data-testid="gpu-status"]')?.textContent ?? '';
    return text.startsWith('WebGPU') && !text.includes('lost');
  }, null, { timeout: 30_000 });
  assert.equal(await page.getByRole('alert').filter({ hasText: 'The GPU device was lost' }).count(), 0, 'the notice goes once the GPU is back');
  assert.equal(await page.getByRole('button', { name: 'Restart GPU' }).count(), 0);
  const after = await app.evaluate((s) => s.run());

  const fresh = await newPage();
  const freshApp = await openApp(fresh, await app.evaluate((s) => s.getUrl()));
  const expected = await freshApp.evaluate((s) => s.run());
  for (const key of ['mmd2', 'energy', 'rmse'] as const) {
    assert.equal(after[key], expected[key], `${key} after the restart equals a fresh page's`);
    assert.equal(before[key], expected[key], `${key} before the loss equals a fresh page's`);
  }
});

// The glyphs16 image target in the app (issue #3): picked in the target picker, run with a small n on SwiftShader,
// shown as a grid of 16×16 images instead of the flow view, scored with FD-RF / FD-pix and their null values.
// Numbers through the test hook; the image grid's pixels are checked against the samples the hook returns (the
// grid must show those samples, cell by cell), since the grid is what this feature adds.

import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { BASE_URL, isFiniteNumber, openApp, test } from './harness.ts';

const N = 64;
const GLYPH_DIM = 256;

/** the number in a cell the page formats with formatNumber (3 significant digits, or exponent form) */
async function shownNumber(page: Page, testId: string): Promise<number> {
  const text = (await page.locator(`[data-testid="${testId}"]`).first().innerText()).trim();
  const value = Number(text);
  assert.ok(Number.isFinite(value), `[data-testid=${testId}] should show a finite number, got ${JSON.stringify(text)}`);
  return value;
}

/** each grid cell's 16×16 grey levels, read at texel centres of the upscaled canvas */
async function gridCells(page: Page): Promise<{ columns: number; cells: number[][] }> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="image-grid"]');
    if (!canvas) throw new Error('no image grid canvas');
    const columns = Number(canvas.dataset.columns);
    const count = Number(canvas.dataset.count);
    const scale = Number(canvas.dataset.scale);
    const size = Number(canvas.dataset.cell);
    const gap = Number(canvas.dataset.gap);
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const cells: number[][] = [];
    for (let c = 0; c < count; c++) {
      const x0 = (c % columns) * (size + gap);
      const y0 = Math.floor(c / columns) * (size + gap);
      const grey: number[] = [];
      for (let row = 0; row < size; row++)
        for (let col = 0; col < size; col++) {
          const px = Math.floor((x0 + col + 0.5) * scale);
          const py = Math.floor((y0 + row + 0.5) * scale);
          grey.push(pixels[4 * (py * canvas.width + px)]);
        }
      cells.push(grey);
    }
    return { columns, cells };
  });
}

test('glyphs16: picked in the UI, run at n = 64, shown as images with FD-RF and its null', async ({ page, screenshot }) => {
  const app = await openApp(page, BASE_URL);
  const picker = page.locator('[data-testid="target-picker"]');
  await picker.selectOption('glyphs16');
  const picked = await app.evaluate((s) => s.getSpec());
  assert.deepEqual(picked.target, { type: 'glyphs16', components: 10, pixelStd: 0.2 }, 'the picker sets the glyphs16 target with its defaults');
  await app.evaluate((s, spec) => s.setSpec(spec), { ...picked, n: N });

  // the flow view (2-D only) is replaced by a note, and drawing points is off
  await page.locator('[data-testid="flow-off"]').first().waitFor({ state: 'visible', timeout: 10_000 });
  assert.equal(await page.locator('.flow-canvas-host').count(), 0, 'the flow view is not mounted for a 256-D target');
  assert.equal(await page.locator('[data-testid="draw-start"]').isDisabled(), true, '"Draw points" is disabled without the flow view');
  // no automatic sweep for an image target on a software adapter, and the page says so
  assert.match(await page.locator('[data-testid="sweep-idle"]').innerText(), /no automatic sweep/i);

  const started = Date.now();
  const result = await app.evaluate((s) => s.run());
  const runSeconds = (Date.now() - started) / 1000;
  console.log(`  glyphs16 run: n = ${N}, fdReferenceSamples = ${result.fdReferenceSamples}, ${runSeconds.toFixed(1)} s (all shown solvers, metrics included)`);
  for (const key of ['fdRf', 'fdRfNull', 'fdPix', 'fdPixNull'] as const)
    assert.ok(isFiniteNumber(result[key]) && result[key] >= 0, `${key} should be a finite non-negative number, got ${result[key]}`);
  assert.equal(result.fdReferenceSamples, 4096, 'FD-RF reference size on a software adapter');

  // samples: n × 256, finite, image-like (not collapsed to one image)
  const { n, dim, data } = await app.evaluate((s) => s.samples());
  assert.equal(n, N, 'n');
  assert.equal(dim, GLYPH_DIM, 'samples of glyphs16 have dimension 256');
  assert.equal(data.length, N * GLYPH_DIM, 'samples length');
  assert.ok(data.every(Number.isFinite), 'every sample value is finite');

  // the FD numbers are on the page (3 significant digits), for the run's own solver and the null row
  const spec = await app.evaluate((s) => s.getSpec());
  const solver = (spec.solver as { name: string }).name;
  const near = (shown: number, exact: number) => Math.abs(shown - exact) <= 5e-3 * Math.abs(exact) + 1e-12;
  const fdShown = await shownNumber(page, `fd-rf-${solver}`);
  const nullShown = await shownNumber(page, 'fd-rf-null');
  assert.ok(near(fdShown, result.fdRf!), `FD-RF on the page ${fdShown} vs the run's ${result.fdRf}`);
  assert.ok(near(nullShown, result.fdRfNull!), `FD-RF null on the page ${nullShown} vs the run's ${result.fdRfNull}`);
  assert.ok(near(await shownNumber(page, 'fd-pix-null'), result.fdPixNull!), 'FD-pix null on the page');
  assert.match(await page.locator('[data-testid="fd-note"]').innerText(), /4,096 exact samples/);

  // the image grid: 64 cells (8 × 8), each not blank, not all alike, and each the grey image of its sample
  await page.locator('[data-testid="image-grid"]').first().waitFor({ state: 'visible', timeout: 10_000 });
  const { columns, cells } = await gridCells(page);
  assert.equal(cells.length, N, 'one cell per sample (up to 64)');
  assert.equal(columns, 8, '8 × 8 grid');
  for (const [c, cell] of cells.entries()) {
    const range = Math.max(...cell) - Math.min(...cell);
    assert.ok(range > 60, `cell ${c} is (nearly) blank: grey range ${range}`);
  }
  const distinct = new Set(cells.map((cell) => cell.join(','))).size;
  assert.ok(distinct === N, `every cell should differ from the others, got ${distinct} distinct of ${N}`);
  const differing = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]), 0) / a.length;
  assert.ok(differing(cells[0], cells[1]) > 5, `cells 0 and 1 should differ clearly (mean |Δgrey| ${differing(cells[0], cells[1])})`);
  // the grid shows the run's samples: the hook's fresh run of the same spec and solver gives the same particles
  let worst = 0;
  for (const c of [0, 1, 37, N - 1])
    for (let i = 0; i < GLYPH_DIM; i++) {
      const expected = Math.round(255 * Math.min(1, Math.max(0, (data[c * GLYPH_DIM + i] + 1) / 2)));
      worst = Math.max(worst, Math.abs(cells[c][i] - expected));
    }
  assert.ok(worst <= 2, `the grid's pixels should be the samples' grey levels (worst |Δ| = ${worst})`);
  // the exact means row: one cell per digit
  assert.equal(await page.locator('[data-testid="image-means"]').getAttribute('data-count'), '10', 'one mean image per component');

  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
  const path = await screenshot(page, 'glyphs.png');
  assert.ok(statSync(path).size > 0, `${path} is empty`);

  // back to a 2-D target: the flow view returns (the image panel is only for targets it cannot draw)
  await picker.selectOption('ring8');
  await page.locator('.flow-canvas-host').first().waitFor({ state: 'attached', timeout: 10_000 });
  assert.equal(await page.locator('[data-testid="flow-off"]').count(), 0, 'no flow-off note for a 2-D target');
});

test('glyphs16: a bad components value is refused with a notice and the spec is unchanged', async ({ page }) => {
  const app = await openApp(page, BASE_URL);
  await page.locator('[data-testid="target-picker"]').selectOption('glyphs16');
  const before = await app.evaluate((s) => s.getSpec());
  const message = await app.evaluate((s, spec) => {
    try {
      s.setSpec(spec);
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  }, { ...before, target: { type: 'glyphs16', components: 11 } });
  assert.ok(message && /components/.test(message) && /11/.test(message), `the error should name the field and value, got ${JSON.stringify(message)}`);
  assert.deepEqual(await app.evaluate((s) => s.getSpec()), before, 'the spec is unchanged after a refused edit');
  // the digits control offers only valid counts
  const options = await page.locator('[data-testid="glyph-components"] option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
  assert.deepEqual(options, ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
  await page.locator('[data-testid="glyph-components"]').selectOption('3');
  assert.deepEqual((await app.evaluate((s) => s.getSpec())).target, { type: 'glyphs16', components: 3, pixelStd: 0.2 }, 'the digits control sets components');
});

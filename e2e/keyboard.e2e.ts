// Keyboard shortcuts, the help overlay, the command palette, dark and light themes, and the tablet layout
// (issue #8), driven by keyboard only in real Chromium. Numbers come from `window.stepscope`; the page's state
// (dialogs, theme, hidden panels) from the DOM. Screenshots of both themes and the tablet layouts go to the
// test output directory for people to look at.

import assert from 'node:assert/strict';
import type { JSHandle, Page } from 'playwright-core';
import { checkPage } from './accessibility.e2e.ts';
import { BASE_URL, openApp, type StepscopeHook, test } from './harness.ts';

interface PdeState {
  playing: boolean;
  steps: number;
  time: number;
}
interface PdeHook {
  getSpec(): { seed: number } & Record<string, unknown>;
  state(): PdeState;
}

/** every key the help must list (the command table's bindings, as the help writes them) */
const SHORTCUT_KEYS = ['Space', 'K', '.', 'S', 'R', 'Shift+R', 'H', 'T', '?', 'Ctrl+K / ⌘K'];

async function poll<T>(page: Page, read: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await read();
  while (!ok(last)) {
    assert.ok(Date.now() < deadline, `${what}; last value ${JSON.stringify(last)}`);
    await page.waitForTimeout(100);
    last = await read();
  }
  return last;
}

/** nothing focused: keys go to the page (as after loading it) */
async function blur(page: Page): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

const openDialogs = (page: Page) => page.evaluate(() => [...document.querySelectorAll('dialog[open]')].map((d) => d.getAttribute('aria-labelledby') && document.getElementById(d.getAttribute('aria-labelledby')!)?.textContent));
const theme = (page: Page) => page.evaluate(() => document.documentElement.dataset.theme);
const figureOnly = (page: Page) => page.evaluate(() => document.documentElement.dataset.ui === 'figure');

function pdeHook(app: JSHandle<StepscopeHook>): Promise<JSHandle<PdeHook>> {
  return app.evaluateHandle((s) => (s as unknown as { pde: PdeHook }).pde) as Promise<JSHandle<PdeHook>>;
}

test('keyboard: ? opens the help listing every shortcut (focus trapped, Escape closes); keys do nothing while typing; axe with it open', async ({ page }) => {
  await openApp(page, BASE_URL);
  // typing in a field: '?', 'h' and 't' are text there, not commands
  const name = page.getByRole('textbox', { name: /name/i }).first();
  await name.focus();
  await page.keyboard.type('?ht');
  assert.equal(await name.inputValue(), '?ht', 'the keys reached the field');
  assert.deepEqual(await openDialogs(page), [], 'no dialog opened while typing');
  assert.equal(await figureOnly(page), false, 'H in a field did not hide the panels');
  const before = await theme(page);
  assert.ok(before === 'light' || before === 'dark', `a theme is applied (${before})`);
  await name.fill('');
  await blur(page);

  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await dialog.waitFor({ state: 'visible', timeout: 5000 });
  assert.equal(await dialog.getAttribute('aria-modal'), 'true');
  // every shortcut of the command table is listed, each with what it does
  const keys = await dialog.locator('kbd').allTextContents();
  for (const k of SHORTCUT_KEYS) assert.ok(keys.includes(k), `the help lists ${k} (it lists ${keys.join(', ')})`);
  const rows = await dialog.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => ({ id: tr.getAttribute('data-command'), text: tr.textContent ?? '' })));
  for (const id of ['play-pause', 'step', 'reset', 'new-seed', 'figure-only', 'toggle-theme', 'help', 'palette']) {
    assert.ok(rows.some((r) => r.id === id && r.text.length > 10), `the help has a described row for ${id}`);
  }
  // focus starts inside and stays inside, forwards and backwards
  const focusInside = () => page.evaluate(() => document.activeElement?.closest('dialog[open]') !== null);
  assert.ok(await focusInside(), 'focus moved into the help');
  for (const key of ['Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
    await page.keyboard.press(key);
    assert.ok(await focusInside(), `focus stays in the help after ${key}`);
  }
  // shortcuts do not act behind the dialog
  await page.keyboard.press('h');
  assert.equal(await figureOnly(page), false, 'H behind the open help did nothing');

  await checkPage(page);

  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached', timeout: 5000 });
  assert.deepEqual(await openDialogs(page), [], 'Escape closed the help');
});

test('keyboard: sampler lab: Shift+R changes the seed and the link, Space and . drive the flow view, H hides the panels', async ({ page, screenshot }) => {
  const app = await openApp(page, BASE_URL);
  const seed0 = (await app.evaluate((s) => s.getSpec())).seed as number;
  const url0 = page.url();
  await blur(page);
  await page.keyboard.press('Shift+R');
  const seed1 = await poll(page, async () => (await app.evaluate((s) => s.getSpec())).seed as number, (s) => s !== seed0, 'Shift+R changes the spec’s seed');
  assert.equal(seed1, seed0 + 1, 'the new seed is the next one');
  await poll(page, async () => page.url(), (u) => u !== url0, 'the link in the address bar changes with the seed');
  assert.equal((await app.evaluate((s) => s.getSpec())).seed, seed1);
  // R: the same spec again (the seed stays)
  await page.keyboard.press('r');
  await app.evaluate((s) => s.run());
  assert.equal((await app.evaluate((s) => s.getSpec())).seed, seed1, 'R keeps the seed');

  // the flow view: wait for its trajectories, then Space toggles the animation and "." steps through the solver steps
  const playButton = page.locator('.flow-controls button').first();
  await poll(page, () => playButton.isEnabled(), (v) => v, 'the flow view has trajectories to animate', 60_000);
  const label0 = await playButton.getAttribute('aria-label');
  await page.keyboard.press(' ');
  await poll(page, () => playButton.getAttribute('aria-label'), (l) => l !== label0, 'Space toggles the flow animation');
  await page.keyboard.press('k');
  await poll(page, () => playButton.getAttribute('aria-label'), (l) => l === label0, 'K toggles it back');
  // from wherever it stopped, "." lands exactly on a step, and the next "." on the one after
  const stepOf = async () => {
    const text = (await page.locator('.flow-time').textContent()) ?? '';
    const m = /step ([\d.]+) \/ (\d+)/.exec(text);
    return m ? { step: Number(m[1]), steps: Number(m[2]) } : null;
  };
  await page.keyboard.press('.');
  const a = await poll(page, stepOf, (s) => s !== null && Number.isInteger(s.step), '"." moves to a whole step');
  await page.keyboard.press('.');
  const b = await poll(page, stepOf, (s) => s !== null && s.step !== a!.step, 'a second "." moves on');
  assert.equal(b!.step, a!.step === a!.steps ? 1 : a!.step + 1, `"." advances one solver step (${a!.step} → ${b!.step} of ${a!.steps})`);

  // H: figure only (the flow view stays, every other panel goes), H again brings them back
  const controls = page.getByRole('complementary', { name: 'Controls' });
  const quality = page.getByRole('region', { name: 'Quality against NFE' });
  const flow = page.getByRole('region', { name: 'Flow from noise to data' });
  assert.ok(await controls.isVisible());
  await page.keyboard.press('h');
  await poll(page, () => controls.isVisible(), (v) => !v, 'H hides the controls');
  assert.equal(await quality.isVisible(), false, 'H hides the quality panel');
  assert.equal(await page.locator('.app-header').isVisible(), false, 'H hides the header');
  assert.equal(await page.getByRole('region', { name: 'Time grids' }).isVisible(), false, 'H hides the time grids');
  assert.ok(await flow.isVisible(), 'the figure stays');
  assert.ok(await page.getByRole('button', { name: /Show panels/ }).isVisible(), 'a button brings the panels back for a pointer');
  await screenshot(page, 'keyboard-figure-only.png');
  await page.keyboard.press('h');
  await poll(page, () => controls.isVisible(), (v) => v, 'H shows the controls again');
  assert.ok(await quality.isVisible());
});

test('keyboard: PDE lab: . steps, Space plays and pauses, R resets, Shift+R changes the seed and the link', async ({ page }) => {
  const app = await openApp(page, `${BASE_URL}?lab=pde`);
  const pde = await pdeHook(app);
  const state = () => pde.evaluate((p) => p.state());
  await blur(page);
  await page.keyboard.press('.');
  await poll(page, state, (s) => s.steps === 1 && !s.playing, '"." advances one step');
  await page.keyboard.press('.');
  await poll(page, state, (s) => s.steps === 2, 'a second "." another');
  await page.keyboard.press(' ');
  await poll(page, state, (s) => s.playing && s.steps > 2, 'Space plays');
  await page.keyboard.press(' ');
  await poll(page, state, (s) => !s.playing, 'Space pauses');
  const paused = await state();
  assert.ok(paused.steps > 2 && paused.time > 0);
  await page.keyboard.press('r');
  await poll(page, state, (s) => s.steps === 0 && s.time === 0 && !s.playing, 'R resets to the initial state');
  const seed0 = (await pde.evaluate((p) => p.getSpec())).seed;
  const url0 = page.url();
  await page.keyboard.press('Shift+R');
  await poll(page, async () => (await pde.evaluate((p) => p.getSpec())).seed, (s) => s === seed0 + 1, 'Shift+R moves the PDE spec to the next seed');
  await poll(page, async () => page.url(), (u) => u !== url0, 'and the link changes with it');
  // H in the PDE lab: only the fields stay
  await page.keyboard.press('h');
  await poll(page, () => page.getByRole('complementary', { name: 'PDE controls' }).isVisible(), (v) => !v, 'H hides the PDE controls');
  assert.equal(await page.getByRole('toolbar', { name: 'Run' }).isVisible(), false, 'H hides the run bar');
  assert.equal(await page.getByRole('region', { name: 'Stability region' }).isVisible(), false, 'H hides the diagnostics');
  assert.ok(await page.locator('.pde-runs').isVisible(), 'the fields stay');
});

test('keyboard: the command palette (Ctrl+K) filters, moves with the arrows and runs with Enter; axe with it open', async ({ page }) => {
  await openApp(page, BASE_URL);
  await blur(page);
  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await palette.waitFor({ state: 'visible', timeout: 5000 });
  const input = palette.getByRole('combobox', { name: 'Command' });
  assert.ok(await input.evaluate((e) => e === document.activeElement), 'the filter field has the focus');
  const options = palette.getByRole('option');
  const all = await options.allTextContents();
  assert.ok(all.length >= 8, `the palette lists the commands (${all.length})`);
  assert.ok(all.some((t) => t.includes('Go to PDE lab')) && all.some((t) => t.includes('Run quality sweep')) && all.some((t) => t.includes('Export')));
  assert.ok(!all.some((t) => t.includes('Go to Samplers')), 'the lab on screen is not offered');

  // the arrows move the active option (aria-activedescendant, aria-selected)
  const activeId = () => input.getAttribute('aria-activedescendant');
  const first = await activeId();
  assert.ok(first, 'an option is active');
  assert.equal(await page.locator(`[id="${first}"]`).getAttribute('aria-selected'), 'true');
  await page.keyboard.press('ArrowDown');
  const second = await activeId();
  assert.notEqual(second, first, 'ArrowDown moves to the next option');
  await page.keyboard.press('ArrowUp');
  assert.equal(await activeId(), first, 'ArrowUp moves back');

  await checkPage(page);

  // filter, then Enter runs the one left: the theme switches
  const before = await theme(page);
  await page.keyboard.type('theme');
  const filtered = await options.allTextContents();
  assert.equal(filtered.length, 1, `"theme" leaves one command (${filtered.join(' | ')})`);
  assert.match(filtered[0], /Toggle dark \/ light theme/);
  await page.keyboard.press('Enter');
  await palette.waitFor({ state: 'detached', timeout: 5000 });
  await poll(page, () => theme(page), (t) => t !== before, 'the palette’s command toggled the theme');

  // a filter with nothing behind it says so; Escape closes
  await page.keyboard.press('Control+k');
  await palette.waitFor({ state: 'visible', timeout: 5000 });
  await page.keyboard.type('zzzz no such thing');
  assert.equal(await options.count(), 0);
  assert.match((await palette.getByRole('status').textContent()) ?? '', /No command matches/);
  await page.keyboard.press('Escape');
  await palette.waitFor({ state: 'detached', timeout: 5000 });

  // palette → "Go to PDE lab"
  await page.keyboard.press('Control+k');
  await palette.waitFor({ state: 'visible', timeout: 5000 });
  await page.keyboard.type('pde lab');
  assert.match((await options.first().textContent()) ?? '', /Go to PDE lab/);
  await page.keyboard.press('Enter');
  await poll(page, async () => new URL(page.url()).searchParams.get('lab'), (l) => l === 'pde', 'the palette switched to the PDE lab');
  await page.getByRole('complementary', { name: 'PDE controls' }).waitFor({ state: 'visible', timeout: 30_000 });
});

test('themes: default follows prefers-color-scheme; the header toggle switches, persists across a reload, stays out of the link', async ({ page, newPage, screenshot }) => {
  // a dark system, nothing stored: dark
  const dark = await newPage();
  await dark.emulateMedia({ colorScheme: 'dark' });
  await openApp(dark, BASE_URL);
  assert.equal(await theme(dark), 'dark', 'a dark system gets the dark theme');

  await page.emulateMedia({ colorScheme: 'light' });
  const app = await openApp(page, BASE_URL);
  assert.equal(await theme(page), 'light', 'a light system gets the light theme');
  await app.evaluate((s) => s.run());
  const colours = () =>
    page.evaluate(() => {
      const css = (e: Element | null, p: string) => (e ? getComputedStyle(e).getPropertyValue(p) : null);
      return {
        page: css(document.documentElement, 'background-color'),
        panel: css(document.querySelector('.panel'), 'background-color'),
        ink: css(document.querySelector('.panel'), 'color'),
        axisTitle: css(document.querySelector('svg text.axis-title'), 'fill'),
      };
    });
  const light = await colours();
  await screenshot(page, 'theme-light.png');

  // keyboard only: focus the header's toggle and press Enter
  const toggle = page.getByRole('button', { name: 'Switch to dark theme' });
  await toggle.focus();
  await page.keyboard.press('Enter');
  await poll(page, () => theme(page), (t) => t === 'dark', 'the toggle switches to dark');
  assert.equal(await page.evaluate(() => localStorage.getItem('stepscope.theme')), 'dark', 'the choice is stored');
  const darkColours = await colours();
  assert.notEqual(darkColours.page, light.page, 'the page background changes');
  assert.notEqual(darkColours.panel, light.panel, 'the panels change');
  assert.notEqual(darkColours.ink, light.ink, 'the text colour changes');
  // the charts read the same variables: their axis titles are drawn in the theme's ink
  assert.ok(darkColours.axisTitle && light.axisTitle, 'a chart with axis titles is on the page');
  assert.equal(darkColours.axisTitle, darkColours.ink, 'a chart’s axis title follows the dark ink');
  assert.equal(light.axisTitle, light.ink, 'and the light one');
  assert.ok(!/theme/.test(page.url()), 'the theme is not in the link');
  await screenshot(page, 'theme-dark.png');
  // the dark theme keeps text legible (axe's colour-contrast rule is one of the serious ones)
  await checkPage(page);

  // T toggles too, and the choice outlives a reload (even against the system's preference)
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(() => (window as unknown as { stepscope?: { ready: Promise<void> } }).stepscope?.ready);
  assert.equal(await theme(page), 'dark', 'the stored dark theme survives a reload on a light system');
  await blur(page);
  await page.keyboard.press('t');
  await poll(page, () => theme(page), (t) => t === 'light', 'T switches back to light');
  await page.reload({ waitUntil: 'load' });
  assert.equal(await theme(page), 'light', 'and that survives a reload too');
});

test('tablet: no horizontal page scroll at 768×1024 and 1024×768 in both labs; the panels stack and the controls stay in view', async ({ page, screenshot }) => {
  for (const [width, height] of [
    [768, 1024],
    [1024, 768],
  ]) {
    await page.setViewportSize({ width, height });
    for (const [lab, url] of [
      ['samplers', BASE_URL],
      ['pde', `${BASE_URL}?lab=pde`],
    ]) {
      await openApp(page, url);
      await page.waitForTimeout(500);
      const layout = await page.evaluate(() => {
        const root = document.documentElement;
        const wide = [...document.querySelectorAll('body *')]
          .filter((e) => {
            const r = e.getBoundingClientRect();
            return r.width > 0 && r.right > root.clientWidth + 1 && getComputedStyle(e).position !== 'fixed';
          })
          .slice(0, 5)
          .map((e) => `${e.tagName.toLowerCase()}.${String((e as HTMLElement).className?.toString?.() ?? '')}`);
        const boxes = [...document.querySelectorAll('.sidebar, .panel')].map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0);
        return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide, panels: boxes.length, outside: boxes.filter((r) => r.left < 0 || r.right > root.clientWidth + 1).length };
      });
      assert.ok(layout.scrollWidth <= layout.clientWidth, `${lab} at ${width}×${height}: the page scrolls sideways (${layout.scrollWidth} > ${layout.clientWidth}; wide: ${layout.wide.join(', ')})`);
      assert.ok(layout.panels >= 3, `${lab} at ${width}×${height}: panels are shown (${layout.panels})`);
      assert.equal(layout.outside, 0, `${lab} at ${width}×${height}: every panel lies within the page's width`);
      // the main controls can be reached and are inside the viewport's width
      const control = lab === 'pde' ? page.getByRole('button', { name: 'Step', exact: true }) : page.getByRole('spinbutton', { name: 'Seed', exact: true });
      const box = await control.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= width, `${lab} at ${width}×${height}: the main control is within the width`);
      await screenshot(page, `tablet-${lab}-${width}x${height}.png`);
    }
  }
  // portrait: the quality panel sits below the flow view (the workspace stacks)
  await page.setViewportSize({ width: 768, height: 1024 });
  await openApp(page, BASE_URL);
  const flow = await page.getByRole('region', { name: 'Flow from noise to data' }).boundingBox();
  const quality = await page.getByRole('region', { name: 'Quality against NFE' }).boundingBox();
  assert.ok(flow && quality && quality.y >= flow.y + flow.height - 1, 'at 768 px the quality panel stacks below the flow view');
});

// Hostile links (issue 10, "Security checks"): HTML and script payloads in every kind of link field (a sampler spec's
// strings, a claim id, a PDE equation and a typed initial-condition formula) are refused with a notice that shows
// them as text; nothing executes (no dialog, no flag set by the payload) and nothing is injected into the DOM. The
// built page carries a Content-Security-Policy without inline script or eval.

import assert from 'node:assert/strict';
import { BASE_URL, openApp, test } from './harness.ts';

const PAYLOAD = '<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2;alert(2)</script>';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const LINKS: { name: string; query: string; showsPayload: boolean }[] = [
  {
    name: 'sampler spec strings',
    query: `?spec=${b64({ version: 1, kind: 'sample', process: { type: 'vp-linear' }, target: { type: 'preset', name: PAYLOAD }, solver: { name: PAYLOAD }, schedule: { type: 'logsnr' }, nfe: 10, n: 64 })}`,
    showsPayload: true,
  },
  { name: 'claim id', query: `?claim=${encodeURIComponent(PAYLOAD)}`, showsPayload: true },
  { name: 'PDE equation', query: `?lab=pde&pde=${b64({ version: 1, kind: 'pde', equation: PAYLOAD })}`, showsPayload: true },
  { name: 'PDE formula', query: `?lab=pde&pde=${b64({ version: 1, kind: 'pde', equation: 'heat', ic: { type: 'expression', expressions: [PAYLOAD] } })}`, showsPayload: false },
];

test('security: HTML/script payloads in links are refused and shown as text; nothing runs or is injected; the CSP is set', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  for (const link of LINKS) {
    await openApp(page, `${BASE_URL}${link.query}`);
    const notices = page.getByTestId('notice');
    await notices.first().waitFor({ timeout: 15_000 });
    const texts = await notices.allInnerTexts();
    if (link.showsPayload) assert.ok(texts.some((t) => t.includes('<img src=x onerror=')), `${link.name}: the payload is shown as text: ${texts.join(' | ')}`);
    const found = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
      images: document.querySelectorAll('img[src="x"]').length,
      inlineScripts: Array.from(document.querySelectorAll('script')).filter((s) => !s.src).length,
    }));
    assert.deepEqual(found, { pwned: null, images: 0, inlineScripts: 0 }, `${link.name}: nothing executed or injected`);
  }
  assert.deepEqual(dialogs, [], 'no dialog opened');

  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.ok(csp, 'the built page has a Content-Security-Policy');
  const scriptSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'));
  assert.equal(scriptSrc, "script-src 'self'", `script-src allows only the page's own files: ${csp}`);
  assert.doesNotMatch(csp, /unsafe-eval/);
});

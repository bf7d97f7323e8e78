// The e2e runner: `npx tsx e2e/run.ts [name filter]`.
// Runs every test registered by e2e/*.e2e.ts against E2E_BASE_URL (default http://127.0.0.1:4173/, the
// `vite preview` server that scripts/run-tests.mjs starts), each in a fresh browser context with a time
// limit, prints pass/fail per test with the error, and writes the counts to E2E_RESULTS
// (default test-results/e2e-results.json) for scripts/run-tests.mjs.

import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BASE_URL, RESULTS_DIR, launchBrowser, newContext, tests, type TestCase, type TestContext } from './harness.ts';

const here = dirname(fileURLToPath(import.meta.url));
const resultsPath = process.env.E2E_RESULTS ?? join(RESULTS_DIR, 'e2e-results.json');
const filter = process.argv[2];

interface TestRecord {
  name: string;
  status: 'passed' | 'failed';
  durationMs: number;
  error?: string;
}

const browsers = new Map<boolean, Promise<Browser>>();
function browserFor(webgpu: boolean): Promise<Browser> {
  let b = browsers.get(webgpu);
  if (!b) {
    b = launchBrowser(webgpu);
    browsers.set(webgpu, b);
  }
  return b;
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
}

async function screenshotTo(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}

// On a timeout the test's own promise is left pending; closing its contexts (in runOne's `finally`, after
// the failure screenshot) makes whatever it awaits in the page reject.
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function runOne(tc: TestCase): Promise<TestRecord> {
  const started = Date.now();
  const pageErrors: string[] = [];
  const consoleLines: string[] = [];
  const contexts: BrowserContext[] = [];
  let mainPage: Page | undefined;
  let error: unknown;
  try {
    const browser = await browserFor(tc.options.webgpu);
    const open = async (): Promise<Page> => {
      const context = await newContext(browser, tc.options, pageErrors);
      contexts.push(context);
      const page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') consoleLines.push(`[${m.type()}] ${m.text()}`);
      });
      return page;
    };
    mainPage = await open();
    const t: TestContext = {
      page: mainPage,
      context: contexts[0],
      baseURL: BASE_URL,
      newPage: open,
      screenshot: screenshotTo,
    };
    await withTimeout(tc.fn(t), tc.options.timeoutMs);
    if (pageErrors.length > 0) throw new Error(`the page threw:\n${pageErrors.join('\n')}`);
  } catch (e) {
    error = e;
    if (mainPage && !mainPage.isClosed()) {
      await withTimeout(screenshotTo(mainPage, `failed-${slug(tc.name)}.png`), 15_000).catch(() => {});
    }
  } finally {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
  }
  const durationMs = Date.now() - started;
  if (error === undefined) return { name: tc.name, status: 'passed', durationMs };
  let message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (pageErrors.length > 0 && !message.includes('the page threw')) message += `\nthe page threw:\n${pageErrors.join('\n')}`;
  if (consoleLines.length > 0) message += `\nbrowser console (last ${Math.min(consoleLines.length, 20)}):\n${consoleLines.slice(-20).join('\n')}`;
  return { name: tc.name, status: 'failed', durationMs, error: message };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');
}

async function main(): Promise<number> {
  for (const file of readdirSync(here).filter((f) => f.endsWith('.e2e.ts')).sort()) {
    await import(pathToFileURL(resolve(here, file)).href);
  }
  const selected = filter ? tests.filter((t) => t.name.toLowerCase().includes(filter.toLowerCase())) : tests;
  console.log(`e2e: ${selected.length} test(s) against ${BASE_URL}`);
  const records: TestRecord[] = [];
  for (const tc of selected) {
    const r = await runOne(tc);
    records.push(r);
    const secs = (r.durationMs / 1000).toFixed(1);
    if (r.status === 'passed') console.log(`  ✓ ${r.name} (${secs} s)`);
    else console.log(`  ✗ ${r.name} (${secs} s)\n${indent(r.error ?? '')}`);
  }
  for (const b of browsers.values()) await b.then((x) => x.close()).catch(() => {});

  const passed = records.filter((r) => r.status === 'passed').length;
  // a filter that selects nothing is a failed run, not a green one
  const failed = records.length - passed + (selected.length === 0 ? 1 : 0);
  if (selected.length === 0) console.log(`  ✗ no e2e test matches ${JSON.stringify(filter ?? '')}`);
  mkdirSync(dirname(resultsPath), { recursive: true });
  writeFileSync(resultsPath, `${JSON.stringify({ passed, failed, skipped: 0, baseURL: BASE_URL, tests: records }, null, 2)}\n`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

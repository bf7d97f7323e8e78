// A small e2e harness (DESIGN §5.3): Debian's Chromium through playwright-core, one fresh browser context
// per test, assertions on the numbers the page exposes through `window.stepscope`, never on pixels.
// Screenshots go to test-results/ for people to look at.

import { chromium, type Browser, type BrowserContext, type JSHandle, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const BASE_URL = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:4173/';
export const RESULTS_DIR = process.env.E2E_OUTPUT_DIR ?? 'test-results';
export const DEFAULT_TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS) || 180_000;

// Chromium flags, found by experiment on this machine (Debian 12, Chromium 156, headless, no GPU), with a
// page at http://127.0.0.1 calling `(await navigator.gpu.requestAdapter()).info`:
//   - no flags: `navigator.gpu` exists but requestAdapter() resolves to null (no usable GPU, headless).
//   - `--enable-unsafe-webgpu` alone: adapter {vendor: 'google', architecture: 'swiftshader'},
//     isFallbackAdapter true; requestDevice() works and a compute shader gives exact results.
//   - adding `--enable-features=Vulkan` and/or `--use-angle=swiftshader` changes nothing (the latter only
//     slows start-up), so they are left out.
//   - `--use-webgpu-adapter=swiftshader` gives the same adapter here; it is kept so that a machine with a
//     hardware GPU still runs e2e on SwiftShader (the tests assert a software adapter).
//   - `--disable-webgpu`, `--disable-features=WebGPU`, `--disable-blink-features=WebGPU`, `--disable-gpu`
//     do not remove `navigator.gpu` (they only make requestAdapter() resolve to null, or nothing at all
//     when combined with --enable-unsafe-webgpu). `navigator.gpu` is [SecureContext]: it is missing only on
//     an insecure origin (see `insecureOrigin` below).
// `--no-sandbox` is required to run Chromium as root; the rest keep the browser off the network and
// robust in containers (small /dev/shm).
export const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];
export const BASE_FLAGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/** Host name mapped (by request interception, no DNS) onto BASE_URL: an insecure context without navigator.gpu. */
export const INSECURE_HOST = 'stepscope.test';

// ---- the page's test hook (kept local: e2e checks the contract, it does not import the app's types) ----

export type Spec = Record<string, unknown>;
export interface AdapterInfoLike {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}
export interface RunResult {
  mmd2: number;
  energy: number;
  rmse: number;
  nfe: number;
  times: number[];
  wallMs: number;
  /** image targets (glyphs16) only */
  fdRf?: number;
  fdRfNull?: number;
  fdPix?: number;
  fdPixNull?: number;
  fdReferenceSamples?: number;
}
export interface SweepResult {
  nfes: number[];
  curves: { solver: string; points: { nfe: number; mmd2: number; rmse: number }[] }[];
}
export interface StepscopeHook {
  ready: Promise<void>;
  status: 'ok' | 'software' | 'none';
  adapterInfo: AdapterInfoLike | null;
  getSpec(): Spec;
  setSpec(spec: Spec): void;
  run(): Promise<RunResult>;
  sweep(options?: { nfes?: number[]; solvers?: string[]; n?: number }): Promise<SweepResult>;
  getUrl(): string;
  /** final samples (n·dim, row-major) of one fresh run of the current spec */
  samples(): Promise<{ spec: Spec; n: number; dim: number; data: number[] }>;
}

// ---- test registry ----

export interface TestContext {
  /** a page in a fresh browser context */
  page: Page;
  context: BrowserContext;
  baseURL: string;
  /** another page in another fresh context of the same browser (nothing shared but the URL you give it) */
  newPage(): Promise<Page>;
  /** save a full-page screenshot under test-results/; returns its path */
  screenshot(page: Page, name: string): Promise<string>;
}

export interface TestOptions {
  /** launch Chromium with the WebGPU flags (default true) */
  webgpu?: boolean;
  /** serve BASE_URL under http://stepscope.test/ (an insecure context: no navigator.gpu) */
  insecureOrigin?: boolean;
  timeoutMs?: number;
}

export interface TestCase {
  name: string;
  fn: (t: TestContext) => Promise<void>;
  options: Required<TestOptions>;
}

export const tests: TestCase[] = [];

export function test(name: string, fn: (t: TestContext) => Promise<void>, options: TestOptions = {}): void {
  tests.push({ name, fn, options: { webgpu: true, insecureOrigin: false, timeoutMs: DEFAULT_TIMEOUT_MS, ...options } });
}

// ---- browser ----

export async function launchBrowser(webgpu: boolean): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...(webgpu ? WEBGPU_FLAGS : []), ...BASE_FLAGS],
  });
}

// tsx compiles with esbuild's keepNames, which wraps functions declared inside `page.evaluate` callbacks
// in `__name(fn, "name")`; the callbacks run in the page, so give the page a no-op `__name`.
const NAME_SHIM = 'globalThis.__name = globalThis.__name || ((fn) => fn);';

export async function newContext(browser: Browser, options: Required<TestOptions>, errors: string[]): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(NAME_SHIM);
  if (options.insecureOrigin) {
    const base = new URL(BASE_URL);
    await context.route(`http://${INSECURE_HOST}/**`, async (route) => {
      const url = new URL(route.request().url());
      url.protocol = base.protocol;
      url.host = base.host;
      try {
        const response = await route.fetch({ url: url.toString() });
        await route.fulfill({ response });
      } catch (error) {
        // a request still in flight when the test closes its context: nothing is waiting for it any more
        if (!/disposed|closed/i.test((error as Error).message)) throw error;
      }
    });
  }
  context.on('page', (page) => watchPage(page, errors));
  return context;
}

function watchPage(page: Page, errors: string[]): void {
  page.on('pageerror', (error) => errors.push(`uncaught in page ${page.url()}: ${error.stack ?? error.message}`));
}

// ---- helpers used by the tests ----

/**
 * Opens `url`, waits for the test hook to exist and for `stepscope.ready` to resolve, and returns a handle
 * to the hook: `await app.evaluate((s, arg) => s.getSpec(), arg)` runs inside the page.
 */
export async function openApp(page: Page, url: string): Promise<JSHandle<StepscopeHook>> {
  await page.goto(url, { waitUntil: 'load' });
  const handle = await page.waitForFunction(
    () => (window as unknown as { stepscope?: StepscopeHook }).stepscope,
    null,
    { timeout: 30_000 },
  );
  const app = handle as unknown as JSHandle<StepscopeHook>;
  await app.evaluate((s) => s.ready);
  return app;
}

/**
 * Polls the page's `views()` report until `pick` returns something truthy (and returns it), or fails after `ms`
 * with the last report: views draw asynchronously after a run or a spec change.
 */
export async function pollViews<V, T>(page: Page, app: JSHandle<{ views(): V }>, pick: (v: V) => T | null | undefined | false, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: V | undefined;
  while (Date.now() < deadline) {
    last = (await app.evaluate((s) => s.views())) as V;
    const got = pick(last);
    if (got) return got;
    await page.waitForTimeout(100);
  }
  throw new Error(`${what}: the view never reported it; last report ${JSON.stringify(last).slice(0, 2000)}`);
}

export function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/**
 * Sampler lab: compare one more configuration the way a person does ("Add configuration", then the solver in the
 * new card, by their labels); returns the new configuration's number (1 is the spec's own).
 */
export async function addConfiguration(page: Page, solver: string): Promise<number> {
  const cards = page.getByRole('group', { name: 'Configurations to compare' });
  const number = (await cards.getByRole('group').count()) + 1;
  await page.getByRole('button', { name: 'Add configuration' }).click();
  const select = page.getByLabel(`Configuration ${number} solver`, { exact: true });
  await select.waitFor({ timeout: 10_000 });
  await select.selectOption(solver);
  return number;
}

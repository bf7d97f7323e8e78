#!/usr/bin/env node
// `npm test` (DESIGN §5): every test layer, then one plain line `N passed, N failed[, N skipped]` that
// totals them all (CI reads that line, not Vitest's summary), and a non-zero exit on any failure.
//
//   node scripts/run-tests.mjs                 typecheck, core, gpu, e2e
//   node scripts/run-tests.mjs core|gpu|e2e    one layer (or several, or `typecheck`)
//
// Layers:
//   typecheck  `tsc --noEmit -p .`, counted as one test
//   core       Vitest project `core` (float64 TypeScript, Node)
//   gpu        Vitest project `gpu` (the npm package `webgpu`; Dawn on SwiftShader via VK_ICD_FILENAMES)
//   e2e        `vite build`, `vite preview` on 127.0.0.1:4173, then e2e/run.ts in Debian's Chromium
// A layer that crashes without producing results counts as (at least) one failure. Nothing here turns
// an error into a skip: under CI=true a gpu test without an adapter fails (that is the tests' job).

import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SWIFTSHADER_ICD, ensurePrerequisites } from './ensure-browser.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'test-results');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const PREVIEW_HOST = '127.0.0.1';
const PREVIEW_PORT = 4173;
const BASE_URL = `http://${PREVIEW_HOST}:${PREVIEW_PORT}/`;

const ALL_LAYERS = ['typecheck', 'core', 'gpu', 'e2e'];

// ---------------------------------------------------------------------------------------------------

// A hung layer (a native hang in a GPU driver, say) must not hang CI: each command gets a time limit,
// after which its whole process group is killed and the layer counts as failed.
const COMMAND_TIMEOUT_MS = (Number(process.env.STEPSCOPE_TEST_TIMEOUT_S) || 1800) * 1000;
const running = new Set(); // children in their own process groups, killed on SIGINT/SIGTERM

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Runs a command with inherited stdio; resolves to its exit code (1 if it could not start, 124 on timeout). */
function run(cmd, args, { env = process.env, label = cmd } = {}) {
  return new Promise((resolvePromise) => {
    console.log(`$ ${[label, ...args].join(' ')}`);
    const child = spawn(cmd, args, { cwd: root, env, stdio: 'inherit', detached: true });
    running.add(child);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(`\n${label} ran past ${COMMAND_TIMEOUT_MS / 1000} s (STEPSCOPE_TEST_TIMEOUT_S); killing it`);
      killGroup(child, 'SIGKILL');
    }, COMMAND_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      running.delete(child);
      console.error(`could not start ${label}: ${e.message}`);
      resolvePromise(1);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      resolvePromise(timedOut ? 124 : (code ?? (signal ? 128 : 1)));
    });
  });
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function heading(text) {
  console.log(`\n=== ${text} ${'='.repeat(Math.max(0, 72 - text.length))}`);
}

// ---------------------------------------------------------------------------------------------------

async function typecheckLayer() {
  const code = await run(bin('tsc'), ['--noEmit', '-p', '.'], { label: 'tsc' });
  return code === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0, note: 'tsc reported errors' };
}

async function vitestLayer(project, env) {
  mkdirSync(resultsDir, { recursive: true });
  const out = join(resultsDir, `vitest-${project}.json`);
  rmSync(out, { force: true });
  const code = await run(
    bin('vitest'),
    ['run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`],
    { env, label: 'vitest' },
  );
  const json = readJson(out);
  if (!json || typeof json.numPassedTests !== 'number') {
    return { passed: 0, failed: 1, skipped: 0, note: `vitest exited with ${code} and wrote no results` };
  }
  const passed = json.numPassedTests;
  let failed = json.numFailedTests ?? 0;
  const skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  const notes = [];
  if (code !== 0 || json.success === false) {
    // When a worker dies (a native crash in Dawn, say), Vitest's JSON lists the tests it never finished as
    // "pending" without counting them: they count as failed here, not as skipped.
    const listed = (json.testResults ?? []).flatMap((file) => file.assertionResults ?? []);
    const unfinished = Math.max(0, listed.filter((a) => a.status === 'pending').length - skipped);
    if (unfinished > 0) {
      failed += unfinished;
      notes.push(`${unfinished} test(s) never finished`);
    }
    if (failed === 0) {
      // a file that fails to load, an error outside any test, or no test files: not a test, still a failure
      failed = Math.max(1, json.numFailedTestSuites ?? 0);
      notes.push(json.numTotalTests === 0 ? 'no tests ran' : 'errors outside tests');
    }
    notes.push(`vitest exited with ${code}`);
  }
  return { passed, failed, skipped, note: notes.join('; ') || undefined };
}

function portInUse(port, host) {
  return new Promise((resolvePromise) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolvePromise(true);
    });
    socket.once('error', () => resolvePromise(false));
  });
}

let previewServer; // the `vite preview` child, stopped in stopPreview() and on signals

async function startPreview() {
  if (await portInUse(PREVIEW_PORT, PREVIEW_HOST)) throw new Error(`port ${PREVIEW_PORT} on ${PREVIEW_HOST} is already in use; stop whatever serves it`);
  console.log(`$ vite preview --host ${PREVIEW_HOST} --port ${PREVIEW_PORT} --strictPort`);
  const child = spawn(bin('vite'), ['preview', '--host', PREVIEW_HOST, '--port', String(PREVIEW_PORT), '--strictPort'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so stopPreview() ends it and anything it started
  });
  previewServer = child;
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let exited = false;
  child.on('exit', () => (exited = true));
  child.on('error', (e) => {
    exited = true;
    output += String(e);
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`vite preview exited:\n${output}`);
    try {
      const res = await fetch(BASE_URL);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`vite preview did not answer on ${BASE_URL} within 30 s:\n${output}`);
}

async function stopPreview() {
  const child = previewServer;
  previewServer = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((r) => child.once('exit', r));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of running) killGroup(child, 'SIGKILL');
    if (previewServer?.pid) killGroup(previewServer, 'SIGKILL');
    process.exit(130);
  });
}

async function e2eLayer() {
  const build = await run(bin('vite'), ['build'], { label: 'vite' });
  if (build !== 0) return { passed: 0, failed: 1, skipped: 0, note: '`vite build` failed' };
  try {
    await startPreview();
  } catch (e) {
    await stopPreview();
    console.error(String(e.message ?? e));
    return { passed: 0, failed: 1, skipped: 0, note: 'could not start `vite preview`' };
  }
  const out = join(resultsDir, 'e2e-results.json');
  rmSync(out, { force: true });
  let code;
  try {
    code = await run(bin('tsx'), ['e2e/run.ts'], {
      env: { ...process.env, E2E_BASE_URL: BASE_URL, E2E_RESULTS: out, E2E_OUTPUT_DIR: resultsDir },
      label: 'tsx',
    });
  } finally {
    await stopPreview();
  }
  const json = readJson(out);
  if (!json || typeof json.passed !== 'number') return { passed: 0, failed: 1, skipped: 0, note: `e2e runner exited with ${code} and wrote no results` };
  let failed = json.failed;
  let note;
  if (code !== 0 && failed === 0) {
    failed = 1;
    note = `e2e runner exited with ${code}`;
  }
  return { passed: json.passed, failed, skipped: json.skipped ?? 0, note };
}

// ---------------------------------------------------------------------------------------------------

function usage() {
  console.error(`usage: node scripts/run-tests.mjs [${ALL_LAYERS.join('|')} ...]`);
}

async function main() {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => !ALL_LAYERS.includes(a));
  if (unknown.length > 0) {
    console.error(`unknown layer(s): ${unknown.join(', ')}`);
    usage();
    return 2;
  }
  const layers = args.length > 0 ? ALL_LAYERS.filter((l) => args.includes(l)) : ALL_LAYERS;

  if (layers.includes('gpu') || layers.includes('e2e')) {
    heading('prerequisites');
    if (!ensurePrerequisites()) return 1;
    console.log('[prerequisites] chromium, SwiftShader ICD and libvulkan.so.1 present');
  }

  const gpuEnv = { ...process.env, VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? SWIFTSHADER_ICD };
  const runners = {
    typecheck: () => typecheckLayer(),
    core: () => vitestLayer('core', process.env),
    gpu: () => {
      console.log(`VK_ICD_FILENAMES=${gpuEnv.VK_ICD_FILENAMES}`);
      return vitestLayer('gpu', gpuEnv);
    },
    e2e: () => e2eLayer(),
  };

  const results = [];
  for (const layer of layers) {
    heading(layer);
    let r;
    try {
      r = await runners[layer]();
    } catch (e) {
      console.error(e);
      r = { passed: 0, failed: 1, skipped: 0, note: `crashed: ${e?.message ?? e}` };
    }
    results.push({ layer, ...r });
  }

  heading('summary');
  const fmt = ({ passed, failed, skipped }) => `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
  for (const r of results) console.log(`${r.layer.padEnd(10)} ${fmt(r)}${r.note ? `  (${r.note})` : ''}`);
  const total = results.reduce((t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed, skipped: t.skipped + r.skipped }), {
    passed: 0,
    failed: 0,
    skipped: 0,
  });
  console.log(fmt(total));
  return total.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  async (e) => {
    console.error(e);
    await stopPreview();
    process.exit(1);
  },
);

#!/usr/bin/env node
// Prerequisites of the gpu and e2e test layers (DESIGN §5): Debian's `chromium` package (the browser for
// e2e, and the SwiftShader Vulkan ICD that Dawn uses in Node) and the Vulkan loader `libvulkan.so.1`.
// As root with apt-get they are installed; otherwise we say exactly what to install and fail.
//
//   node scripts/ensure-browser.mjs        check, install if possible, exit non-zero if still missing

import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const APT_PACKAGES = ['chromium', 'libvulkan1'];

function hasLibvulkan() {
  for (const ldconfig of ['ldconfig', '/sbin/ldconfig', '/usr/sbin/ldconfig']) {
    const r = spawnSync(ldconfig, ['-p'], { encoding: 'utf8' });
    if (r.status === 0) return /\blibvulkan\.so\.1\b/.test(r.stdout);
  }
  // no ldconfig: look in the usual multiarch places
  return ['/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib/aarch64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib', '/lib'].some((d) =>
    existsSync(`${d}/libvulkan.so.1`),
  );
}

/** @returns {string[]} human-readable names of what is missing */
export function missingPrerequisites() {
  const missing = [];
  if (!existsSync(CHROMIUM)) missing.push(`${CHROMIUM} (package chromium)`);
  if (!existsSync(SWIFTSHADER_ICD)) missing.push(`${SWIFTSHADER_ICD} (package chromium)`);
  if (!hasLibvulkan()) missing.push('libvulkan.so.1 (package libvulkan1)');
  return missing;
}

function hasAptGet() {
  return spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
}

/**
 * Makes sure the prerequisites are there. Returns true when they are (possibly after installing them),
 * false after printing what to install.
 */
export function ensurePrerequisites({ log = console.log } = {}) {
  let missing = missingPrerequisites();
  if (missing.length === 0) return true;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && hasAptGet()) {
    log(`[prerequisites] missing: ${missing.join(', ')}`);
    log(`[prerequisites] installing with apt-get: ${APT_PACKAGES.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    const install =
      update.status === 0 ? spawnSync('apt-get', ['install', '-y', ...APT_PACKAGES], { stdio: 'inherit', env }) : update;
    if (install.status !== 0) log('[prerequisites] apt-get failed');
    missing = missingPrerequisites();
    if (missing.length === 0) {
      log('[prerequisites] installed');
      return true;
    }
  }
  log(`[prerequisites] missing: ${missing.join(', ')}`);
  log('[prerequisites] the gpu and e2e tests need Debian/Ubuntu packages chromium and libvulkan1. Install them with:');
  log(`    sudo apt-get update && sudo apt-get install -y ${APT_PACKAGES.join(' ')}`);
  return false;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exit(ensurePrerequisites() ? 0 : 1);
}

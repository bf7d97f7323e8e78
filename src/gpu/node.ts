// Node entry point to WebGPU: the npm package `webgpu` (Dawn). On a machine without a GPU, Dawn runs on
// SwiftShader when VK_ICD_FILENAMES points at its ICD (Debian's chromium package ships it, DESIGN §5).
// Only the CLI and the gpu tests import this file; the browser bundle never does.

import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireGpu, type GpuContext } from './device.ts';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * The Dawn instance must outlive every device made from it: dawn.node keeps polling the instance for
 * events, and if the GPU object is garbage-collected the instance is destroyed under it (seen here as random
 * aborts in InstanceBase::ProcessEvents). So the process holds it for good.
 */
let nodeGpu: GPU | null = null;

export async function acquireNodeGpu(label = 'stepscope-node'): Promise<GpuContext> {
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) {
    // must be set before Dawn loads the Vulkan loader
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  // the Vulkan loader complains on stderr at every start when this is unset (headless machines, CI)
  process.env.XDG_RUNTIME_DIR ??= mkdtempSync(join(tmpdir(), 'stepscope-xdg-'));
  let webgpu: typeof import('webgpu');
  try {
    webgpu = await import('webgpu');
  } catch (error) {
    return acquireGpu(null).then((c) => ({ ...c, reason: `the 'webgpu' package could not be loaded: ${(error as Error).message}` }));
  }
  Object.assign(globalThis, webgpu.globals);
  nodeGpu ??= webgpu.create([]);
  const context = await acquireGpu(nodeGpu, label);
  if (context.status === 'none' && !context.adapterInfo) {
    context.reason += ` In Node, install a Vulkan driver or Debian's 'chromium' and 'libvulkan1' (SwiftShader at ${SWIFTSHADER_ICD}).`;
  }
  return context;
}

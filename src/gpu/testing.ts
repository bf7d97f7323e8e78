// Shared by the gpu test files (Node, `webgpu` package): one device per test file, and a validation
// error scope around each test so that a WGSL or binding mistake fails the test instead of passing silently.
// A machine with no adapter fails these tests; it never skips them (DESIGN §5).

import { acquireNodeGpu } from './node.ts';

let device: Promise<GPUDevice> | null = null;

export function testDevice(): Promise<GPUDevice> {
  device ??= acquireNodeGpu('stepscope-test').then((context) => {
    if (!context.device) throw new Error(`No WebGPU adapter for the gpu tests: ${context.reason}`);
    return context.device;
  });
  return device;
}

/** Run `body` inside validation and out-of-memory error scopes; throws the first GPU error. */
export async function withGpuErrors<T>(gpu: GPUDevice, body: () => Promise<T>): Promise<T> {
  gpu.pushErrorScope('out-of-memory');
  gpu.pushErrorScope('validation');
  let result: T;
  try {
    result = await body();
  } finally {
    const validation = await gpu.popErrorScope();
    const oom = await gpu.popErrorScope();
    if (validation) throw new Error(`GPU validation error: ${validation.message}`);
    if (oom) throw new Error(`GPU out of memory: ${oom.message}`);
  }
  return result;
}

// The one gatekeeper for WebGPU (DESIGN §4): acquires adapter and device from a GPU entry point (the
// browser's navigator.gpu, or the `webgpu` package's in Node: see node.ts), classifies it as
// ok | software | none with the reason, and surfaces device loss and uncaptured errors as typed events.

export type GpuStatusKind = 'ok' | 'software' | 'none';

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
}

export type GpuEvent =
  | { type: 'device-lost'; reason: string; message: string }
  | { type: 'uncaptured-error'; errorType: 'validation' | 'out-of-memory' | 'internal' | 'unknown'; message: string };

export interface GpuContext {
  status: GpuStatusKind;
  /** why the status is what it is, in words a user can act on */
  reason: string;
  adapterInfo: AdapterSummary | null;
  device: GPUDevice | null;
  /** subscribe to device loss and uncaptured errors; returns an unsubscribe function */
  on(listener: (event: GpuEvent) => void): () => void;
}

/** software rasterisers/compute: correct but slow; the UI says so and sizes default down */
const SOFTWARE_ADAPTERS = /swiftshader|llvmpipe|lavapipe|softpipe|warp|basic render/i;

function summarise(adapter: GPUAdapter): AdapterSummary {
  const info = adapter.info;
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
    isFallbackAdapter: Boolean((info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter),
  };
}

/** devices acquired on a software adapter: kernels whose best shape differs on a CPU emulation ask here */
const softwareDevices = new WeakSet<GPUDevice>();

/** true when `device` came from a software adapter (SwiftShader, llvmpipe, WARP, …) through acquireGpu */
export function isSoftwareDevice(device: GPUDevice): boolean {
  return softwareDevices.has(device);
}

function noGpu(reason: string): GpuContext {
  return { status: 'none', reason, adapterInfo: null, device: null, on: () => () => {} };
}

export async function acquireGpu(gpu: GPU | undefined | null, label = 'stepscope'): Promise<GpuContext> {
  if (!gpu) {
    return noGpu('This browser does not expose WebGPU (navigator.gpu is missing).');
  }
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return noGpu(`requestAdapter failed: ${(error as Error).message}`);
  }
  if (!adapter) return noGpu('WebGPU is present but no GPU adapter is available (blocklisted driver, or disabled GPU).');
  const adapterInfo = summarise(adapter);
  let device: GPUDevice;
  try {
    // ask for the adapter's storage limits: the sampler's register file is one large storage buffer
    device = await adapter.requestDevice({
      label,
      // GPU timestamps for the benchmark page (src/engine/bench/), where the adapter offers them
      requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
      requiredLimits: {
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
      },
    });
  } catch (error) {
    return { ...noGpu(`requestDevice failed: ${(error as Error).message}`), adapterInfo };
  }
  const listeners = new Set<(event: GpuEvent) => void>();
  const emit = (event: GpuEvent) => listeners.forEach((listener) => listener(event));
  device.lost.then((info) => emit({ type: 'device-lost', reason: info.reason ?? 'unknown', message: info.message }));
  device.addEventListener('uncapturederror', (event) => {
    const error = (event as GPUUncapturedErrorEvent).error;
    const errorType =
      error instanceof GPUValidationError ? 'validation' : error instanceof GPUOutOfMemoryError ? 'out-of-memory' : error instanceof GPUInternalError ? 'internal' : 'unknown';
    emit({ type: 'uncaptured-error', errorType, message: error.message });
  });
  const software = adapterInfo.isFallbackAdapter || SOFTWARE_ADAPTERS.test(`${adapterInfo.vendor} ${adapterInfo.architecture} ${adapterInfo.device} ${adapterInfo.description}`);
  if (software) softwareDevices.add(device);
  return {
    status: software ? 'software' : 'ok',
    reason: software
      ? `Running on a software adapter (${adapterInfo.architecture || adapterInfo.description || 'fallback'}): results are exact but slow.`
      : `GPU adapter: ${[adapterInfo.vendor, adapterInfo.architecture, adapterInfo.description].filter(Boolean).join(' ')}`,
    adapterInfo,
    device,
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

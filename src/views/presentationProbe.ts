// Can this browser present a WebGPU canvas? Headless Chromium on SwiftShader without a Vulkan/GL compositor
// cannot create the swap chain's shared image: the first present loses every GPUDevice of the page
// ("A valid external Instance reference no longer exists"), the sampler's included. A throwaway device
// presents one 4×4 frame first; if it is lost, the flow view draws with WebGL2 instead (reading the
// trajectory back once per run) and the app's device, acquired afterwards, is never put at risk.
// Run it before the app acquires its device. Costs one extra device and one frame (~10–100 ms).

export interface PresentationProbe {
  ok: boolean;
  reason: string;
}

function nextFrameOrTimeout(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        clearTimeout(timer);
        resolve();
      }),
    );
  });
}

export async function probeCanvasPresentation(gpu: GPU | undefined | null): Promise<PresentationProbe> {
  if (!gpu || typeof document === 'undefined') return { ok: false, reason: 'no WebGPU' };
  let device: GPUDevice | null = null;
  let finished = false;
  const state: { lost: string | null } = { lost: null };
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { ok: false, reason: 'no WebGPU adapter' };
    device = await adapter.requestDevice({ label: 'canvas presentation probe' });
    device.lost.then((info) => {
      if (!finished) state.lost = `${info.reason}: ${info.message}`;
    });
    const canvas = document.createElement('canvas');
    canvas.width = 4;
    canvas.height = 4;
    const context = canvas.getContext('webgpu');
    if (!context) return { ok: false, reason: 'canvas.getContext("webgpu") returned null' };
    context.configure({ device, format: gpu.getPreferredCanvasFormat(), alphaMode: 'opaque' });
    const encoder = device.createCommandEncoder({ label: 'presentation probe' });
    encoder
      .beginRenderPass({
        label: 'presentation probe',
        colorAttachments: [{ view: context.getCurrentTexture().createView(), loadOp: 'clear', storeOp: 'store', clearValue: [0, 0, 0, 1] }],
      })
      .end();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone().catch(() => {});
    await nextFrameOrTimeout(250);
    return state.lost ? { ok: false, reason: `presenting a WebGPU canvas lost the device (${state.lost})` } : { ok: true, reason: 'ok' };
  } catch (error) {
    return { ok: false, reason: `presentation probe failed: ${(error as Error).message}` };
  } finally {
    finished = true;
    device?.destroy();
  }
}

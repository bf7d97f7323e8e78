// The page: state from the URL, the test hook, the GPU gatekeeper, the run controller, the React UI.

import './ui/zodConfig.ts'; // must stay the first import (see the file)
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { acquireGpu, type GpuContext } from './gpu/device.ts';
import { createAppStore } from './state/store.ts';
import { SPEC_PARAM, specFromSearch, specLinkProblem, specUrl } from './state/url.ts';
import { App } from './ui/App.tsx';
import { RunController } from './ui/controller.ts';
import { installTestHook } from './ui/testHook.ts';
import { probeCanvasPresentation } from './views/presentationProbe.ts';
import './ui/styles.css';

async function main(): Promise<void> {
  const { spec, notice } = specFromSearch(window.location.search);
  const store = createAppStore(spec);
  if (notice) store.getState().pushNotice({ level: 'warning', key: 'url', text: notice });
  const hook = installTestHook(store);

  const container = document.getElementById('root');
  if (!container) throw new Error('index.html has no #root');
  const root = createRoot(container);
  const render = (gpu: GpuContext | null, controller: RunController | null, presentable = false) =>
    root.render(
      <StrictMode>
        <App store={store} gpu={gpu} controller={controller} presentable={presentable} onReady={hook.markReady} />
      </StrictMode>,
    );
  render(null, null);

  const entry = typeof navigator !== 'undefined' ? navigator.gpu : undefined;
  // before the app's device exists: a failed present loses every device of the page
  const presentation = await probeCanvasPresentation(entry);
  let gpu: GpuContext;
  try {
    gpu = await acquireGpu(entry);
  } catch (error) {
    gpu = { status: 'none', reason: `WebGPU initialisation failed: ${(error as Error).message}`, adapterInfo: null, device: null, on: () => () => {} };
  }
  store.getState().setGpu({ status: gpu.status, reason: gpu.reason, adapterInfo: gpu.adapterInfo });
  const controller = new RunController(store, gpu, { flowReadback: !presentation.ok });
  if (gpu.device && !presentation.ok) console.info(`stepscope: the flow view draws with WebGL2 (${presentation.reason})`);
  hook.setController(controller);
  render(gpu, controller, presentation.ok);

  // keep the address bar shareable: it always holds the current spec (after the first change), unless the
  // spec is too large for a link (a big dataset target): a link that would be refused when opened is worse
  // than none, so the parameter goes and a notice says why
  store.subscribe((state, previous) => {
    if (state.spec === previous.spec) return;
    const problem = specLinkProblem(state.spec);
    if (problem) {
      const url = new URL(window.location.href);
      url.searchParams.delete(SPEC_PARAM);
      window.history.replaceState(null, '', url.toString());
      state.pushNotice({ level: 'warning', key: 'link-length', text: problem });
    } else {
      window.history.replaceState(null, '', specUrl(state.spec, window.location.href));
      state.notices.filter((n) => n.key === 'link-length').forEach((n) => state.dismissNotice(n.id));
    }
  });
  // first runs once the page is up (the test hook's `ready` resolves when the UI has mounted)
  void hook.hook.ready.then(() => setTimeout(() => controller.start(), 0));
}

main().catch((error: unknown) => {
  console.error('stepscope failed to start:', error);
  const root = document.getElementById('root');
  if (root) {
    const p = document.createElement('p');
    p.className = 'fatal';
    p.textContent = `Stepscope failed to start: ${error instanceof Error ? error.message : String(error)}`;
    root.replaceChildren(p);
  }
});

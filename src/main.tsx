// The page: state from the URL, the test hook, the GPU gatekeeper, the run controllers, the React UI.
// Three labs share the header, the GPU device and the test hook: the sampler lab (`?spec=…`), the PDE lab
// (`?lab=pde&pde=…`) and the benchmark page (`?lab=bench`). Each keeps its own store; the address bar holds the
// shown lab's link.

import './ui/zodConfig.ts'; // must stay the first import (see the file)
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { acquireGpu, type GpuContext } from './gpu/device.ts';
import { createPdeStore } from './state/pdeStore.ts';
import { type Lab, labFromSearch, pdeSpecFromSearch, pdeUrl } from './state/pdeUrl.ts';
import { createAppStore } from './state/store.ts';
import { SPEC_PARAM, specFromSearch, specLinkProblem, specUrl } from './state/url.ts';
import { App } from './ui/App.tsx';
import { BenchApp } from './ui/bench/BenchLab.tsx';
import { BenchController } from './ui/bench/benchController.ts';
import { createBenchHook } from './ui/bench/benchHook.ts';
import { createBenchStore } from './ui/bench/benchStore.ts';
import { benchUrl } from './ui/bench/benchUrl.ts';
import { RunController } from './ui/controller.ts';
import { installEmbedBridge } from './ui/embed/bridge.ts';
import { EmbedContext } from './ui/embed/Embed.tsx';
import { keepEmbedParams, parseEmbedParams } from './ui/embed/params.ts';
import { LessonsApp } from './ui/lessons/LessonsLab.tsx';
import { lessonsUrl } from './ui/lessons/lessonsUrl.ts';
import { PdeApp } from './ui/pde/PdeLab.tsx';
import { TrainApp } from './ui/train/TrainLab.tsx';
import { trainUrl } from './ui/train/trainLink.ts';
import { PdeController } from './ui/pde/pdeController.ts';
import { installTestHook } from './ui/testHook.ts';
import { Shortcuts } from './ui/shortcuts/Shortcuts.tsx';
import { installTheme } from './ui/theme/theme.ts';
import { probeCanvasPresentation } from './views/presentationProbe.ts';
import './ui/styles.css';

async function main(): Promise<void> {
  // before the first render: the stored theme, else the system's (README "Keyboard and themes")
  installTheme();
  let lab: Lab = labFromSearch(window.location.search);
  const { spec, notice } = lab === 'samplers' ? specFromSearch(window.location.search) : specFromSearch('');
  const store = createAppStore(spec);
  if (notice) store.getState().pushNotice({ level: 'warning', key: 'url', text: notice });
  const pde = lab === 'pde' ? pdeSpecFromSearch(window.location.search) : pdeSpecFromSearch('');
  const pdeStore = createPdeStore(pde.spec);
  if (pde.notice) pdeStore.getState().pushNotice({ level: 'warning', key: 'url', text: pde.notice });
  // embed mode (?embed=1&hide=…, README "Embed"): bad values are named in a notice; the rest applies
  const embed = parseEmbedParams(window.location.search, lab);
  for (const text of embed.problems) (lab === 'pde' ? pdeStore : store).getState().pushNotice({ level: 'warning', key: `embed-${text.split(':')[0]}`, text });
  const benchStore = createBenchStore();
  let benchController: BenchController | null = null;
  const hook = installTestHook(store, pdeStore, createBenchHook(benchStore, () => benchController));

  const container = document.getElementById('root');
  if (!container) throw new Error('index.html has no #root');
  const root = createRoot(container);
  let gpu: GpuContext | null = null;
  let controller: RunController | null = null;
  let pdeController: PdeController | null = null;
  let presentable = false;
  // an embedded figure talks to the page around it (protocol.ts); a top-level page has no one to talk to;
  // installed before the GPU is known so that a command sent early waits for `ready` instead of being lost
  if (embed.embed && window.parent !== window && (lab === 'samplers' || lab === 'pde')) {
    installEmbedBridge({
      lab,
      hidden: [...embed.hidden],
      store,
      pdeStore,
      samplerController: () => controller,
      pdeController: () => pdeController,
      ready: hook.hook.ready,
      parent: window.parent,
      self: window,
    });
  }
  let samplerStarted = false;
  const currentSampler = () => controller;
  const currentPde = () => pdeController;
  /** set once the first device is known: rebuilds device, pipelines and buffers after a device loss */
  let restartGpu: (() => Promise<void>) | undefined;
  const onRestartGpu = () => void restartGpu?.();

  const setLab = (next: Lab) => {
    lab = next;
    const href =
      lab === 'pde'
        ? pdeUrl(pdeStore.getState().spec, window.location.href)
        : lab === 'bench'
          ? benchUrl(window.location.href)
          : lab === 'lessons'
            ? lessonsUrl(null, window.location.href)
            : lab === 'train'
              ? trainUrl(window.location.href)
            : specUrl(store.getState().spec, window.location.href);
    window.history.replaceState(null, '', href);
    startSampler();
    render();
  };
  // the sampler lab's first run starts when that lab is first shown (a PDE link does not pay for it)
  const startSampler = () => {
    if (lab !== 'samplers' || samplerStarted || !controller) return;
    samplerStarted = true;
    const c = controller;
    void hook.hook.ready.then(() => setTimeout(() => c.start(), 0));
  };
  const render = () =>
    root.render(
      <StrictMode>
        <EmbedContext.Provider value={embed}>
          {lab === 'train' ? (
            <TrainApp store={store} onLab={setLab} onRestartGpu={onRestartGpu} onReady={hook.markReady} />
          ) : lab === 'lessons' ? (
            <LessonsApp store={store} onLab={setLab} onRestartGpu={onRestartGpu} onReady={hook.markReady} />
          ) : lab === 'bench' ? (
            <BenchApp store={store} benchStore={benchStore} onLab={setLab} onRestartGpu={onRestartGpu} gpu={gpu} controller={benchController} onReady={hook.markReady} />
          ) : lab === 'pde' ? (
            <PdeApp store={store} pdeStore={pdeStore} onLab={setLab} onRestartGpu={onRestartGpu} controller={pdeController} device={gpu?.device && presentable ? gpu.device : null} onReady={hook.markReady} />
          ) : (
            <App store={store} gpu={gpu} controller={controller} presentable={presentable} onReady={hook.markReady} onLab={setLab} onRestartGpu={onRestartGpu} />
          )}
          {/* keyboard shortcuts, the help overlay and the command palette; an embed is driven by its page instead */}
          {!embed.embed && <Shortcuts lab={lab} setLab={setLab} store={store} pdeStore={pdeStore} sampler={currentSampler} pde={currentPde} />}
        </EmbedContext.Provider>
      </StrictMode>,
    );
  render();

  const entry = typeof navigator !== 'undefined' ? navigator.gpu : undefined;
  // before the app's device exists: a failed present loses every device of the page
  const presentation = await probeCanvasPresentation(entry);
  presentable = presentation.ok;
  // the device and everything built on it: at start, and again after "Restart GPU" (a lost device cannot come back;
  // a new one is requested, and the controllers rebuild their pipelines and buffers from the stores' specs)
  const connectGpu = async () => {
    try {
      gpu = await acquireGpu(entry);
    } catch (error) {
      gpu = { status: 'none', reason: `WebGPU initialisation failed: ${(error as Error).message}`, adapterInfo: null, device: null, on: () => () => {} };
    }
    store.getState().setGpu({ status: gpu.status, reason: gpu.reason, adapterInfo: gpu.adapterInfo, lost: null });
    controller = new RunController(store, gpu, { flowReadback: !presentation.ok });
    if (gpu.device && !presentation.ok) console.info(`stepscope: the flow view draws with WebGL2 and the PDE field map with a 2D canvas (${presentation.reason})`);
    hook.setController(controller);
    hook.setDevice(gpu.device);
    pdeController = new PdeController(pdeStore, gpu);
    hook.setPde(pdeController);
    benchController = new BenchController(benchStore, gpu);
  };
  restartGpu = async () => {
    controller?.dispose();
    pdeController?.destroy();
    benchController?.destroy();
    controller = null;
    pdeController = null;
    benchController = null;
    render();
    await connectGpu();
    for (const s of [store.getState(), pdeStore.getState()]) s.notices.filter((n) => n.key === 'device-lost' || n.key === 'pde-device').forEach((n) => s.dismissNotice(n.id));
    samplerStarted = false;
    startSampler();
    render();
  };
  await connectGpu();
  render();

  // keep the address bar shareable: it always holds the shown lab's spec (after the first change), unless the
  // sampler spec is too large for a link (a big dataset target): a link that would be refused when opened is
  // worse than none, so the parameter goes and a notice says why
  store.subscribe((state, previous) => {
    if (state.spec === previous.spec || lab !== 'samplers') return;
    const problem = specLinkProblem(state.spec);
    if (problem) {
      const url = new URL(window.location.href);
      url.searchParams.delete(SPEC_PARAM);
      window.history.replaceState(null, '', url.toString());
      state.pushNotice({ level: 'warning', key: 'link-length', text: problem });
    } else {
      window.history.replaceState(null, '', keepEmbedParams(specUrl(state.spec, window.location.href), window.location.href));
      state.notices.filter((n) => n.key === 'link-length').forEach((n) => state.dismissNotice(n.id));
    }
  });
  pdeStore.subscribe((state, previous) => {
    if (state.spec === previous.spec || lab !== 'pde') return;
    window.history.replaceState(null, '', keepEmbedParams(pdeUrl(state.spec, window.location.href), window.location.href));
  });
  startSampler();
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

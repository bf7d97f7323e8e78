// `window.stepscope`: the numbers the page exposes to the e2e tests (and to curious users in the console).
// Installed before the GPU is known so that tests can wait on `ready`.

import type { SampleSpec } from '../core/spec/spec.ts';
import type { AppStore } from '../state/store.ts';
import { specUrl } from '../state/url.ts';
import type { PdeStore } from '../state/pdeStore.ts';
import type { RunController } from './controller.ts';
import type { PdeController } from './pde/pdeController.ts';
import { createPdeHook } from './pde/pdeHook.ts';
import type { StepscopeHook, StepscopeRunResult, StepscopeShownRun, StepscopeSweepOptions } from './stepscope.d.ts';
import type { StepscopeBenchHook } from './bench/benchHook.ts';
import { viewReports } from './viewReports.ts';

export interface HookHandle {
  hook: StepscopeHook;
  /** called once the GPU status is known and the UI has mounted */
  markReady(): void;
  /** the controller, once the GPU status is known */
  setController(controller: RunController): void;
  /** the PDE lab's controller, once the GPU status is known (again after "Restart GPU") */
  setPde(controller: PdeController): void;
  /** the page's GPU device, for `loseDevice` (null without one) */
  setDevice(device: GPUDevice | null): void;
}

export function installTestHook(store: AppStore, pdeStore: PdeStore, bench: StepscopeBenchHook): HookHandle {
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let setFirstPde!: (controller: PdeController) => void;
  const firstPde = new Promise<PdeController>((resolve) => (setFirstPde = resolve));
  let pde: PdeController | null = null;
  const pdeController = async () => pde ?? firstPde;
  let controller: RunController | null = null;
  let device: GPUDevice | null = null;
  const needController = async (): Promise<RunController> => {
    await ready;
    if (!controller) throw new Error('stepscope: the run controller is not available');
    return controller;
  };

  const hook: StepscopeHook = {
    ready,
    get status() {
      const status = store.getState().gpu.status;
      return status === 'pending' ? 'none' : status;
    },
    get adapterInfo() {
      const info = store.getState().gpu.adapterInfo;
      return info ? { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description } : null;
    },
    getSpec(): SampleSpec {
      return structuredClone(store.getState().spec);
    },
    setSpec(spec: unknown): void {
      try {
        store.getState().setSpec(spec);
      } catch (error) {
        throw new Error((error as Error).message);
      }
    },
    async run(): Promise<StepscopeRunResult> {
      const results = await (await needController()).runLive();
      const primary = results[0];
      if (!primary?.metrics) throw new Error('stepscope.run: the run produced no metrics');
      const m = primary.metrics;
      // image targets add FD-RF / FD-pix with their null values (left out, not undefined, for other targets)
      const frechet =
        m.fdRf !== undefined ? { fdRf: m.fdRf, fdRfNull: m.fdRfNull, fdPix: m.fdPix, fdPixNull: m.fdPixNull, fdReferenceSamples: m.fdReferenceSamples } : {};
      return { mmd2: m.mmd2, energy: m.energy, rmse: m.rmse, nfe: primary.nfe, times: [...primary.times], wallMs: primary.wallMs, ...frechet };
    },
    shown(): StepscopeShownRun | null {
      const { run } = store.getState();
      if (!run.spec || run.results.length === 0) return null;
      return structuredClone({
        status: run.status,
        spec: run.spec,
        // every configuration of one live run has the same particle count: the spec's n, or fewer while a slider was held
        n: run.results[0].n,
        reduced: run.results[0].n < run.spec.n,
        configurations: run.results.map((r) => ({
          index: r.index,
          solver: r.runSpec.solver,
          schedule: r.runSpec.schedule,
          seed: r.runSpec.seed,
          color: r.color ?? null,
          label: r.label ?? r.solver,
          n: r.n,
          nfe: r.nfe,
          times: [...r.times],
          backend: r.backend,
          metrics: r.metrics ? { mmd2: r.metrics.mmd2, energy: r.metrics.energy, rmse: r.metrics.rmse, sw2: r.metrics.sw2 ?? null, modeMass: r.metrics.modeMass ?? null } : null,
        })),
      });
    },
    get dragging() {
      return store.getState().dragging;
    },
    async sweep(options: StepscopeSweepOptions = {}) {
      const result = await (await needController()).sweep(options);
      return structuredClone(result);
    },
    async samples() {
      const { spec, samples } = await (await needController()).samples();
      return { spec: structuredClone(spec), n: spec.n, dim: samples.length / spec.n, data: Array.from(samples) };
    },
    async startingPoints(count?: number) {
      return (await needController()).startingPoints(count);
    },
    getUrl(): string {
      return specUrl(store.getState().spec, window.location.href);
    },
    views() {
      return viewReports();
    },
    pde: createPdeHook(pdeStore, pdeController),
    bench,
    loseDevice() {
      if (!device) throw new Error('stepscope.loseDevice: this page has no GPU device');
      device.destroy();
    },
  };
  Object.defineProperty(window, 'stepscope', { value: hook, configurable: true, enumerable: true });
  return {
    hook,
    markReady: () => markReady(),
    setController: (c) => (controller = c),
    setPde: (c) => {
      pde = c;
      setFirstPde(c);
    },
    setDevice: (d) => (device = d),
  };
}

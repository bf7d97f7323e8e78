// `window.stepscope.bench`: the benchmark page's figures for the e2e tests (and the console).

import type { BenchReport } from '../../engine/bench/gpuBench.ts';
import type { BenchController } from './benchController.ts';
import type { BenchState, BenchStore } from './benchStore.ts';

export interface StepscopeBenchHook {
  /** a copy of the page's benchmark state: status, progress, the copy and case results so far, the report */
  state(): BenchState;
  /** runs the benchmark as the page's button does; resolves with the report (null when cancelled or failed) */
  run(): Promise<BenchReport | null>;
  /** cancels a run in progress */
  cancel(): void;
}

export function createBenchHook(store: BenchStore, controller: () => BenchController | null): StepscopeBenchHook {
  const need = () => {
    const c = controller();
    if (!c) throw new Error('stepscope.bench: the GPU status is not known yet (await stepscope.ready)');
    return c;
  };
  return {
    state: () => structuredClone(store.getState()),
    run: async () => structuredClone(await need().run()),
    cancel: () => controller()?.cancel(),
  };
}

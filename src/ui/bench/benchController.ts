// Runs the benchmark on the page's device (issue #9): one run at a time, cancellable, its progress and partial
// results in the bench store. The PDE case is prepared in a worker (benchWorker.ts) when the browser has them.

import { EQUATIONS } from '../../core/pde/equations.ts';
import type { PdeProblem } from '../../core/pde/run.ts';
import { BenchCancelled, type BenchReport, type BenchSizes, type PreparedPde, prepareBenchPde, runBenchmark } from '../../engine/bench/gpuBench.ts';
import type { GpuContext } from '../../gpu/device.ts';
import { INITIAL_BENCH_STATE, type BenchStore } from './benchStore.ts';
import type { BenchWorkerRequest, BenchWorkerResponse } from './benchWorker.ts';

/** the PDE case's problem from the worker: its data, with the equation and nonlinear term put back */
function problemFromWorker(equationId: string, data: Record<string, unknown>): PdeProblem {
  const equation = EQUATIONS[equationId];
  if (!equation) throw new Error(`the benchmark worker prepared an unknown equation '${equationId}'`);
  const grid = data.grid as PdeProblem['grid'];
  return { ...(data as Omit<PdeProblem, 'equation' | 'nonlinear'>), equation, nonlinear: equation.nonlinear?.(grid.n.length) };
}

function prepareInWorker(n: number): Promise<PreparedPde> {
  if (typeof Worker === 'undefined') return Promise.resolve(prepareBenchPde(n));
  const worker = new Worker(new URL('./benchWorker.ts', import.meta.url), { type: 'module', name: 'stepscope bench' });
  return new Promise<PreparedPde>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<BenchWorkerResponse>) => {
      const reply = event.data;
      if (reply.type === 'error') reject(new Error(`preparing the PDE case failed: ${reply.message}`));
      else {
        try {
          resolve({ problem: problemFromWorker(reply.equation, reply.problem), initial: reply.initial });
        } catch (error) {
          reject(error);
        }
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new Error(`the benchmark worker failed: ${event.message || 'unknown error'}`));
    };
    worker.postMessage({ id: 1, n } satisfies BenchWorkerRequest);
  }).finally(() => worker.terminate());
}

export class BenchController {
  private abort: AbortController | null = null;
  private running: Promise<BenchReport | null> | null = null;

  constructor(
    private readonly store: BenchStore,
    private readonly gpu: GpuContext,
    /** size overrides (the console or tests; the page uses the adapter's defaults) */
    private readonly sizes?: Partial<BenchSizes>,
  ) {}

  /** why the benchmark cannot run on this page, or null */
  get unavailable(): string | null {
    if (!this.gpu.device) return `The benchmark needs a WebGPU device: ${this.gpu.reason}`;
    return null;
  }

  /** starts a run (or returns the one in progress); resolves with the report, or null when cancelled or failed */
  run(): Promise<BenchReport | null> {
    if (this.running) return this.running;
    const device = this.gpu.device;
    const set = this.store.setState;
    if (!device) {
      set({ ...INITIAL_BENCH_STATE, status: 'error', error: this.unavailable });
      return Promise.resolve(null);
    }
    const abort = new AbortController();
    this.abort = abort;
    set({ ...INITIAL_BENCH_STATE, status: 'running', progress: { done: 0, total: 4, label: 'starting' } });
    const run = runBenchmark(device, {
      software: this.gpu.status === 'software',
      sizes: this.sizes,
      signal: abort.signal,
      onProgress: (progress) => set({ progress }),
      onCopy: (copy) => set({ copy }),
      onCase: (result) => set((s) => ({ cases: [...s.cases, result] })),
      preparePde: prepareInWorker,
    })
      .then((report) => {
        set({ status: 'done', report, cases: report.cases, failures: report.failures, copy: report.copy });
        return report;
      })
      .catch((error: unknown) => {
        if (error instanceof BenchCancelled) set({ status: 'cancelled' });
        else set({ status: 'error', error: error instanceof Error ? error.message : String(error) });
        return null;
      })
      .finally(() => {
        this.running = null;
        this.abort = null;
      });
    this.running = run;
    return run;
  }

  /** stops the run at its next submit boundary (the results so far stay on the page) */
  cancel(): void {
    this.abort?.abort();
  }

  /** the device is going away (Restart GPU): stop */
  destroy(): void {
    this.cancel();
  }
}

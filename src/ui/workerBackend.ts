// The CPU fallback behind the same interface as the engine's backends, computed in a worker (cpuWorker.ts).
// Sweeps go one (solver, NFE) point per request so that cancelling takes effect between points; the worker's
// backend caches the metrics' references, so the points cost what they cost in one sweep.

import { SOLVERS, type SolverName } from '../core/sampling/solvers.ts';
import type { ModelFile } from '../core/spec/modelFile.ts';
import type { SampleSpec } from '../core/spec/spec.ts';
import { CancelledError, type SampleOptions, type SampleOutcome, type SweepCurve, type SweepOptions, type SweepResult } from '../engine/sampling.ts';
import type { CpuWorkerRequest, CpuWorkerResponse } from './cpuWorker.ts';

type Pending = { resolve(value: unknown): void; reject(error: Error): void };
type RequestBody = CpuWorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export class WorkerCpuBackend {
  readonly kind = 'cpu' as const;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  private constructor(private readonly worker: Worker) {
    worker.onmessage = (event: MessageEvent<CpuWorkerResponse>) => {
      const reply = event.data;
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.value);
      else waiting.reject(Object.assign(new Error(reply.message), { name: reply.name }));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      const error = new Error(`the CPU worker failed: ${event.message || 'unknown error'}`);
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
  }

  /** null when workers are unavailable (the caller then runs the CPU backend on the main thread) */
  static create(): WorkerCpuBackend | null {
    try {
      return new WorkerCpuBackend(new Worker(new URL('./cpuWorker.ts', import.meta.url), { type: 'module', name: 'stepscope-cpu' }));
    } catch {
      return null;
    }
  }

  private request<T>(body: RequestBody): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...body, id } as CpuWorkerRequest);
    });
  }

  /** load a learned model into the worker under `name` (a spec's model.file) */
  setModel(name: string, model: ModelFile): Promise<void> {
    return this.request<void>({ type: 'model', name, model });
  }

  sample(spec: SampleSpec, options: SampleOptions = {}): Promise<SampleOutcome> {
    if (options.noise) return Promise.reject(new Error('WorkerCpuBackend.sample: custom noise is not supported'));
    return this.request<SampleOutcome>({ type: 'sample', spec, options: { recordTrajectory: options.recordTrajectory, metrics: options.metrics } });
  }

  async sweep(spec: SampleSpec, options: SweepOptions): Promise<SweepResult> {
    const total = options.nfes.length * options.solvers.length;
    let done = 0;
    let metricSamples = 0;
    // null bands and seeds are the same for every point (they depend on the spec and the seeds): the last one's
    let extras: Pick<SweepResult, 'seeds' | 'nullBands'> = {};
    const curves: SweepCurve[] = [];
    for (const solver of options.solvers as SolverName[]) {
      const curve: SweepCurve = { solver, points: [] };
      // one request per point, so that progress shows and a cancel lands between points; an adaptive solver's
      // points are rungs of one tolerance ladder over the whole NFE list (sweepTolerance), so it is one request
      const requests = SOLVERS[solver].family === 'adaptive' ? [options.nfes] : options.nfes.map((nfe) => [nfe]);
      for (const nfes of requests) {
        if (options.signal?.aborted) throw new CancelledError();
        const one = await this.request<SweepResult>({ type: 'sweep', spec, options: { nfes, solvers: [solver], seeds: options.seeds } });
        metricSamples = one.metricSamples;
        extras = { seeds: one.seeds, nullBands: one.nullBands };
        for (const point of one.curves[0].points) {
          curve.points.push(point);
          options.onProgress?.(++done, total, { ...point, solver });
        }
        done += nfes.length - one.curves[0].points.length;
      }
      curves.push(curve);
    }
    return { nfes: options.nfes, curves, metricSamples, backend: 'cpu', ...extras };
  }

  destroy(): void {
    this.worker.terminate();
    for (const waiting of this.pending.values()) waiting.reject(new Error('the CPU worker was stopped'));
    this.pending.clear();
  }
}

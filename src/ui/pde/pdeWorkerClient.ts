// The page's side of pdeWorker.ts: promises for the convergence study and the CPU steps/s figure.
// Without Worker support (never in a browser we target) both run on the main thread, the study in chunks.

import type { PdeSpec } from '../../core/spec/pdeSpec.ts';
import type { ConvergenceOptions, ConvergenceResult } from '../../engine/pde/convergence.ts';
import type { PdeWorkerRequest, PdeWorkerResponse } from './pdeWorker.ts';

type Body = PdeWorkerRequest extends infer R ? (R extends { id: number; type: 'convergence' | 'measure' } ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?(done: number, total: number): void;
}

export interface CpuMeasurement {
  steps: number;
  seconds: number;
  stepsPerSecond: number;
}

export class PdeWorkerClient {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./pdeWorker.ts', import.meta.url), { type: 'module', name: 'stepscope pde' });
    worker.onmessage = (event: MessageEvent<PdeWorkerResponse>) => {
      const reply = event.data;
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      if (reply.type === 'progress') return waiting.onProgress?.(reply.done, reply.total);
      this.pending.delete(reply.id);
      if (reply.type === 'result') waiting.resolve(reply.value);
      else {
        const error = new Error(reply.message);
        if (reply.cancelled) error.name = 'AbortError';
        waiting.reject(error);
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      const error = new Error(`the PDE worker failed: ${event.message || 'unknown error'}`);
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
      this.worker?.terminate();
      this.worker = null;
    };
    this.worker = worker;
    return worker;
  }

  private request<T>(body: Body, onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<T> {
    const worker = this.ensure();
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
      signal?.addEventListener('abort', () => worker.postMessage({ id, type: 'cancel' } satisfies PdeWorkerRequest), { once: true });
      worker.postMessage({ id, ...body } as PdeWorkerRequest);
    });
  }

  convergence(spec: PdeSpec, options: ConvergenceOptions): Promise<ConvergenceResult> {
    const { signal, onProgress, ...rest } = options;
    return this.request<ConvergenceResult>({ type: 'convergence', spec, options: rest }, onProgress, signal);
  }

  measureCpu(spec: PdeSpec, maxMs: number, init?: Float64Array): Promise<CpuMeasurement> {
    return this.request<CpuMeasurement>({ type: 'measure', spec, maxMs, init });
  }

  destroy(): void {
    this.worker?.terminate();
    this.worker = null;
    for (const waiting of this.pending.values()) waiting.reject(new Error('the PDE worker was stopped'));
    this.pending.clear();
  }
}

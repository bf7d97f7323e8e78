// The PDE lab's float64 worker: the convergence study (engine/pde/convergence.ts) and the CPU path's
// steps/s figure run here, off the main thread, so the page and its frame loop never block.
// Requests: {id, type: 'convergence' | 'measure', …} and {type: 'cancel', id}. Replies: progress, then one result.

import { CpuPdeSolver } from '../../core/pde/run.ts';
import type { PdeSpec } from '../../core/spec/pdeSpec.ts';
import { convergenceStudy, type ConvergenceOptions } from '../../engine/pde/convergence.ts';
import { initialState, problemOf } from '../../engine/pde/pdeRun.ts';

export type PdeWorkerRequest =
  | { id: number; type: 'convergence'; spec: PdeSpec; options: Omit<ConvergenceOptions, 'signal' | 'onProgress'> }
  | { id: number; type: 'measure'; spec: PdeSpec; maxMs: number; init?: Float64Array }
  | { id: number; type: 'cancel' };

export type PdeWorkerResponse =
  | { id: number; type: 'progress'; done: number; total: number }
  | { id: number; type: 'result'; value: unknown }
  | { id: number; type: 'error'; message: string; cancelled?: boolean };

interface WorkerScope {
  onmessage: ((event: MessageEvent<PdeWorkerRequest>) => void) | null;
  postMessage(message: PdeWorkerResponse): void;
}

const scope = self as unknown as WorkerScope;
const running = new Map<number, AbortController>();

/** steps/s of the float64 CPU solver on this spec: at least 2 steps (after a warm-up step), up to maxMs */
function measure(spec: PdeSpec, maxMs: number, init?: Float64Array): { steps: number; seconds: number; stepsPerSecond: number } {
  const solver = new CpuPdeSolver(problemOf(spec), initialState(spec, init));
  solver.advance(1); // multistep steppers' first step differs; allocation warms up
  const start = performance.now();
  let steps = 0;
  while (steps < 2 || performance.now() - start < maxMs) {
    solver.advance(1);
    steps++;
  }
  const seconds = (performance.now() - start) / 1000;
  return { steps, seconds, stepsPerSecond: steps / seconds };
}

scope.onmessage = (event) => {
  const request = event.data;
  if (request.type === 'cancel') {
    running.get(request.id)?.abort();
    return;
  }
  const fail = (error: unknown) =>
    scope.postMessage({ id: request.id, type: 'error', message: error instanceof Error ? error.message : String(error), cancelled: error instanceof DOMException && error.name === 'AbortError' });
  if (request.type === 'measure') {
    try {
      scope.postMessage({ id: request.id, type: 'result', value: measure(request.spec, request.maxMs, request.init) });
    } catch (error) {
      fail(error);
    }
    return;
  }
  const abort = new AbortController();
  running.set(request.id, abort);
  convergenceStudy(request.spec, {
    ...request.options,
    signal: abort.signal,
    onProgress: (done, total) => scope.postMessage({ id: request.id, type: 'progress', done, total }),
  })
    .then((value) => scope.postMessage({ id: request.id, type: 'result', value }), fail)
    .finally(() => running.delete(request.id));
};

// Computes one configuration's per-step errors (core/sampling/stepErrors.ts, float64) off the main thread for the
// per-step error panel. One request per worker; the panel terminates it when the spec or the solver changes.

import { stepErrors, type StepErrorResult } from '../core/sampling/stepErrors.ts';
import type { SampleSpec } from '../core/spec/spec.ts';

export type StepErrorWorkerRequest = { spec: SampleSpec; particles?: number };
export type StepErrorWorkerMessage = { type: 'done'; result: StepErrorResult } | { type: 'error'; message: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<StepErrorWorkerRequest>) => void) | null;
  postMessage(message: StepErrorWorkerMessage): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = (event) => {
  try {
    scope.postMessage({ type: 'done', result: stepErrors(event.data.spec, { particles: event.data.particles }) });
  } catch (error) {
    scope.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};

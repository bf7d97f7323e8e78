// Prepares the benchmark's PDE case off the main thread (issue #9: nothing blocks the page): the ETDRK4
// coefficients are float64 contour integrals per wavenumber, seconds at 256². The problem's functions (the
// equation and its nonlinear term) cannot cross a postMessage; the page puts them back (benchController.ts).

import { prepareBenchPde } from '../../engine/bench/benchPde.ts';

export interface BenchWorkerRequest {
  id: number;
  n: number;
}

export type BenchWorkerResponse =
  | { id: number; type: 'result'; equation: string; problem: Record<string, unknown>; initial: Float64Array }
  | { id: number; type: 'error'; message: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<BenchWorkerRequest>) => void) | null;
  postMessage(message: BenchWorkerResponse): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = (event) => {
  const { id, n } = event.data;
  try {
    const { problem, initial } = prepareBenchPde(n);
    const { equation, nonlinear: _nonlinear, ...data } = problem;
    scope.postMessage({ id, type: 'result', equation: equation.id, problem: data, initial });
  } catch (error) {
    scope.postMessage({ id, type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};

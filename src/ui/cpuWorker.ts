// The CPU fallback's worker: the float64 interpreter (the engine's CpuSamplerBackend) off the main thread,
// so the page stays responsive while a run or a sweep point computes. One request at a time, in order.

import type { SolverName } from '../core/sampling/solvers.ts';
import type { SampleSpec } from '../core/spec/spec.ts';
import { CpuSamplerBackend } from '../engine/sampling.ts';

export type CpuWorkerRequest =
  | { id: number; type: 'sample'; spec: SampleSpec; options: { recordTrajectory?: boolean; metrics?: boolean } }
  | { id: number; type: 'sweep'; spec: SampleSpec; options: { nfes: number[]; solvers: SolverName[]; seeds?: number } };

export type CpuWorkerResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string; name: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<CpuWorkerRequest>) => void) | null;
  postMessage(message: CpuWorkerResponse, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
// fewer FD-RF reference samples than the spec's 50 000: the float64 feature map costs ~0.7 ms per sample
// (controller.ts FD_REFERENCE_CPU; a literal here keeps the worker's bundle free of the controller)
const backend = new CpuSamplerBackend({ fdReferenceSamples: 4096 });
let queue: Promise<void> = Promise.resolve();

async function handle(request: CpuWorkerRequest): Promise<void> {
  try {
    if (request.type === 'sample') {
      const outcome = await backend.sample(request.spec, request.options);
      const transfer: Transferable[] = [outcome.samples.buffer as ArrayBuffer];
      if (outcome.trajectory) transfer.push(outcome.trajectory.buffer as ArrayBuffer);
      scope.postMessage({ id: request.id, ok: true, value: { ...outcome, gpuRun: undefined } }, transfer);
    } else {
      const result = await backend.sweep(request.spec, { nfes: request.options.nfes, solvers: request.options.solvers, seeds: request.options.seeds });
      scope.postMessage({ id: request.id, ok: true, value: result });
    }
  } catch (error) {
    // the error's class travels as its name (e.g. SamplerDivergence: the page handles a diverged solver by itself)
    scope.postMessage({ id: request.id, ok: false, message: error instanceof Error ? error.message : String(error), name: error instanceof Error ? error.name : 'Error' });
  }
}

scope.onmessage = (event) => {
  queue = queue.then(() => handle(event.data));
};

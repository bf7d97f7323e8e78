// The CPU fallback's worker: the float64 interpreter (the engine's CpuSamplerBackend) off the main thread,
// so the page stays responsive while a run or a sweep point computes. One request at a time, in order.

import type { SolverName } from '../core/sampling/solvers.ts';
import { learnedDenoiser } from '../core/spec/learnedModel.ts';
import type { ModelFile } from '../core/spec/modelFile.ts';
import type { SampleSpec } from '../core/spec/spec.ts';
import { CpuSamplerBackend } from '../engine/sampling.ts';

export type CpuWorkerRequest =
  | { id: number; type: 'model'; name: string; model: ModelFile }
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
const FD_REFERENCE = 4096;
const exact = new CpuSamplerBackend({ fdReferenceSamples: FD_REFERENCE });
/** one backend per learned model (its metric references are the target's, cached per backend) */
const learned = new Map<string, CpuSamplerBackend>();
let queue: Promise<void> = Promise.resolve();

/** the backend a spec runs on: the exact denoiser's, or its learned model's (registered by a 'model' request) */
function backendFor(spec: SampleSpec): CpuSamplerBackend {
  if (spec.model?.type !== 'mlp') return exact;
  const backend = learned.get(spec.model.file);
  if (!backend) throw new Error(`model.file '${spec.model.file}': this learned model is not loaded in the page`);
  return backend;
}

async function handle(request: CpuWorkerRequest): Promise<void> {
  try {
    if (request.type === 'model') {
      learned.set(request.name, new CpuSamplerBackend({ fdReferenceSamples: FD_REFERENCE, model: learnedDenoiser(request.model) }));
      scope.postMessage({ id: request.id, ok: true, value: null });
    } else if (request.type === 'sample') {
      const outcome = await backendFor(request.spec).sample(request.spec, request.options);
      const transfer: Transferable[] = [outcome.samples.buffer as ArrayBuffer];
      if (outcome.trajectory) transfer.push(outcome.trajectory.buffer as ArrayBuffer);
      scope.postMessage({ id: request.id, ok: true, value: { ...outcome, gpuRun: undefined } }, transfer);
    } else {
      const result = await backendFor(request.spec).sweep(request.spec, { nfes: request.options.nfes, solvers: request.options.solvers, seeds: request.options.seeds });
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

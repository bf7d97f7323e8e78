// Runs one paper claim (src/core/claims.ts) on the float64 CPU engine off the main thread, posting progress after each
// point: the numbers are those of `stepscope claim ID --backend cpu`. One claim per worker; cancelling terminates it.

import { findClaim } from '../core/claims.ts';
import { runClaim, type ClaimPoint, type ClaimResult } from '../engine/claims.ts';
import { CpuSamplerBackend } from '../engine/sampling.ts';

export type ClaimWorkerRequest = { id: string };
export type ClaimWorkerMessage =
  | { type: 'progress'; done: number; total: number; point: ClaimPoint & { series: number } }
  | { type: 'done'; result: ClaimResult }
  | { type: 'error'; message: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<ClaimWorkerRequest>) => void) | null;
  postMessage(message: ClaimWorkerMessage): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = async (event) => {
  try {
    const claim = findClaim(event.data.id);
    const backend = new CpuSamplerBackend({ fdReferenceSamples: claim.fdReferenceSamples });
    const result = await runClaim(claim, backend, { onProgress: (done, total, point) => scope.postMessage({ type: 'progress', done, total, point }) });
    scope.postMessage({ type: 'done', result });
  } catch (error) {
    scope.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};

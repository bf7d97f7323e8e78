// The online-vs-offline surrogate experiment (training.md §5; core/surrogate/experiment.ts) off the main thread:
// float64, one evaluation point posted at a time, the result without the trained parameters (the page shows curves).

import { type SurrogateArm, type SurrogateCurvePoint, type SurrogateExperimentInput, type SurrogateExperimentResult, runSurrogateExperiment } from '../../core/surrogate/experiment.ts';

export type SurrogateWorkerRequest = { input: SurrogateExperimentInput };
export type SurrogateSummary = Omit<SurrogateExperimentResult, 'arms'> & { arms: Partial<Record<SurrogateArm, Omit<NonNullable<SurrogateExperimentResult['arms'][SurrogateArm]>, 'params'>>> };
export type SurrogateWorkerMessage =
  | { type: 'point'; arm: SurrogateArm; point: SurrogateCurvePoint }
  | { type: 'done'; result: SurrogateSummary }
  | { type: 'error'; message: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<SurrogateWorkerRequest>) => void) | null;
  postMessage(message: SurrogateWorkerMessage): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = (event) => {
  try {
    const result = runSurrogateExperiment(event.data.input, { onPoint: (arm, point) => scope.postMessage({ type: 'point', arm, point }) });
    const arms = Object.fromEntries(Object.entries(result.arms).map(([arm, r]) => [arm, { ...r, params: undefined }]));
    scope.postMessage({ type: 'done', result: { ...result, arms } as SurrogateSummary });
  } catch (error) {
    scope.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};

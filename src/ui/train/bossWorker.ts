// BOSS straightening (training.md §3.5) off the main thread: the float64 run of engine/train/boss.ts, the one
// `stepscope train` runs for "task":"boss", so the page's numbers are the CLI's. Progress is batched (~100 ms).

import { parseBossSpec } from '../../core/spec/bossSpec.ts';
import { parseModelFileText, serializeModelFile } from '../../core/spec/modelFile.ts';
import { type BossOutcome, bossStraightenCpu } from '../../engine/train/boss.ts';

/** `spec`: a boss train spec (its `teacher` names the model for messages); `teacher`: the model file's text */
export type BossWorkerRequest = { spec: unknown; teacher: string };
export type BossWorkerResult = Omit<BossOutcome, 'model' | 'logRows'> & { model: string; evalLosses: { step: number; loss: number }[] };
export type BossWorkerMessage =
  | { type: 'progress'; step: number; total: number; loss: number }
  | { type: 'done'; result: BossWorkerResult }
  | { type: 'error'; message: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<BossWorkerRequest>) => void) | null;
  postMessage(message: BossWorkerMessage): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = async (event) => {
  try {
    const spec = parseBossSpec(event.data.spec);
    const teacher = parseModelFileText(event.data.teacher);
    let last = performance.now();
    const evalLosses: { step: number; loss: number }[] = [];
    const outcome = await bossStraightenCpu(spec, teacher, (step, total, loss, _wall, evalLoss) => {
      if (evalLoss !== null) evalLosses.push({ step, loss: evalLoss });
      if (step === total || performance.now() - last > 100) {
        scope.postMessage({ type: 'progress', step, total, loss });
        last = performance.now();
      }
    });
    const { model, logRows: _rows, ...rest } = outcome;
    scope.postMessage({ type: 'done', result: { ...rest, model: serializeModelFile(model), evalLosses: [{ step: 0, loss: outcome.heldOutLoss.before }, ...evalLosses] } });
  } catch (error) {
    scope.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};

// Runs one figure of a lesson off the main thread on the float64 CPU engine (the numbers of `stepscope lesson FILE.md
// --backend cpu`), posting progress after each point. The lesson's text travels, not the compiled figure (a Claim
// holds functions): the worker parses it again. One figure per worker; cancelling terminates it.

import { parseLesson } from '../../core/lessons/lesson.ts';
import { type FigurePoint, type FigureResult, runLessonFigure } from '../../engine/lessons.ts';
import { CpuSamplerBackend } from '../../engine/sampling.ts';

export type LessonWorkerRequest = { text: string; fileName: string; figure: number };
export type LessonWorkerMessage =
  | { type: 'progress'; done: number; total: number; point: FigurePoint }
  | { type: 'done'; result: FigureResult }
  | { type: 'error'; message: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<LessonWorkerRequest>) => void) | null;
  postMessage(message: LessonWorkerMessage): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = async (event) => {
  try {
    const figure = parseLesson(event.data.text, event.data.fileName).figures[event.data.figure];
    const backend = new CpuSamplerBackend({ fdReferenceSamples: figure.kind === 'sampler' ? figure.claim.fdReferenceSamples : undefined });
    const result = await runLessonFigure(figure, backend, { onProgress: (done, total, point) => scope.postMessage({ type: 'progress', done, total, point }) });
    scope.postMessage({ type: 'done', result });
  } catch (error) {
    scope.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};

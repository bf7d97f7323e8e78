// One live figure of a lesson: it starts when it scrolls into view (an IntersectionObserver; a lesson's off-screen
// figures cost nothing until read), runs in a worker on the float64 CPU engine (lessonWorker.ts), and shows what
// decides the claim: the chart of the first metric, a table of every measured number, each check with its numbers,
// and the verdict.

import { useEffect, useRef, useState } from 'react';
import { CLAIM_METRIC_LABELS, type ClaimMetric } from '../../core/claims.ts';
import { type LessonFigure as Figure, PDE_FIGURE_METRICS, type PdeFigureMetric } from '../../core/lessons/lesson.ts';
import type { FigurePoint, FigureResult } from '../../engine/lessons.ts';
import { CLAIM_COLORS, drawClaimChart } from '../../views/claimChart.ts';
import { useWidth } from '../useWidth.ts';
import { startWorkerJob, type WorkerJob } from '../workerJob.ts';
import type { LessonWorkerMessage } from './lessonWorker.ts';

export type FigureRun =
  | { status: 'waiting' }
  | { status: 'running'; done: number; total: number; points: FigurePoint[] }
  | { status: 'done'; result: FigureResult }
  | { status: 'cancelled' | 'error'; message: string };

export const metricLabel = (metric: string): string => CLAIM_METRIC_LABELS[metric as ClaimMetric] ?? PDE_FIGURE_METRICS[metric as PdeFigureMetric] ?? metric;

/** a measured number as the table shows it: 3 significant digits; a blow-up time that never came is "never" */
export function formatValue(metric: string, value: number | undefined): string {
  if (value === undefined) return '…';
  if (Number.isNaN(value)) return metric === 'blowUp' ? 'never' : '–';
  return value.toPrecision(3);
}

export function figureShape(figure: Figure): { axis: { label: string; values: number[]; log: boolean }; labels: string[]; metrics: string[] } {
  if (figure.kind === 'sampler') return { axis: figure.claim.axis, labels: figure.claim.series.map((s) => s.label), metrics: figure.claim.metrics };
  return { axis: figure.pde.axis, labels: figure.pde.series.map((s) => s.label), metrics: ['blowUp', ...figure.pde.metrics.filter((m) => m !== 'blowUp')] };
}

function pointsOf(run: FigureRun): FigurePoint[] {
  return run.status === 'done' ? run.result.points : run.status === 'running' ? run.points : [];
}

interface Props {
  /** the lesson file's text and name (the worker parses it again) */
  text: string;
  fileName: string;
  index: number;
  figure: Figure;
  onRun(run: FigureRun): void;
}

export function LessonFigure({ text, fileName, index, figure, onRun }: Props) {
  const [run, setRun] = useState<FigureRun>({ status: 'waiting' });
  const job = useRef<WorkerJob | null>(null);
  const frame = useRef<HTMLElement>(null);
  const chart = useRef<SVGSVGElement>(null);
  const [box, width] = useWidth();
  const { axis, labels, metrics } = figureShape(figure);
  const update = (next: FigureRun) => {
    setRun(next);
    onRun(next);
  };

  const start = () => {
    job.current?.cancel();
    let points: FigurePoint[] = [];
    update({ status: 'running', done: 0, total: labels.length * axis.values.length, points });
    const worker = new Worker(new URL('./lessonWorker.ts', import.meta.url), { type: 'module', name: `stepscope-lesson-figure-${index + 1}` });
    job.current = startWorkerJob<LessonWorkerMessage>(worker, { text, fileName, figure: index }, 'lesson', {
      message: (message) => {
        if (message.type === 'progress') {
          points = [...points, message.point];
          update({ status: 'running', done: message.done, total: message.total, points });
        } else if (message.type === 'done') update({ status: 'done', result: message.result });
      },
      failed: (message) => update({ status: 'error', message }),
    });
  };

  const cancel = () => {
    job.current?.cancel();
    job.current = null;
    update({ status: 'cancelled', message: 'Cancelled.' });
  };

  // run once the figure is on screen (at least a tenth of it), not before
  useEffect(() => {
    const element = frame.current;
    if (!element) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          observer.disconnect();
          start();
        }
      },
      { threshold: 0.1 },
    );
    observer.observe(element);
    return () => {
      observer.disconnect();
      job.current?.cancel();
    };
    // a figure is fixed for the life of the component (a new lesson mounts new figures)
  }, []);

  const points = pointsOf(run);
  const valueAt = (series: number, x: number, metric: string) => points.find((p) => p.series === series && p.x === x)?.values[metric];
  const chartMetric = metrics.find((m) => m !== 'blowUp') ?? metrics[0];
  const drawChart = axis.values.length > 1;

  useEffect(() => {
    if (!drawChart || width <= 0 || !chart.current) return;
    drawClaimChart(
      chart.current,
      { axis, metricLabel: metricLabel(chartMetric), series: labels.map((label, s) => ({ label, values: axis.values.map((x) => valueAt(s, x, chartMetric) ?? NaN) })), markBest: axis.label !== 'NFE' && axis.label !== 'dt' },
      { width: Math.min(width, 720), height: 260 },
    );
  });

  const failing = run.status === 'done' ? run.result.checks.filter((c) => !c.holds).length : 0;
  return (
    <figure ref={frame} className="lesson-figure" aria-label={`Figure ${index + 1}`} data-testid="lesson-figure" data-status={run.status}>
      {figure.caption && <figcaption>{figure.caption}</figcaption>}
      {run.status === 'waiting' && <p className="hint">This figure runs when it scrolls into view.</p>}
      {run.status === 'running' && (
        <div className="claim-progress">
          <progress value={run.done} max={run.total || 1} aria-label={`Figure ${index + 1} progress`} />
          <span className="hint">
            {run.done} / {run.total} runs (float64, in a worker)
          </span>
          <button type="button" className="button small secondary" onClick={cancel}>
            Cancel
          </button>
        </div>
      )}
      {(run.status === 'cancelled' || run.status === 'error') && (
        <p className={`hint${run.status === 'error' ? ' error' : ''}`} role={run.status === 'error' ? 'alert' : undefined}>
          {run.status === 'error' ? `The figure failed: ${run.message}` : run.message}{' '}
          <button type="button" className="button small secondary" onClick={start}>
            Run again
          </button>
        </p>
      )}
      {drawChart && (
        <div ref={box} className="claim-chart">
          <svg ref={chart} role="img" aria-label={`${metricLabel(chartMetric)} against ${axis.label}, one line per series`} />
        </div>
      )}
      <table className="claim-table lesson-table" aria-label={`Figure ${index + 1}: the measured numbers`}>
        <thead>
          <tr>
            <th scope="col">series</th>
            <th scope="col">measured</th>
            {axis.values.map((x) => (
              <th key={x} scope="col">
                {axis.values.length > 1 ? `${axis.label} ${x}` : 'value'}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {metrics.flatMap((metric) =>
            labels.map((label, s) => (
              <tr key={`${metric}-${s}`}>
                <th scope="row">
                  <span className="swatch" style={{ background: CLAIM_COLORS[s % CLAIM_COLORS.length] }} aria-hidden="true" /> {label}
                </th>
                <td>{metricLabel(metric)}</td>
                {axis.values.map((x) => (
                  <td key={x} data-series={s} data-metric={metric} data-x={x}>
                    {formatValue(metric, valueAt(s, x, metric))}
                  </td>
                ))}
              </tr>
            )),
          )}
        </tbody>
      </table>
      {run.status === 'done' && (
        <>
          <ul className="claim-checks" aria-label={`Figure ${index + 1}: checks`}>
            {run.result.checks.map((c) => (
              <li key={c.text} className={c.holds ? 'holds' : 'fails'}>
                <span aria-hidden="true">{c.holds ? '✓' : '✗'}</span> {c.holds ? '' : 'FAILS: '}
                {c.text}
              </li>
            ))}
          </ul>
          <p className={`claim-verdict ${run.result.holds ? 'holds' : 'fails'}`} role="status" data-testid="lesson-verdict">
            {run.result.holds ? `Shown: all ${run.result.checks.length} checks hold` : `Not shown: ${failing} of ${run.result.checks.length} checks fail`} ({(run.result.wallMs / 1000).toFixed(1)} s,{' '}
            {run.result.backend === 'cpu' ? 'float64 CPU' : 'GPU'})
          </p>
        </>
      )}
    </figure>
  );
}

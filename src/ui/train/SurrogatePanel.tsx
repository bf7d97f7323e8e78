// Online against offline training of a PDE surrogate (issue #7 part 3; training.md §5): a tiny FNO learns the map
// u(t) → u(t + Δt) of 1D Burgers either from a fixed dataset of S simulations generated once (offline) or from a
// stream of fresh simulations the solver produces while it trains, through a reservoir (online, §5.3). Both arms see
// the same number of samples; the held-out relative L² on independent simulations is drawn against samples seen,
// beside the persistence predictor u(t + Δt) ≈ u(t) that any surrogate must beat. float64, in a worker.

import { useEffect, useRef, useState } from 'react';
import type { SurrogateArm, SurrogateCurvePoint, SurrogateExperimentInput } from '../../core/surrogate/experiment.ts';
import { resolveSurrogateExperimentConfig } from '../../core/surrogate/experiment.ts';
import { drawClaimChart } from '../../views/claimChart.ts';
import { useWidth } from '../useWidth.ts';
import { startWorkerJob, type WorkerJob } from '../workerJob.ts';
import { reportSurrogateView } from '../viewReports.ts';
import type { SurrogateSummary, SurrogateWorkerMessage } from './surrogateWorker.ts';

const ARMS: { arm: SurrogateArm; label: string }[] = [
  { arm: 'offline', label: 'offline: a fixed dataset' },
  { arm: 'online', label: 'online: fresh simulations through a reservoir' },
];

type Run = { status: 'idle' } | { status: 'running' | 'done' | 'error' | 'cancelled'; points: Partial<Record<SurrogateArm, SurrogateCurvePoint[]>>; result?: SurrogateSummary; message?: string };

interface Settings {
  steps: number;
  batch: number;
  evalEvery: number;
  offlineSimulations: number;
  ensemble: number;
  capacity: number;
  validationSimulations: number;
  seed: number;
}

const DEFAULTS: Settings = { steps: 300, batch: 16, evalEvery: 50, offlineSimulations: 8, ensemble: 8, capacity: 256, validationSimulations: 16, seed: 0 };

const input = (s: Settings): SurrogateExperimentInput => ({
  seed: s.seed,
  batch: s.batch,
  steps: s.steps,
  evalEvery: s.evalEvery,
  // a small FNO keeps a run to seconds in the page (the CLI's defaults are width 16, 3 blocks, 16 modes)
  model: { type: 'fno', width: 8, layers: 2, modes: 8, activation: 'gelu' },
  offline: { simulations: s.offlineSimulations },
  online: { ensemble: s.ensemble, capacity: s.capacity, emitEvery: 1 },
  validation: { simulations: s.validationSimulations },
  arms: ['offline', 'online'],
});

const FIELDS: { key: keyof Settings; label: string; hint: string }[] = [
  { key: 'steps', label: 'Training steps', hint: 'per arm; samples seen = steps × batch' },
  { key: 'batch', label: 'Batch size', hint: 'pairs per step' },
  { key: 'evalEvery', label: 'Evaluate every', hint: 'steps between held-out evaluations' },
  { key: 'offlineSimulations', label: 'Offline simulations', hint: 'S: the fixed dataset (16 pairs each)' },
  { key: 'ensemble', label: 'Online ensemble', hint: 'E: simulations running while training' },
  { key: 'capacity', label: 'Reservoir capacity', hint: 'C: pairs the online buffer holds (§5.3)' },
  { key: 'validationSimulations', label: 'Held-out simulations', hint: 'independent simulations for the metric' },
  { key: 'seed', label: 'Surrogate seed', hint: 'weights, data and reads' },
];

const fmt = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : v.toPrecision(3));

export function SurrogatePanel() {
  const [settings, setSettings] = useState<Settings>(DEFAULTS);
  const [run, setRun] = useState<Run>({ status: 'idle' });
  const [problem, setProblem] = useState<string | null>(null);
  const job = useRef<WorkerJob | null>(null);
  const chart = useRef<SVGSVGElement>(null);
  const [box, width] = useWidth();

  const start = () => {
    const experiment = input(settings);
    try {
      resolveSurrogateExperimentConfig(experiment);
    } catch (error) {
      setProblem((error as Error).message);
      return;
    }
    setProblem(null);
    job.current?.cancel();
    setRun({ status: 'running', points: {} });
    const worker = new Worker(new URL('./surrogateWorker.ts', import.meta.url), { type: 'module', name: 'stepscope-surrogate' });
    const settle = (next: Partial<Run> & { status: Run['status'] }) => setRun((r) => ({ ...(r as Extract<Run, { points: unknown }>), ...next }) as Run);
    job.current = startWorkerJob<SurrogateWorkerMessage>(worker, { input: experiment }, 'surrogate', {
      message: (m) => {
        if (m.type === 'point') setRun((r) => (r.status === 'running' ? { ...r, points: { ...r.points, [m.arm]: [...(r.points[m.arm] ?? []), m.point] } } : r));
        else if (m.type === 'done') settle({ status: 'done', result: m.result });
      },
      failed: (message) => settle({ status: 'error', message }),
    });
  };
  const cancel = () => {
    job.current?.cancel();
    job.current = null;
    setRun((r) => ({ ...(r as Extract<Run, { points: unknown }>), status: 'cancelled', message: 'Cancelled.' }));
  };
  useEffect(() => () => job.current?.cancel(), []);

  const points = run.status === 'idle' ? {} : run.points;
  const axis = (points.offline ?? points.online ?? []).map((p) => p.samplesSeen);
  const identity = run.status === 'done' ? run.result!.validation.identityRelL2 : NaN;

  useEffect(() => {
    if (width <= 0 || !chart.current || axis.length < 2) return;
    const series = ARMS.map(({ arm, label }) => ({ label, values: axis.map((x) => points[arm]?.find((p) => p.samplesSeen === x)?.heldOutRelL2 ?? NaN) }));
    if (Number.isFinite(identity)) series.push({ label: 'persistence u(t + Δt) ≈ u(t)', values: axis.map(() => identity) });
    drawClaimChart(chart.current, { axis: { label: 'samples seen', values: axis, log: false }, metricLabel: 'held-out relative L²', series, markBest: false }, { width: Math.min(width, 900), height: 280 });
  });

  useEffect(() => {
    reportSurrogateView({
      status: run.status,
      input: input(settings) as Record<string, unknown>,
      identityRelL2: Number.isFinite(identity) ? identity : null,
      arms: ARMS.map(({ arm }) => ({ arm, points: (points[arm] ?? []).map((p) => ({ samplesSeen: p.samplesSeen, uniqueSamples: p.uniqueSamples, heldOutRelL2: p.heldOutRelL2 })) })),
      problem,
      message: run.status === 'idle' ? null : (run.message ?? null),
    });
  });
  useEffect(() => () => reportSurrogateView(null), []);

  const result = run.status === 'done' ? run.result : undefined;
  return (
    <section className="panel" aria-labelledby="surrogate-title">
      <div className="panel-head">
        <h2 id="surrogate-title">Online vs offline surrogate training</h2>
        <p className="hint">
          A small FNO learns one time step of 1D Burgers, u(t) → u(t + 0.05), from a fixed dataset or from fresh simulations streamed through a reservoir (Melissa-style online
          training; training.md §5). Same network, optimizer (Adam) and samples seen; the metric is the relative L² error on independent simulations. Same run on the command
          line: <code>npx stepscope train --spec surrogate.json</code>.
        </p>
      </div>
      <div className="train-form" role="group" aria-label="Surrogate settings">
        {FIELDS.map((f) => (
          <div className="train-field" key={f.key}>
            <label htmlFor={`surrogate-${f.key}`}>{f.label}</label>
            <input id={`surrogate-${f.key}`} type="number" value={settings[f.key]} min={f.key === 'seed' ? 0 : 1} step={1} onChange={(e) => setSettings((s) => ({ ...s, [f.key]: Number(e.target.value) }))} aria-describedby={`surrogate-${f.key}-hint`} />
            <span id={`surrogate-${f.key}-hint`} className="hint">
              {f.hint}
            </span>
          </div>
        ))}
      </div>
      {problem && (
        <p className="train-problem" role="alert" data-testid="surrogate-problem">
          {problem}
        </p>
      )}
      <div className="train-actions">
        <button type="button" className="button primary" onClick={start} disabled={run.status === 'running'}>
          Run online vs offline
        </button>
        {run.status === 'running' && (
          <button type="button" className="button secondary" onClick={cancel}>
            Cancel
          </button>
        )}
        {(run.status === 'error' || run.status === 'cancelled') && <span className={run.status === 'error' ? 'train-problem' : 'hint'}>{run.message}</span>}
      </div>
      <div ref={box} className="train-chart">
        <svg ref={chart} role="img" aria-label="Held-out relative L² against samples seen: offline, online and the persistence predictor" data-testid="surrogate-chart" />
      </div>
      <table className="claim-table" aria-label="Online and offline at equal samples seen">
        <thead>
          <tr>
            <th scope="col">arm</th>
            <th scope="col">samples seen</th>
            <th scope="col">unique samples</th>
            <th scope="col">held-out relative L²</th>
            <th scope="col">training time</th>
            <th scope="col">solver pairs/s</th>
            <th scope="col">trainer samples/s</th>
          </tr>
        </thead>
        <tbody>
          {ARMS.map(({ arm, label }) => {
            const last = points[arm]?.[points[arm]!.length - 1];
            const final = result?.arms[arm];
            return (
              <tr key={arm} data-arm={arm}>
                <th scope="row">{label}</th>
                <td>{last?.samplesSeen ?? '–'}</td>
                <td>{last?.uniqueSamples ?? '–'}</td>
                <td data-testid={`surrogate-error-${arm}`}>{fmt(last?.heldOutRelL2)}</td>
                <td>{final ? `${(final.timing.trainMs / 1000).toFixed(1)} s` : '–'}</td>
                <td>{final ? final.throughput.solverPairsPerSecond.toFixed(0) : '–'}</td>
                <td>{final ? final.throughput.trainerSamplesPerSecond.toFixed(0) : '–'}</td>
              </tr>
            );
          })}
          <tr>
            <th scope="row">persistence u(t + Δt) ≈ u(t)</th>
            <td colSpan={2}>no training</td>
            <td data-testid="surrogate-error-identity">{fmt(identity)}</td>
            <td colSpan={3} />
          </tr>
        </tbody>
      </table>
    </section>
  );
}

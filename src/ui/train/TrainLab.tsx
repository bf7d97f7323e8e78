// The training lab (issue #7, `?lab=train`): learn the velocity (flow matching) or the score (denoising score matching)
// of a 2D target with a small MLP, and compare optimizers on the same network, data and seed: SGD, Adam, K-FAC, MKOR and
// MKOR-H, one after another in a worker (float64, core/train; one at a time so that their wall times compare), drawn
// as loss against steps or against wall time, with the validation loss each reached. Each trained model downloads as
// the model file `stepscope sample --spec` takes ("model":{"type":"mlp","file":…}, README "Training").

import { useEffect, useRef, useState } from 'react';
import { TARGET_PRESETS, type TargetPresetName } from '../../core/sampling/presets.ts';
import { parseModelFileText } from '../../core/spec/modelFile.ts';
import { SpecError } from '../../core/spec/spec.ts';
import { GENERATIVE_TASKS, type GenerativeTask, type GenerativeTrainSpec, parseTrainSpec, trainMlpConfig } from '../../core/spec/trainSpec.ts';
import { prepareTarget } from '../../core/sampling/experiment.ts';
import type { LearnedNetwork } from '../../core/spec/learnedModel.ts';
import { gpuTrainingRefusal } from '../../engine/train/generativeGpu.ts';
import type { OptimizerName } from '../../core/train/optimizers.ts';
import type { Lab } from '../../state/pdeUrl.ts';
import { StoreContext, useAppStore } from '../../state/hooks.ts';
import { registerModel } from '../../state/models.ts';
import type { AppStore } from '../../state/store.ts';
import { CLAIM_COLORS } from '../../views/claimChart.ts';
import { type TrainChartReport, drawTrainChart } from '../../views/trainChart.ts';
import { downloadBlob } from '../export/exporters.ts';
import { Header } from '../Header.tsx';
import { PRESET_LABELS } from '../labels.ts';
import { NoticeBanner } from '../NoticeBanner.tsx';
import { useWidth } from '../useWidth.ts';
import { reportTrainView } from '../viewReports.ts';
import { startWorkerJob, type WorkerJob } from '../workerJob.ts';
import { BossPanel } from './BossPanel.tsx';
import { FieldPanel } from './FieldPanel.tsx';
import { SurrogatePanel } from './SurrogatePanel.tsx';
import { type TrainForm, type Trainer, parseTrainForm, rememberTrainForm, trainFormFromSearch, trainUrl } from './trainLink.ts';
import type { TrainWorkerMessage, TrainWorkerRequest } from './trainWorker.ts';
import './train.css';

const OPTIMIZERS: { name: OptimizerName; label: string; hint: string }[] = [
  { name: 'sgd', label: 'SGD', hint: 'SGD with momentum (PyTorch convention, training.md §4.1)' },
  { name: 'adam', label: 'Adam', hint: 'Adam (PyTorch, §4.2)' },
  { name: 'kfac', label: 'K-FAC', hint: 'Kronecker-factored curvature with π-damping and a KL clip (KAISA, §4.3)' },
  { name: 'mkor', label: 'MKOR', hint: 'rank-1 Sherman–Morrison updates of the inverse factors on an Adam base (MKOR, §4.4)' },
  { name: 'mkor-h', label: 'MKOR-H', hint: 'MKOR that switches to its first-order base when the loss stalls (§4.5)' },
];

const optimizerInput = (name: OptimizerName, lr: number) => (name === 'mkor' || name === 'mkor-h' ? { name, base: { name: 'adam', lr } } : { name, lr });

type OptimizerRun =
  | { status: 'queued' }
  | {
      status: 'running' | 'done' | 'error' | 'cancelled';
      steps: number[];
      losses: number[];
      wallMs: number[];
      result?: { final: number; last100: number; validation: number; wallMs: number; skippedSteps: number; model: string };
      message?: string;
      /** the latest parameters for the field view: live snapshots while training, the model at the end */
      network?: LearnedNetwork;
      networkStep?: number;
    };

/** the train spec of one optimizer of the form (validated by the caller) */
function specOf(form: TrainForm, name: OptimizerName) {
  return {
    version: 1,
    kind: 'train',
    task: form.task,
    target: { type: 'preset', name: form.target },
    model: { type: 'mlp', width: form.width, depth: form.depth, activation: form.activation },
    optimizer: optimizerInput(name, form.lr[name]),
    steps: form.steps,
    batch: form.batch,
    seed: form.seed,
  };
}

const fmt = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : v.toPrecision(4));

function NumberField({ label, value, min, max, step, onChange, hint }: { label: string; value: number; min: number; max: number; step?: number; onChange(v: number): void; hint: string }) {
  const id = `train-${label.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return (
    <div className="train-field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="number" value={value} min={min} max={max} step={step ?? 1} onChange={(e) => onChange(Number(e.target.value))} aria-describedby={`${id}-hint`} />
      <span id={`${id}-hint`} className="hint">
        {hint}
      </span>
    </div>
  );
}

function TrainLab({ store, onLab }: { store: AppStore; onLab(lab: Lab): void }) {
  const pushNotice = useAppStore((st) => st.pushNotice);
  // the settings of the link (a bad link: the nearest valid settings and a notice naming what was dropped)
  const [form, setForm] = useState<TrainForm>(() => {
    const decoded = trainFormFromSearch(window.location.search);
    if (decoded.notice) setTimeout(() => pushNotice({ level: 'warning', key: 'train-link', text: decoded.notice! }), 0);
    return decoded.spec;
  });
  // the address bar holds the lab's link: every valid change of the settings is written to it
  useEffect(() => {
    try {
      rememberTrainForm(parseTrainForm(form));
    } catch {
      return; // a value being typed that is not valid yet: the link keeps the last valid settings
    }
    window.history.replaceState(null, '', trainUrl(window.location.href));
  }, [form]);
  const [runs, setRuns] = useState<Partial<Record<OptimizerName, OptimizerRun>>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [xAxis, setXAxis] = useState<'steps' | 'wall'>('steps');
  const job = useRef<WorkerJob | null>(null);
  const cancelled = useRef(false);
  const chart = useRef<SVGSVGElement>(null);
  const [box, width] = useWidth();
  const [drawn, setDrawn] = useState<TrainChartReport | null>(null);
  const running = Object.values(runs).some((r) => r?.status === 'running' || r?.status === 'queued');
  const set = <K extends keyof TrainForm>(key: K, value: TrainForm[K]) => setForm((f) => ({ ...f, [key]: value }));

  /** train one optimizer in a fresh worker; resolves when it ends (done, error or cancelled) */
  const trainOne = (name: OptimizerName, spec: unknown) =>
    new Promise<void>((resolve) => {
      const update = (fn: (run: Extract<OptimizerRun, { steps: number[] }>) => OptimizerRun) =>
        setRuns((all) => ({ ...all, [name]: fn(all[name] as Extract<OptimizerRun, { steps: number[] }>) }));
      const finish = (run: Partial<OptimizerRun> & { status: OptimizerRun['status'] }) => {
        update((current) => ({ ...current, ...run }) as OptimizerRun);
        job.current = null;
        resolve();
      };
      // the curve grows in place (a long run posts thousands of batches: copying it on each would be quadratic); each
      // update gives the run a new object so that the page redraws
      const curve = { steps: [] as number[], losses: [] as number[], wallMs: [] as number[] };
      // the network's shape for the live snapshots (the form may change while this run trains)
      const parsed = parseTrainSpec(spec) as GenerativeTrainSpec;
      const config = trainMlpConfig(parsed.model, prepareTarget(parsed.target).dim);
      setRuns((all) => ({ ...all, [name]: { status: 'running', ...curve } }));
      const worker = new Worker(new URL('./trainWorker.ts', import.meta.url), { type: 'module', name: `stepscope-train-${name}` });
      const started = startWorkerJob<TrainWorkerMessage>(worker, { spec, trainer: form.trainer } satisfies TrainWorkerRequest, 'training', {
        message: (m) => {
          if (m.type === 'progress') {
            curve.steps.push(...m.steps);
            curve.losses.push(...m.losses);
            curve.wallMs.push(...m.wallMs);
            update((c) => ({ ...c, ...curve }));
          } else if (m.type === 'snapshot') update((c) => ({ ...c, network: { task: parsed.task, config, params: m.params }, networkStep: m.step }));
          else if (m.type === 'done') {
            const model = parseModelFileText(m.model);
            finish({ status: 'done', result: { final: m.final, last100: m.last100, validation: m.validation, wallMs: m.wallMs, skippedSteps: m.skippedSteps, model: m.model }, network: model, networkStep: model.trainedOn.steps });
          }
        },
        failed: (message) => finish({ status: 'error', message }),
      });
      // a cancel stops the worker and settles this run
      job.current = {
        cancel: () => {
          started.cancel();
          finish({ status: 'cancelled', message: 'Cancelled.' });
        },
      };
    });

  const start = async () => {
    if (form.chosen.length === 0) {
      setProblem('optimizers: choose at least one to train');
      return;
    }
    // every spec validated before anything runs: a bad field is named and nothing starts
    const specs: [OptimizerName, unknown][] = [];
    try {
      for (const name of form.chosen) {
        const spec = specOf(form, name);
        const parsed = parseTrainSpec(spec);
        const refusal = form.trainer === 'gpu' ? gpuTrainingRefusal(parsed) : null;
        if (refusal) throw new Error(`trainer WebGPU: ${refusal}; untick it or choose the float64 CPU trainer`);
        specs.push([name, spec]);
      }
    } catch (error) {
      setProblem(error instanceof SpecError ? error.problems.join('; ') : (error as Error).message);
      return;
    }
    setProblem(null);
    cancelled.current = false;
    setRuns(Object.fromEntries(specs.map(([name]) => [name, { status: 'queued' }])));
    for (const [name, spec] of specs) {
      if (cancelled.current) {
        setRuns((all) => ({ ...all, [name]: { status: 'cancelled', steps: [], losses: [], wallMs: [], message: 'Cancelled.' } }));
        continue;
      }
      await trainOne(name, spec);
    }
  };

  const cancel = () => {
    cancelled.current = true;
    job.current?.cancel();
  };

  useEffect(() => () => job.current?.cancel(), []);

  // the sampler lab with this model as its model (registered in the page under its file name) and its target
  const sampleWith = (name: OptimizerName, text: string) => {
    const model = parseModelFileText(text);
    const file = `model-${form.task}-${form.target}-${name}.json`;
    registerModel(file, model);
    const spec = structuredClone(store.getState().spec);
    store.getState().setSpec({ ...spec, target: model.trainedOn.target, model: { type: 'mlp', file } });
    onLab('samplers');
  };

  const order = OPTIMIZERS.filter((o) => runs[o.name]);
  const curves = order.map((o) => {
    const run = runs[o.name] as OptimizerRun;
    return run.status === 'queued' ? { label: o.label, steps: [], losses: [], wallMs: [] } : { label: o.label, steps: run.steps, losses: run.losses, wallMs: run.wallMs };
  });

  useEffect(() => {
    if (width <= 0 || !chart.current) return;
    setDrawn(drawTrainChart(chart.current, curves, { width: Math.min(width, 900), height: 300, x: xAxis }));
  }, [runs, width, xAxis]);

  // the test hook's report: each optimizer's run and what the chart drew
  useEffect(() => {
    reportTrainView({
      status: running ? 'running' : order.length === 0 ? 'idle' : 'done',
      form: { ...form, lr: { ...form.lr }, chosen: [...form.chosen] },
      runs: order.map((o) => {
        const run = runs[o.name] as OptimizerRun;
        const steps = run.status === 'queued' ? 0 : run.steps.length;
        const result = run.status === 'queued' ? undefined : run.result;
        return {
          optimizer: o.name,
          status: run.status,
          steps,
          firstLoss: run.status === 'queued' ? null : (run.losses[0] ?? null),
          final: result?.final ?? null,
          last100: result?.last100 ?? null,
          validation: result?.validation ?? null,
          wallMs: result?.wallMs ?? null,
          skippedSteps: result?.skippedSteps ?? null,
          message: run.status === 'queued' ? null : (run.message ?? null),
        };
      }),
      chart: drawn,
      problem,
    });
  });
  useEffect(() => () => reportTrainView(null), []);

  return (
    <main className="train-lab">
      <NoticeBanner />
      <section className="panel" aria-labelledby="train-title">
        <div className="panel-head">
          <h2 id="train-title">Train a 2D model and compare optimizers</h2>
          <p className="hint">
            Same network, data and seed for every optimizer; each trains in a worker, one after the other so their wall times compare: in float64 (the numbers of{' '}
            <code>npx stepscope train --backend cpu</code>), or with the WGSL kernels on this page&apos;s GPU in float32 (<code>--backend gpu</code>).
          </p>
        </div>
        <div className="train-form" role="group" aria-label="Training settings">
          <div className="train-field">
            <label htmlFor="train-task">Task</label>
            <select id="train-task" value={form.task} onChange={(e) => set('task', e.target.value as GenerativeTask)} aria-describedby="train-task-hint">
              {GENERATIVE_TASKS.map((t) => (
                <option key={t} value={t}>
                  {t === 'flow-matching' ? 'flow matching (velocity)' : 'denoising score matching (ε)'}
                </option>
              ))}
            </select>
            <span id="train-task-hint" className="hint">
              what the network learns (training.md §3.3)
            </span>
          </div>
          <div className="train-field">
            <label htmlFor="train-target">Target</label>
            <select id="train-target" value={form.target} onChange={(e) => set('target', e.target.value as TargetPresetName)}>
              {TARGET_PRESETS.map((name) => (
                <option key={name} value={name}>
                  {PRESET_LABELS[name]}
                </option>
              ))}
            </select>
          </div>
          <NumberField label="Width" value={form.width} min={1} max={1024} onChange={(v) => set('width', v)} hint="units per hidden layer" />
          <NumberField label="Depth" value={form.depth} min={0} max={16} onChange={(v) => set('depth', v)} hint="hidden layers" />
          <div className="train-field">
            <label htmlFor="train-activation">Activation</label>
            <select id="train-activation" value={form.activation} onChange={(e) => set('activation', e.target.value as TrainForm['activation'])}>
              <option value="silu">SiLU</option>
              <option value="relu">ReLU</option>
              <option value="tanh">tanh</option>
            </select>
          </div>
          <NumberField label="Batch" value={form.batch} min={1} max={65536} onChange={(v) => set('batch', v)} hint="fresh target samples per step" />
          <NumberField label="Steps" value={form.steps} min={1} max={1000000} onChange={(v) => set('steps', v)} hint="optimizer steps per run" />
          <NumberField label="Seed" value={form.seed} min={0} max={4294967295} onChange={(v) => set('seed', v)} hint="initial weights and batches" />
          <div className="train-field">
            <label htmlFor="train-trainer">Trainer</label>
            <select id="train-trainer" value={form.trainer} onChange={(e) => set('trainer', e.target.value as Trainer)} aria-describedby="train-trainer-hint">
              <option value="cpu">float64 CPU (worker)</option>
              <option value="gpu">WebGPU, float32 (WGSL kernels)</option>
            </select>
            <span id="train-trainer-hint" className="hint">
              WebGPU: flow matching with SGD or Adam (training.md §6); K-FAC and MKOR are float64 only
            </span>
          </div>
        </div>
        <fieldset className="train-optimizers">
          <legend>Optimizers to compare (learning rate)</legend>
          {OPTIMIZERS.map((o) => (
            <div key={o.name} className="train-optimizer">
              <label title={o.hint}>
                <input
                  type="checkbox"
                  checked={form.chosen.includes(o.name)}
                  onChange={(e) => set('chosen', e.target.checked ? OPTIMIZERS.map((x) => x.name).filter((n) => n === o.name || form.chosen.includes(n)) : form.chosen.filter((n) => n !== o.name))}
                />{' '}
                {o.label}
              </label>
              <input type="number" aria-label={`${o.label} learning rate`} value={form.lr[o.name]} min={0} step="any" onChange={(e) => set('lr', { ...form.lr, [o.name]: Number(e.target.value) })} />
              <span className="hint">{o.hint}</span>
            </div>
          ))}
        </fieldset>
        {problem && (
          <p className="train-problem" role="alert" data-testid="train-problem">
            {problem}
          </p>
        )}
        <div className="train-actions">
          <button type="button" className="button primary" onClick={() => void start()} disabled={running}>
            Train and compare
          </button>
          {running && (
            <button type="button" className="button secondary" onClick={cancel}>
              Cancel
            </button>
          )}
          <label>
            x axis{' '}
            <select value={xAxis} onChange={(e) => setXAxis(e.target.value as 'steps' | 'wall')}>
              <option value="steps">steps</option>
              <option value="wall">wall time</option>
            </select>
          </label>
        </div>
        <div ref={box} className="train-chart">
          <svg ref={chart} role="img" aria-label={`Training loss against ${xAxis === 'steps' ? 'steps' : 'wall time'}, one line per optimizer`} data-testid="train-chart" />
        </div>
        <table className="claim-table" aria-label="Optimizers compared">
          <thead>
            <tr>
              <th scope="col">optimizer</th>
              <th scope="col">status</th>
              <th scope="col">steps</th>
              <th scope="col">loss, last 100 steps</th>
              <th scope="col">validation loss</th>
              <th scope="col">wall time</th>
              <th scope="col">steps/s</th>
              <th scope="col">model</th>
            </tr>
          </thead>
          <tbody>
            {order.map((o, i) => {
              const run = runs[o.name] as OptimizerRun;
              const result = run.status === 'queued' ? undefined : run.result;
              return (
                <tr key={o.name} data-optimizer={o.name}>
                  <th scope="row">
                    <span className="swatch" style={{ background: CLAIM_COLORS[i % CLAIM_COLORS.length] }} aria-hidden="true" /> {o.label}
                  </th>
                  <td>{run.status === 'error' || run.status === 'cancelled' ? `${run.status}: ${run.message}` : run.status}</td>
                  <td>{run.status === 'queued' ? 0 : run.steps.length}</td>
                  <td>{fmt(result?.last100)}</td>
                  <td data-testid={`validation-${o.name}`}>{fmt(result?.validation)}</td>
                  <td>{result ? `${(result.wallMs / 1000).toFixed(1)} s` : '–'}</td>
                  <td>{result ? ((run as { steps: number[] }).steps.length / (result.wallMs / 1000)).toFixed(0) : '–'}</td>
                  <td>
                    {result && (
                      <>
                        <button type="button" className="button small secondary" onClick={() => downloadBlob(new Blob([result.model], { type: 'application/json' }), `model-${form.task}-${form.target}-${o.name}.json`)}>
                          Download {o.label} model
                        </button>{' '}
                        <button type="button" className="button small secondary" onClick={() => sampleWith(o.name, result.model)}>
                          Sample with {o.label} model
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      <FieldPanel
        target={form.target}
        runs={order.map((o, i) => {
          const run = runs[o.name] as OptimizerRun;
          const live = run.status === 'queued' ? undefined : run;
          return { name: o.name, label: o.label, color: CLAIM_COLORS[i % CLAIM_COLORS.length], network: live?.network ?? null, step: live?.networkStep ?? 0 };
        })}
      />
      <BossPanel
        store={store}
        onLab={onLab}
        models={order.flatMap((o) => {
          const run = runs[o.name] as OptimizerRun;
          const model = run.status === 'queued' ? undefined : run.result?.model;
          return model ? [{ label: `${o.label} model (trained above)`, file: `model-${form.task}-${form.target}-${o.name}`, text: model }] : [];
        })}
      />
      <SurrogatePanel />
    </main>
  );
}

export interface TrainAppProps {
  store: AppStore;
  onLab(lab: Lab): void;
  onRestartGpu(): void;
  onReady(): void;
}

export function TrainApp({ store, onLab, onRestartGpu, onReady }: TrainAppProps) {
  useEffect(() => onReady(), []);
  return (
    <StoreContext.Provider value={store}>
      <div className="app">
        <Header lab="train" onLab={onLab} link={() => ({ url: window.location.href })} onRestartGpu={onRestartGpu} />
        <TrainLab store={store} onLab={onLab} />
      </div>
    </StoreContext.Provider>
  );
}


// BOSS straightening in the training lab (issue #7 part 4; training.md §3.5): fine-tune a copy of a flow-matching model
// (one trained above, or a loaded model file) toward its Bellman-optimal K-step grid, in a float64 worker (the numbers
// of `stepscope train` with "task":"boss"), and show the chosen steps and the K-step quality before and after: Euler on
// the K Bellman times with the student against the teacher on K uniform steps and on the same Bellman steps, by the
// sampler's MMD² (with its null value) and by the RMSE against the teacher's K_max-step run from the same noise.
// The student downloads as a model file and opens in the sampler lab on its Bellman steps.

import { useEffect, useRef, useState } from 'react';
import { parseBossSpec } from '../../core/spec/bossSpec.ts';
import { type ModelFile, parseModelFileText } from '../../core/spec/modelFile.ts';
import { SpecError } from '../../core/spec/spec.ts';
import { BOSS_STRAIGHTEN_DEFAULTS } from '../../core/train/bossStraighten.ts';
import { BOSS_EVAL_LABELS, type BossEvalRow, bossEvalSampleSpec } from '../../engine/train/boss.ts';
import type { Lab } from '../../state/pdeUrl.ts';
import { registerModel } from '../../state/models.ts';
import type { AppStore } from '../../state/store.ts';
import { downloadBlob } from '../export/exporters.ts';
import { reportBossStraightenView } from '../viewReports.ts';
import { startWorkerJob, type WorkerJob } from '../workerJob.ts';
import type { BossWorkerMessage, BossWorkerResult } from './bossWorker.ts';

/** a model the panel can straighten: one the lab trained, or a loaded file */
export interface BossTeacherChoice {
  label: string;
  /** the name the student's file and the sampler lab get (model-…json) */
  file: string;
  text: string;
}

interface Settings {
  K: number;
  kMax: number;
  trajectories: number;
  pairs: 'offline' | 'online';
  noises: number;
  steps: number;
  batch: number;
  lr: number;
  seed: number;
  evalN: number;
  evalSeed: number;
}

/** §3.5's K, K_max, Adam rate and held-out split; fewer trajectories, noises, steps and samples than the CLI so that a run takes seconds in a worker */
const DEFAULTS: Settings = { K: BOSS_STRAIGHTEN_DEFAULTS.K, kMax: BOSS_STRAIGHTEN_DEFAULTS.kMax, trajectories: 256, pairs: 'offline', noises: 1000, steps: 300, batch: 256, lr: BOSS_STRAIGHTEN_DEFAULTS.lr, seed: 0, evalN: 1024, evalSeed: 0 };

const FIELDS: { key: Exclude<keyof Settings, 'pairs'>; label: string; hint: string; step?: string }[] = [
  { key: 'K', label: 'K steps', hint: 'Euler steps of the straightened sampler' },
  { key: 'kMax', label: 'K_max', hint: 'fine anchors of the teacher run (§3.5.2)' },
  { key: 'trajectories', label: 'Teacher trajectories', hint: 'M, for the cost matrix' },
  { key: 'noises', label: 'Noises', hint: 'fixed pair set (10 % held out)' },
  { key: 'steps', label: 'Fine-tuning steps', hint: 'Adam steps on the student' },
  { key: 'batch', label: 'Pairs per step', hint: 'B' },
  { key: 'lr', label: 'Adam learning rate', hint: '§3.5.5: 1e-3', step: 'any' },
  { key: 'seed', label: 'BOSS seed', hint: 'teacher noise, pairs and batches' },
  { key: 'evalN', label: 'Evaluation samples', hint: 'n of the K-step comparison' },
  { key: 'evalSeed', label: 'Evaluation seed', hint: 'the sampler’s x_T' },
];

type Run =
  | { status: 'idle' }
  | { status: 'running' | 'done' | 'error' | 'cancelled'; teacher: BossTeacherChoice; spec: Record<string, unknown>; progress: { step: number; total: number; loss: number } | null; result?: BossWorkerResult; message?: string };

const specOf = (s: Settings, teacher: string) => ({
  version: 1,
  kind: 'train',
  task: 'boss',
  teacher,
  K: s.K,
  kMax: s.kMax,
  trajectories: s.trajectories,
  pairs: s.pairs,
  noises: s.noises,
  steps: s.steps,
  batch: s.batch,
  optimizer: { name: 'adam', lr: s.lr },
  seed: s.seed,
  eval: { n: s.evalN, seed: s.evalSeed },
});

const exp = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : v.toExponential(3));

export function BossPanel({ store, onLab, models }: { store: AppStore; onLab(lab: Lab): void; models: BossTeacherChoice[] }) {
  const [settings, setSettings] = useState<Settings>(DEFAULTS);
  const [loaded, setLoaded] = useState<BossTeacherChoice | null>(null);
  const [chosen, setChosen] = useState<string>('');
  const [run, setRun] = useState<Run>({ status: 'idle' });
  const [problem, setProblem] = useState<string | null>(null);
  const job = useRef<WorkerJob | null>(null);
  // flow-matching models only (BOSS straightens a velocity model)
  const choices = [...models, ...(loaded ? [loaded] : [])].filter((m) => {
    try {
      return parseModelFileText(m.text).task === 'flow-matching';
    } catch {
      return false;
    }
  });
  const teacher = choices.find((c) => c.file === chosen) ?? choices[0];

  const load = async (file: File) => {
    const text = await file.text();
    try {
      const model = parseModelFileText(text);
      if (model.task !== 'flow-matching') throw new Error(`task: got "${model.task}"; allowed: "flow-matching" (BOSS straightens a velocity model)`);
      const choice = { label: `${file.name} (loaded)`, file: file.name.replace(/\.json$/i, ''), text };
      setLoaded(choice);
      setChosen(choice.file);
      setProblem(null);
    } catch (error) {
      setProblem(`${file.name}: ${(error as Error).message.replace(/\n/g, '; ')}`);
    }
  };

  const start = () => {
    if (!teacher) {
      setProblem('teacher: none; train a flow-matching model above or load a model file');
      return;
    }
    const spec = specOf(settings, teacher.file);
    try {
      parseBossSpec(spec);
    } catch (error) {
      setProblem(error instanceof SpecError ? error.problems.join('; ') : (error as Error).message);
      return;
    }
    setProblem(null);
    job.current?.cancel();
    setRun({ status: 'running', teacher, spec, progress: null });
    const worker = new Worker(new URL('./bossWorker.ts', import.meta.url), { type: 'module', name: 'stepscope-boss' });
    const settle = (next: Partial<Run> & { status: Run['status'] }) => setRun((r) => ({ ...(r as Extract<Run, { spec: unknown }>), ...next }) as Run);
    job.current = startWorkerJob<BossWorkerMessage>(worker, { spec, teacher: teacher.text }, 'BOSS straightening', {
      message: (m) => {
        if (m.type === 'progress') setRun((r) => (r.status === 'running' ? { ...r, progress: { step: m.step, total: m.total, loss: m.loss } } : r));
        else if (m.type === 'done') settle({ status: 'done', result: m.result });
      },
      failed: (message) => settle({ status: 'error', message }),
    });
  };
  const cancel = () => {
    job.current?.cancel();
    job.current = null;
    setRun((r) => ({ ...(r as Extract<Run, { spec: unknown }>), status: 'cancelled', message: 'Cancelled.' }));
  };
  useEffect(() => () => job.current?.cancel(), []);

  const result = run.status === 'done' ? run.result : undefined;
  const studentFile = run.status !== 'idle' ? `model-${run.teacher.file.replace(/^model-/, '')}-boss-K${(run.spec as { K: number }).K}.json` : '';

  // the sampler lab with the student on its K Bellman steps (flow-euler, a custom schedule; the evaluation's n and seed)
  const sampleStudent = () => {
    if (!result) return;
    const student: ModelFile = parseModelFileText(result.model);
    registerModel(studentFile, student);
    const spec = run.status === 'done' ? (run.spec as { eval: { n: number; seed: number } }) : null;
    store.getState().setSpec(bossEvalSampleSpec(student.trainedOn.target, result.plan.times, false, spec!.eval.n, spec!.eval.seed, studentFile));
    onLab('samplers');
  };

  useEffect(() => {
    reportBossStraightenView({
      status: run.status,
      teacher: run.status === 'idle' ? (teacher?.file ?? null) : run.teacher.file,
      spec: run.status === 'idle' ? null : run.spec,
      progress: run.status !== 'idle' && run.progress ? { step: run.progress.step, total: run.progress.total } : null,
      indices: result?.plan.indices ?? null,
      times: result?.plan.times ?? null,
      heldOutLoss: result?.heldOutLoss ?? null,
      nullMmd2: result?.evaluation.nullMmd2 ?? null,
      rows: result ? result.evaluation.rows.map((r) => ({ row: r.row, steps: r.steps, mmd2: r.mmd2, rmse: r.rmse })) : [],
      problem,
      message: run.status === 'idle' ? null : (run.message ?? null),
    });
  });
  useEffect(() => () => reportBossStraightenView(null), []);

  return (
    <section className="panel" aria-labelledby="boss-straighten-title">
      <div className="panel-head">
        <h2 id="boss-straighten-title">BOSS straightening</h2>
        <p className="hint">
          Fine-tune a copy of a flow-matching model so that Euler on its K Bellman-optimal steps lands where the frozen teacher’s K_max-step run lands (BOSS; training.md §3.5):
          the DP picks the steps from the teacher’s one-jump costs, the student regresses the chords between the teacher’s states at those steps. float64 in a worker, the numbers
          of <code>npx stepscope train --spec boss.json</code> with <code>"task":"boss"</code>.
        </p>
      </div>
      <div className="train-form" role="group" aria-label="BOSS straightening settings">
        <div className="train-field">
          <label htmlFor="boss-teacher">Teacher</label>
          <select id="boss-teacher" value={teacher?.file ?? ''} onChange={(e) => setChosen(e.target.value)} aria-describedby="boss-teacher-hint">
            {choices.length === 0 && <option value="">train a flow-matching model above, or load one</option>}
            {choices.map((c) => (
              <option key={c.file} value={c.file}>
                {c.label}
              </option>
            ))}
          </select>
          <span id="boss-teacher-hint" className="hint">
            frozen; the student starts as its copy
          </span>
        </div>
        <div className="train-field">
          <label htmlFor="boss-load">Load a model file</label>
          <input id="boss-load" type="file" accept=".json,application/json" onChange={(e) => e.target.files?.[0] && void load(e.target.files[0])} />
        </div>
        <div className="train-field">
          <label htmlFor="boss-pairs">Pairs</label>
          <select id="boss-pairs" value={settings.pairs} onChange={(e) => setSettings((s) => ({ ...s, pairs: e.target.value as Settings['pairs'] }))} aria-describedby="boss-pairs-hint">
            <option value="offline">offline: a fixed set of noises</option>
            <option value="online">online: fresh noise every batch</option>
          </select>
          <span id="boss-pairs-hint" className="hint">
            §3.5.4 and §3.5.6
          </span>
        </div>
        {FIELDS.map((f) => (
          <div className="train-field" key={f.key}>
            <label htmlFor={`boss-${f.key}`}>{f.label}</label>
            <input id={`boss-${f.key}`} type="number" value={settings[f.key]} min={0} step={f.step ?? 1} onChange={(e) => setSettings((s) => ({ ...s, [f.key]: Number(e.target.value) }))} aria-describedby={`boss-${f.key}-hint`} />
            <span id={`boss-${f.key}-hint`} className="hint">
              {f.hint}
            </span>
          </div>
        ))}
      </div>
      {problem && (
        <p className="train-problem" role="alert" data-testid="boss-problem">
          {problem}
        </p>
      )}
      <div className="train-actions">
        <button type="button" className="button primary" onClick={start} disabled={run.status === 'running'}>
          Straighten
        </button>
        {run.status === 'running' && (
          <>
            <button type="button" className="button secondary" onClick={cancel}>
              Cancel
            </button>
            <span className="hint" role="status">
              {run.progress ? `step ${run.progress.step}/${run.progress.total}, loss ${run.progress.loss.toPrecision(4)}` : 'teacher cost matrix and pairs…'}
            </span>
          </>
        )}
        {(run.status === 'error' || run.status === 'cancelled') && <span className={run.status === 'error' ? 'train-problem' : 'hint'}>{run.message}</span>}
      </div>
      {result && (
        <>
          <p data-testid="boss-steps">
            Bellman steps (K = {result.plan.K} of K_max = {result.plan.kMax}): anchors {result.plan.indices.join(', ')}; t = {result.plan.times.map((t) => t.toFixed(4)).join(', ')}. Summed
            one-jump cost {exp(result.plan.optimalCost)} (uniform {exp(result.plan.uniformCost)}). Held-out pair loss {result.heldOutLoss.before.toPrecision(4)} (teacher) →{' '}
            {result.heldOutLoss.after.toPrecision(4)} (student).
          </p>
          <table className="claim-table" aria-label="K-step quality before and after straightening">
            <thead>
              <tr>
                <th scope="col">sampler</th>
                <th scope="col">steps</th>
                <th scope="col">MMD² (null {exp(result.evaluation.nullMmd2)})</th>
                <th scope="col">RMSE vs teacher K_max</th>
              </tr>
            </thead>
            <tbody>
              {result.evaluation.rows.map((r) => (
                <tr key={r.row} data-row={r.row}>
                  <th scope="row">{BOSS_EVAL_LABELS[r.row as BossEvalRow]}</th>
                  <td>{r.steps}</td>
                  <td data-testid={`boss-mmd2-${r.row}`}>{exp(r.mmd2)}</td>
                  <td data-testid={`boss-rmse-${r.row}`}>{r.row === 'teacher-fine' ? '–' : exp(r.rmse)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="train-actions">
            <button type="button" className="button small secondary" onClick={() => downloadBlob(new Blob([result.model], { type: 'application/json' }), studentFile)}>
              Download the student
            </button>
            <button type="button" className="button small secondary" onClick={sampleStudent}>
              Sample with the student
            </button>
          </div>
        </>
      )}
    </section>
  );
}

// View 4 of the sampler lab (issue #11): the per-step (local) error of one shown configuration, as bars over the
// steps, with the global error at the end for comparison. The numbers are float64, computed in a worker
// (stepErrorWorker.ts → core/sampling/stepErrors.ts, where the definition is) from the very spec that solver's live
// run uses (solverRuns.ts: its seed too when "Same noise" is off), a short while after the spec, the shown solvers or
// the choice here change and the live run is in; a newer request terminates the older worker.

import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { SOLVERS, type SolverName } from '../core/sampling/solvers.ts';
import type { StepErrorResult } from '../core/sampling/stepErrors.ts';
import type { SampleSpec } from '../core/spec/spec.ts';
import { useAppStore } from '../state/hooks.ts';
import { liveRunBusy } from '../state/store.ts';
import { configurationRunSpec } from '../state/solverRuns.ts';
import { shownConfigurations } from './configurations.ts';
import { drawStepErrorChart } from '../views/stepErrorChart.ts';
import type { StepErrorWorkerMessage, StepErrorWorkerRequest } from './stepErrorWorker.ts';
import { formatNumber } from './labels.ts';
import { useWidth } from './useWidth.ts';
import { reportStepErrorView } from './viewReports.ts';

const HEIGHT = 220;
/** wait this long after the last change before computing (a dragged slider settles first) */
const DEBOUNCE_MS = 400;

type Computation =
  | { status: 'pending' | 'running'; spec: SampleSpec; result: null; message?: undefined }
  | { status: 'ready'; spec: SampleSpec; result: StepErrorResult; message?: undefined }
  | { status: 'error'; spec: SampleSpec; result: null; message: string };

const label = (solver: string) => SOLVERS[solver as SolverName]?.label ?? solver;

export function StepErrorPanel() {
  const spec = useAppStore((s) => s.spec);
  const sameNoise = useAppStore((s) => s.sameNoise);
  const shown = shownConfigurations(spec);
  // the chosen configuration, by its place in the list (the same solver may be shown twice, on two schedules)
  const [chosen, setChosen] = useState(0);
  const configuration = shown[chosen] ?? shown[0];
  const solver = configuration.solver;
  const runSpec = useMemo(() => configurationRunSpec(configuration.spec, configuration.index, sameNoise), [configuration, sameNoise]);
  const [computation, setComputation] = useState<Computation>({ status: 'pending', spec: runSpec, result: null });
  const [log, setLog] = useState(false);
  const [box, width] = useWidth();
  const svg = useRef<SVGSVGElement | null>(null);
  const selectId = useId();
  const logId = useId();

  // the worker of the current request; a new spec terminates it
  const worker = useRef<{ spec: SampleSpec; worker: Worker | null } | null>(null);
  useEffect(() => {
    setComputation({ status: 'pending', spec: runSpec, result: null });
    return () => {
      worker.current?.worker?.terminate();
      worker.current = null;
    };
  }, [runSpec]);
  // Start it a short while after the last change, once the live run is in: on a software adapter both share the
  // CPU's cores, and the live run feeds every other view (the float64 bars took ~230 ms of a core beside it).
  const liveBusy = useAppStore((s) => liveRunBusy(s.run.status));
  useEffect(() => {
    if (liveBusy || worker.current?.spec === runSpec) return;
    const timer = setTimeout(() => {
      setComputation({ status: 'running', spec: runSpec, result: null });
      const started = new Worker(new URL('./stepErrorWorker.ts', import.meta.url), { type: 'module', name: `stepscope-step-errors-${runSpec.solver.name}` });
      const job = { spec: runSpec, worker: started as Worker | null };
      worker.current = job;
      const finish = (next: Computation) => {
        if (worker.current !== job) return;
        setComputation(next);
        started.terminate();
        job.worker = null;
      };
      started.onmessage = (event: MessageEvent<StepErrorWorkerMessage>) => {
        const message = event.data;
        finish(message.type === 'done' ? { status: 'ready', spec: runSpec, result: message.result } : { status: 'error', spec: runSpec, result: null, message: message.message });
      };
      started.onerror = (event) => finish({ status: 'error', spec: runSpec, result: null, message: event.message || 'the worker failed' });
      started.postMessage({ spec: runSpec } satisfies StepErrorWorkerRequest);
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [runSpec, liveBusy]);

  const result = computation.result;
  useEffect(() => {
    const base = {
      solver: computation.spec.solver.name,
      label: configuration.label,
      seed: computation.spec.seed,
      spec: computation.spec,
      scale: log ? ('log' as const) : ('linear' as const),
    };
    if (!result || !svg.current || width <= 0) {
      if (svg.current) svg.current.replaceChildren();
      reportStepErrorView({
        ...base,
        status: computation.status === 'ready' ? 'pending' : computation.status,
        ...(computation.message ? { message: computation.message } : {}),
        steps: 0,
        particles: 0,
        values: [],
        times: [],
        global: null,
        stochastic: false,
        bars: 0,
        drawn: [],
        globalLine: false,
      });
      return;
    }
    const chart = drawStepErrorChart(svg.current, { solver: result.solver, label: base.label, color: configuration.color, local: result.local, times: result.times, global: result.global }, { width, height: HEIGHT, scale: base.scale });
    reportStepErrorView({
      ...base,
      status: 'ready',
      steps: result.local.length,
      particles: result.particles,
      values: result.local,
      times: result.times,
      global: result.global,
      stochastic: result.stochastic,
      bars: chart.bars,
      drawn: chart.drawn,
      globalLine: chart.globalLine,
    });
  }, [computation, result, width, log]);

  const sum = result ? result.local.reduce((a, b) => a + b, 0) : 0;
  const largest = result && result.local.length > 0 ? result.local.indexOf(Math.max(...result.local)) : -1;
  return (
    <section className="panel grid-panel step-error-panel" aria-label="Per-step error">
      <div className="panel-head">
        <h2>Per-step error</h2>
        <div className="row">
          <span className="swatch" style={{ background: configuration.color }} aria-hidden="true" />
          <label htmlFor={selectId}>Configuration</label>
          <select id={selectId} value={configuration.index} onChange={(e) => setChosen(Number(e.target.value))} title="Which shown configuration's steps to measure">
            {shown.map((c) => (
              <option key={c.index} value={c.index}>
                {c.label}
              </option>
            ))}
          </select>
          <label style={{ whiteSpace: 'nowrap' }} title="A log axis shows the early steps' small errors; zero bars (an exact step) are left out there">
            <input id={logId} type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> Log scale
          </label>
        </div>
      </div>
      <div ref={box}>
        <figure className="grid-figure">
          <svg
            ref={svg}
            role="img"
            aria-label={`Local error of each step of ${label(solver)}${result ? `: ${result.local.length} bars` : ''}`}
            data-testid="step-error-chart"
          />
        </figure>
      </div>
      <p className="hint" role="status" aria-live="polite">
        {computation.status === 'pending' || computation.status === 'running'
          ? `Measuring ${label(solver)}'s steps (float64, against the exact flow)…`
          : computation.status === 'error'
            ? `Could not measure the steps: ${computation.message}`
            : result &&
              `${result.local.length} steps on ${result.particles} particles: Σ e_i = ${formatNumber(sum)}, largest at step ${largest}; global error ${formatNumber(result.global)}${
                result.stochastic ? ' · this solver injects noise, so e_i includes it (not a truncation error)' : ''
              }`}
      </p>
      <p className="hint">
        Bar i is the local error e_i: the RMS over particles of x_i+1 − Φ(t_i+1; t_i, x_i), where Φ is the exact flow (the same RK45 reference as the
        same-noise RMSE) restarted from the solver's own state x_i; for multistep solvers, the step taken with their actual history. The dashed line is the
        global error at the end (the same-noise RMSE), from the same x_T. Local errors are carried to the end by the flow, so they need not add up to it.
      </p>
    </section>
  );
}

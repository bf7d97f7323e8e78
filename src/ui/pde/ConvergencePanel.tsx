// The convergence study panel (issue #6): the current spec at a sequence of halving time steps per stepper,
// against a fine ETDRK4 reference on the same grid (float64, in a worker: engine/pde/convergence.ts), plotted
// error against dt log-log with the fitted order per stepper; blown-up runs are marked (the stability limit).

import { useEffect, useId, useRef, useState } from 'react';
import { STEPPERS, STEPPER_INFO, type StepperName } from '../../core/pde/steppers.ts';
import { usePdeStore } from '../../state/pdeHooks.ts';
import { drawConvergenceChart, stepperColor } from '../../views/pde/charts.ts';
import type { PdeController } from './pdeController.ts';
import { reportPdeView } from './viewReports.ts';
import { ExportMenu } from '../export/ExportMenu.tsx';
import { csvBlob, jsonBlob, svgBlob, svgPng } from '../export/exporters.ts';

/** dt_j = tEnd / (steps₀ · 2^j), j = 0 … levels − 1: each divides tEnd exactly */
export function halvingSteps(tEnd: number, coarsestSteps: number, levels: number): number[] {
  return Array.from({ length: levels }, (_, j) => tEnd / (coarsestSteps * 2 ** j));
}

const DEFAULT_STEPPERS: StepperName[] = ['etdrk4', 'rk4', 'etd1', 'ifrk4'];

export function ConvergencePanel({ controller }: { controller: PdeController }) {
  const spec = usePdeStore((s) => s.spec);
  const state = usePdeStore((s) => s.convergence);
  const svg = useRef<SVGSVGElement>(null);
  const [steppers, setSteppers] = useState<StepperName[]>(DEFAULT_STEPPERS);
  // a short study by default: ~10 coarse steps of the spec's dt
  const [tEnd, setTEnd] = useState(() => +(spec.dt * 8).toPrecision(6));
  const [coarse, setCoarse] = useState(4);
  const [levels, setLevels] = useState(4);
  const ids = { tEnd: useId(), coarse: useId(), levels: useId() };
  useEffect(() => setTEnd(+(spec.dt * 8).toPrecision(6)), [spec.dt]);
  useEffect(() => {
    if (!svg.current || !state.result) return;
    reportPdeView('convergence', drawConvergenceChart(svg.current, state.result, { width: svg.current.parentElement?.clientWidth || 460, height: 260 }));
  }, [state.result]);
  const dts = halvingSteps(tEnd, coarse, levels);
  const run = () => void controller.convergence({ steppers, dts, tEnd }).catch(() => {});
  const cells = spec.grid.n.reduce((a, b) => a * b, 1);
  return (
    <section className="panel pde-convergence" aria-label="Convergence study">
      <div className="panel-head">
        <h2>Convergence study</h2>
        <ExportMenu
          label="convergence study"
          rows={(() => {
            const result = state.result;
            const unavailable = result ? null : 'Run the study first';
            const name = ['pde', spec.equation, 'convergence'];
            const chart = () => {
              if (!svg.current) throw new Error('the chart is not drawn');
              return svg.current;
            };
            return [
              {
                what: 'convergence chart',
                actions: [
                  { format: 'svg', name, make: () => svgBlob(chart()), unavailable },
                  { format: 'png', name, make: () => svgPng(chart()), unavailable },
                ],
              },
              {
                what: 'convergence errors',
                actions: [
                  {
                    format: 'csv',
                    name,
                    describe: 'One row per stepper and dt: the relative error at tEnd (empty: blew up), whether unstable, and the fitted order',
                    make: () =>
                      csvBlob(
                        ['stepper', 'dt', 'error', 'unstable', 'order'],
                        result!.curves.flatMap((c) => c.points.map((p) => [c.stepper, p.dt, p.error, p.unstable, c.order])),
                      ),
                    unavailable,
                  },
                  { format: 'json', name, describe: 'The spec and the whole study', make: () => jsonBlob({ kind: 'stepscope-pde-convergence', spec, result }), unavailable },
                ],
              },
            ];
          })()}
        />
      </div>
      <p className="hint">
        Runs the current spec (float64, CPU worker) at dt = tEnd/{coarse}, halving {levels - 1}×, against ETDRK4 at the smallest dt/8; error = max|u − u_ref| / max|u_ref| at tEnd.
        {cells > 4096 && ' This grid is large for a float64 study: expect it to take a while.'}
      </p>
      <div className="chips" role="group" aria-label="Steppers in the study">
        {STEPPERS.map((s) => {
          const on = steppers.includes(s);
          return (
            <button key={s} type="button" className={on ? 'chip on' : 'chip'} aria-pressed={on} onClick={() => setSteppers(on ? steppers.filter((x) => x !== s) : STEPPERS.filter((x) => x === s || steppers.includes(x)))} title={STEPPER_INFO[s].title}>
              <span className="swatch" style={{ background: stepperColor(s) }} aria-hidden="true" />
              {s}
            </button>
          );
        })}
      </div>
      <div className="row wrap">
        <label htmlFor={ids.tEnd}>tEnd</label>
        <input id={ids.tEnd} type="number" step="any" min={0} value={tEnd} onChange={(e) => e.target.valueAsNumber > 0 && setTEnd(e.target.valueAsNumber)} />
        <label htmlFor={ids.coarse}>coarsest steps</label>
        <input id={ids.coarse} type="number" min={1} max={1024} step={1} value={coarse} onChange={(e) => e.target.valueAsNumber >= 1 && setCoarse(Math.round(e.target.valueAsNumber))} />
        <label htmlFor={ids.levels}>levels</label>
        <input id={ids.levels} type="number" min={2} max={8} step={1} value={levels} onChange={(e) => e.target.valueAsNumber >= 2 && setLevels(Math.min(8, Math.round(e.target.valueAsNumber)))} />
      </div>
      <div className="row">
        {state.status === 'running' ? (
          <>
            <button type="button" className="button secondary" onClick={() => controller.cancelConvergence()}>
              Cancel study
            </button>
            <progress value={state.done} max={state.total} aria-label="Convergence study progress" />
            <span className="hint">
              {state.done} / {state.total} runs
            </span>
          </>
        ) : (
          <button type="button" className="button primary" disabled={steppers.length === 0} onClick={run}>
            Run convergence study
          </button>
        )}
      </div>
      {state.status === 'error' && (
        <p className="hint error" role="alert">
          The study failed: {state.error}
        </p>
      )}
      {state.status === 'cancelled' && <p className="hint">Cancelled.</p>}
      <svg ref={svg} role="img" aria-label="Error against dt, log-log, per stepper" />
      {state.result && (
        <ul className="pde-orders" data-testid="convergence-orders">
          {state.result.curves.map((c) => (
            <li key={c.stepper} style={{ color: stepperColor(c.stepper) }}>
              {c.stepper}: measured order {c.order === null ? 'n/a (too few points in the asymptotic range)' : c.order.toFixed(2)} (nominal {STEPPER_INFO[c.stepper].order})
              {c.points.some((p) => p.diverged) && `; blew up at dt ≥ ${Math.min(...c.points.filter((p) => p.diverged).map((p) => p.dt)).toPrecision(3)}`}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

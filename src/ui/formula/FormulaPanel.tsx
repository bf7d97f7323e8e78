// "Update formula" (issue #11 "Teaching details"): the equations of one step of a shown solver, read off its program
// (src/core/sampling/programFormula.ts) with the coefficients filled in, rendered with KaTeX. The program is the one
// the runs execute (buildSpecProgram, float64), so the numbers are those the GPU runs in float32. KaTeX's HTML comes
// from LaTeX this module writes from numbers and fixed symbols, never from user text.

import katex from 'katex';
import 'katex/dist/katex.min.css';
import { useEffect, useMemo, useState } from 'react';
import { EmsNotCached } from '../../core/sampling/ems.ts';
import { buildSpecProgram, makeProcess } from '../../core/sampling/experiment.ts';
import { isDriven } from '../../core/sampling/program.ts';
import { stepFormula, type StepFormula } from '../../core/sampling/programFormula.ts';
import { SOLVERS, type SolverName } from '../../core/sampling/solvers.ts';
import type { SampleSpec } from '../../core/spec/spec.ts';
import { useAppStore } from '../../state/hooks.ts';
import { shownConfigurations } from '../configurations.ts';
import { reportFormulaView } from '../viewReports.ts';
import './formula.css';

type Formulae = { status: 'ready'; steps: number; formula: StepFormula } | { status: 'absent'; message: string };

/** the step's equations of `solver` under `spec` (its own options when it is the spec's solver) */
function formulae(spec: SampleSpec, solver: SolverName, step: number): Formulae {
  const solverSpec: SampleSpec = { ...spec, solver: spec.solver.name === solver ? spec.solver : { name: solver } };
  try {
    // v3's coefficients need its statistics: only when a run has cached them (never computed during a render)
    const program = buildSpecProgram(solverSpec, makeProcess(spec.process), 'cached');
    if (isDriven(program)) return { status: 'absent', message: `${SOLVERS[solver].label} chooses its steps while it runs: its coefficients exist only step by step during a run` };
    const steps = program.times.length - 1;
    return { status: 'ready', steps, formula: stepFormula(program, Math.min(step, steps - 1)) };
  } catch (error) {
    if (error instanceof EmsNotCached) return { status: 'absent', message: `${SOLVERS[solver].label}'s coefficients come from statistics computed with its first run: run it first` };
    return { status: 'absent', message: error instanceof Error ? error.message : String(error) };
  }
}

function Equation({ latex }: { latex: string }) {
  const html = useMemo(() => katex.renderToString(latex, { displayMode: true, throwOnError: false, output: 'htmlAndMathml' }), [latex]);
  return <div className="formula-equation" dangerouslySetInnerHTML={{ __html: html }} />;
}

export function FormulaPanel() {
  const spec = useAppStore((s) => s.spec);
  const configurations = shownConfigurations(spec);
  // re-read the program after a run (v3's statistics are cached by runs)
  const run = useAppStore((s) => s.run);
  // the chosen configuration, by its place in the list (the same solver may be shown twice, on two schedules)
  const [chosen, setChosen] = useState(0);
  const [step, setStep] = useState(0);
  const configuration = configurations[chosen] ?? configurations[0];
  const solver = configuration.solver;
  // its own solver options and schedule (configurations.ts)
  const shown = useMemo(() => formulae(configuration.spec, solver, step), [configuration, solver, step, run]);
  const steps = shown.status === 'ready' ? shown.steps : 0;

  useEffect(() => {
    reportFormulaView(
      shown.status === 'ready'
        ? { solver, status: 'ready', step: shown.formula.step, steps, from: shown.formula.from, to: shown.formula.to, equations: shown.formula.equations.map((e) => ({ kind: e.kind, text: e.text, coefficients: e.coefficients ?? null })) }
        : { solver, status: 'absent', step: 0, steps: 0, from: NaN, to: NaN, equations: [], message: shown.message },
    );
  });
  useEffect(() => () => reportFormulaView(null), []);

  return (
    <section className="panel formula-panel" aria-labelledby="formula-title">
      <div className="panel-head">
        <h2 id="formula-title">Update formula</h2>
        <p className="hint">One step of a solver as the engine runs it: every model evaluation and every linear combination, with this grid's coefficients.</p>
      </div>
      <div className="formula-controls">
        <label htmlFor="formula-solver">Formula of</label>
        <select id="formula-solver" value={configuration.index} onChange={(e) => setChosen(Number(e.target.value))}>
          {configurations.map((c) => (
            <option key={c.index} value={c.index}>
              {c.label}
            </option>
          ))}
        </select>
        <span className="swatch" style={{ background: configuration.color }} aria-hidden="true" />
        {shown.status === 'ready' && (
          <>
            <label htmlFor="formula-step">Step</label>
            <input id="formula-step" type="range" min={0} max={Math.max(0, steps - 1)} value={shown.formula.step} onChange={(e) => setStep(Number(e.target.value))} aria-valuetext={`step ${shown.formula.step + 1} of ${steps}`} />{' '}
            <output>
              {shown.formula.step + 1} / {steps}: t = {shown.formula.from.toPrecision(4)} → {shown.formula.to.toPrecision(4)}
            </output>
          </>
        )}
      </div>
      {shown.status === 'absent' ? (
        <p className="hint">{shown.message}</p>
      ) : (
        <div className="formula-equations" role="group" data-testid="formula-equations" aria-label={`Step ${shown.formula.step + 1} of ${SOLVERS[solver].label}`}>
          {shown.formula.equations.map((e, i) => (
            <Equation key={`${solver}-${shown.formula.step}-${i}`} latex={e.latex} />
          ))}
        </div>
      )}
      <p className="hint formula-legend">
        x<sub>i</sub>: the state at grid time t<sub>i</sub> (x<sub>0</sub> is the starting noise x<sub>T</sub>); D<sub>k</sub> (ε̂<sub>k</sub>): the k-th model evaluation, a data (noise)
        prediction; u<sub>k</sub>: an intermediate state; z<sub>k</sub>: fresh Gaussian noise (stochastic solvers); c<sub>k</sub> ⊙: a per-dimension coefficient (DPM-Solver-v3). A
        multistep solver's update reuses the evaluations of earlier steps.
      </p>
    </section>
  );
}

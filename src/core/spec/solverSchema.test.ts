// solverOptionDefault (the value a left-out numeric option takes) against what the solvers actually do: for every
// solver × numeric option, the program built without the option runs exactly like the one built with the option
// set to the returned default, and unlike one with another value (so the comparison can tell them apart).
import { describe, expect, it } from 'vitest';
import { fillNormal } from '../util/rng.ts';
import { mixtureModel } from '../sampling/experiment.ts';
import { prepareMixture } from '../sampling/gmm.ts';
import { runProgramCpu } from '../sampling/interpreter.ts';
import { VpLinearProcess } from '../sampling/process.ts';
import { targetPreset } from '../sampling/presets.ts';
import { scheduleLogSnrUniform } from '../sampling/schedules.ts';
import { SOLVERS, SOLVER_NAMES, buildSolverProgram, type GridMaker, type SolverName, type SolverSpec } from '../sampling/solvers.ts';
import { NUMERIC_SOLVER_OPTIONS, solverOptionDefault, solverOptionNames, solverSchema, type NumericSolverOption } from './solverSchema.ts';

const process = new VpLinearProcess();
const mixture = prepareMixture(targetPreset('ring8'));
const model = mixtureModel(mixture);
const context = { target: { key: 'ring8', mixture: () => mixture } };
const n = 16;
const xT = fillNormal(new Float64Array(n * 2), n, 2, 7, 0);
const logSnr: GridMaker = { start: 1, grid: (N) => scheduleLogSnrUniform(process, 1, 1e-3, N), inner: (s, t, k) => scheduleLogSnrUniform(process, s, t, k), logSnrUniform: true, end: 1e-3 };
const run = (solver: SolverSpec) => runProgramCpu(buildSolverProgram(solver, process, logSnr, { steps: 8 }, context), model, xT, { seed: 5 }).x;

/** another valid value of each option, and the other options that make it matter (churn for sTmin, sTmax, sNoise of the σ-space ODE solvers) */
function another(name: SolverName, option: NumericSolverOption, value: number): { value: number; base?: Partial<SolverSpec> } {
  if (option === 'sNoise' && SOLVERS[name].family === 'sigma') return { value: 0.5, base: { sChurn: 5 } };
  switch (option) {
    case 'order':
      return { value: value === 3 ? 2 : 3 };
    case 'sTmin':
      return { value: 1e6, base: { sChurn: 5 } };
    case 'sTmax':
      return { value: 0, base: { sChurn: 5 } };
    case 'sChurn':
      return { value: 5 };
    case 'langevinSteps':
      return { value: 2 };
    case 'emsPoints':
      return { value: 50 };
    case 'emsSamples':
      return { value: 64 };
    default:
      // eta, sNoise, rtol, atol, snr, beta: all in (0, 1] or wider
      return { value: value === 0.5 ? 0.25 : 0.5 };
  }
}

describe('solverOptionDefault is what a solver uses when the option is left out', () => {
  for (const name of SOLVER_NAMES) {
    const numeric = solverOptionNames(name).filter((o): o is NumericSolverOption => (NUMERIC_SOLVER_OPTIONS as readonly string[]).includes(o));
    for (const option of numeric) {
      it(`${name} ${option}`, () => {
        const value = solverOptionDefault(name, option)!;
        expect(typeof value).toBe('number');
        const other = another(name, option, value);
        const base = { name, ...other.base };
        const omitted = run(base);
        expect(run({ ...base, [option]: value })).toEqual(omitted);
        expect(solverSchema.safeParse({ ...base, [option]: other.value }).success).toBe(true);
        expect(run({ ...base, [option]: other.value })).not.toEqual(omitted);
        // a finite default is a value a link may hold
        if (Number.isFinite(value)) expect(solverSchema.safeParse({ name, [option]: value }).success).toBe(true);
      });
    }
  }

  it('an option the solver does not take has no default', () => {
    expect(solverOptionDefault('ddim', 'eta')).toBeUndefined();
    expect(solverOptionDefault('euler', 'beta')).toBeUndefined();
  });
});

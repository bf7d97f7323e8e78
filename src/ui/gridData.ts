// The time grid of each shown configuration, for the grid view: computed from the spec by core (float64, no
// GPU: the same buildSpecProgram the runs use), or, for solvers that choose their steps while they run (the
// adaptive ones and PC: driven programs), taken from their latest run of the current settings. DPM-Solver-v3's grid
// is snapped to its statistics, which a view never computes (tens of seconds for image targets, on the page's main
// thread): it uses the statistics a run has cached, else the grid of the latest run of these settings.

import { EmsNotCached } from '../core/sampling/ems.ts';
import { buildSpecProgram, makeProcess } from '../core/sampling/experiment.ts';
import { type Program, isDriven } from '../core/sampling/program.ts';
import { describeGrid, scheduleEndsAtZero } from '../core/sampling/schedules.ts';
import { SOLVERS, type SolverName } from '../core/sampling/solvers.ts';
import type { SampleSpec } from '../core/spec/spec.ts';

export interface ConfigurationGrid {
  solver: SolverName;
  label: string;
  /** its configuration's colour (absent for a bare solver name: the solver's) */
  color?: string;
  /** 'spec': computed from the settings; 'run': the grid the latest run chose; 'none': nothing to show yet */
  source: 'spec' | 'run' | 'none';
  /** why there is no grid, or where it came from (shown beside the legend) */
  note?: string;
  t: number[];
  sigmaTilde: number[];
  lambda: number[];
  endsAtZero: boolean;
}

/** the latest run's grid per solver, and the spec that run was made for */
export interface RunGrids {
  spec: SampleSpec | null;
  results: { solver: SolverName; times: number[]; index?: number }[];
}

/** a shown configuration (ui/configurations.ts): the spec it runs, its colour and label */
export interface GridConfiguration {
  index: number;
  solver: SolverName;
  spec: SampleSpec;
  color: string;
  label: string;
}

const emptyGrid = (solver: SolverName, note: string, label = SOLVERS[solver]?.label ?? solver, color?: string): ConfigurationGrid => ({
  solver,
  label,
  ...(color ? { color } : {}),
  source: 'none',
  note,
  t: [],
  sigmaTilde: [],
  lambda: [],
  endsAtZero: false,
});

/**
 * The grids of `solvers` under `spec`: shown configurations (each its own solver options and schedule), or bare solver
 * names (the first the spec's own, with its options; the rest with their defaults on the spec's schedule).
 */
export function configurationGrids(spec: SampleSpec, solvers: (SolverName | GridConfiguration)[], run: RunGrids): ConfigurationGrid[] {
  const process = makeProcess(spec.process);
  // the run's grids count only when they were made for exactly these settings (a run of another NFE or
  // schedule would show a grid the current settings do not produce)
  const current = run.spec !== null && JSON.stringify(run.spec) === JSON.stringify(spec);
  return solvers.map((entry, index) => {
    const configuration = typeof entry === 'string' ? undefined : entry;
    const solver = configuration?.solver ?? (entry as SolverName);
    const label = configuration?.label ?? SOLVERS[solver]?.label ?? solver;
    const color = configuration?.color;
    const solverSpec: SampleSpec = configuration?.spec ?? { ...spec, solver: index === 0 && spec.solver.name === solver ? spec.solver : { name: solver } };
    // the latest run's result of this configuration (by its index when the run has them)
    const runResult = () => (current ? run.results.find((r) => (r.index !== undefined && configuration ? r.index === configuration.index : r.solver === solver)) : undefined);
    const empty = (solverName: SolverName, note: string) => emptyGrid(solverName, note, label, color);
    let times: number[];
    let source: ConfigurationGrid['source'];
    let note: string | undefined;
    try {
      let program: Program;
      try {
        program = buildSpecProgram(solverSpec, process, 'cached');
      } catch (error) {
        if (!(error instanceof EmsNotCached)) throw error;
        const result = runResult();
        if (!result || result.times.length < 2) return empty(solver, 'snaps its grid to statistics computed with the run: shown after the run');
        const endsAtZero = scheduleEndsAtZero(solverSpec.schedule) && result.times[result.times.length - 1] === 0;
        const report = describeGrid(process, { times: result.times, endsAtZero });
        return { solver, label, ...(color ? { color } : {}), source: 'run', note: 'the grid of its latest run', t: report.t, sigmaTilde: report.sigmaTilde, lambda: report.lambda, endsAtZero };
      }
      if (isDriven(program)) {
        const result = runResult();
        if (!result || result.times.length < 2) return empty(solver, 'chooses its steps while it runs: no run of these settings yet');
        times = result.times;
        source = 'run';
        note = `steps chosen by its latest run (${result.times.length - 1})`;
      } else {
        times = program.times;
        source = 'spec';
      }
    } catch (error) {
      // e.g. a budget below one step of this solver (RK4 with 2 NFE): the message says why
      return empty(solver, error instanceof Error ? error.message : String(error));
    }
    // a grid ending at σ = 0 has t_N = 0 standing for the data (describeGrid gives λ = +∞, σ̃ = 0 there)
    const endsAtZero = scheduleEndsAtZero(solverSpec.schedule) && times[times.length - 1] === 0;
    const report = describeGrid(process, { times, endsAtZero });
    return { solver, label, ...(color ? { color } : {}), source, note, t: report.t, sigmaTilde: report.sigmaTilde, lambda: report.lambda, endsAtZero };
  });
}

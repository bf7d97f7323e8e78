// What the quality and grid views last drew, for the page's test hook (`window.stepscope.views()`): each view
// reports after it renders, so a test can check that the view shows the current data (issue 11, "each view
// reports that it rendered the current data"). Plain data, kept outside the store so that reporting does not
// re-render anything.

import type { SolverName } from '../core/sampling/solvers.ts';
import type { SampleSpec } from '../core/spec/spec.ts';
import type { ClaimChartReport } from '../views/claimChart.ts';
import type { GridChartReport, GridQuantity } from '../views/gridChart.ts';
import type { QualityChartReport } from '../views/qualityChart.ts';
import type { ConfigurationGrid } from './gridData.ts';

export interface QualityViewReport {
  /** the metric shown (QualityMetricId) and its axis title */
  metric: string;
  title: string;
  /** values are the metric × scale */
  scale: number;
  currentNfe: number;
  /** the sweep the chart shows */
  sweep: { status: string; n: number; nfes: number[]; seeds: number[] | null };
  curves: (Omit<QualityChartReport['curves'][number], 'slope'> & { slope: number | null; slopeNfes: number[] })[];
  /** the shaded 95% bands drawn, one per curve that has one */
  bands: { solver: string; vertices: number }[];
  nullBand: QualityChartReport['nullBand'];
  /** the live run's rings drawn (none when its n differs from the sweep's and the metric depends on n) */
  live: QualityChartReport['live'];
}

export interface GridViewReport {
  configurations: (Pick<ConfigurationGrid, 'solver' | 'label' | 'source' | 'note' | 'endsAtZero'> & {
    steps: number;
    t: number[];
    sigma: number[];
    lambda: number[];
  })[];
  /** points drawn per panel and solver (pinned: on the panel's edge, e.g. λ = +∞ at σ = 0) */
  points: Record<GridQuantity, { solver: SolverName | string; points: number; pinned: number }[]>;
}

/** the BOSS view (issue 4): what it drew, null while the schedule is not boss */
export interface BossViewReport {
  status: 'pending' | 'ready' | 'error';
  message?: string;
  kMax: number;
  K: number;
  samples: number;
  solver: string;
  indices: number[];
  uniformIndices: number[];
  times: number[];
  uniformTimes: number[];
  optimalCost: number;
  uniformCost: number;
  /** heatmap cells coloured (positive cost) and drawn white (zero: the teacher's own steps), the colour domain */
  cells: { coloured: number; zero: number; domain: [number, number] };
  /** vertices of the drawn staircases and bars per grid */
  pathVertices: number;
  uniformVertices: number;
  bars: number;
}

/** the first, last, smallest and largest value of a curve (mean over dimensions) and its band's extremes */
export interface EmsCurveReport {
  first: number;
  last: number;
  min: number;
  max: number;
  bandMin: number;
  bandMax: number;
  finite: boolean;
  drawnPoints: number;
}

/** the DPM-Solver-v3 statistics view (issue 11 view 6): null while the solver is not dpm-solver-v3 */
export interface V3ViewReport {
  status: 'pending' | 'absent' | 'ready' | 'error';
  message?: string;
  /** N_ems + 1 grid points, d dimensions, λ at the ends */
  points: number;
  dims: number;
  lambda: [number, number];
  l: EmsCurveReport;
  s: EmsCurveReport;
  b: EmsCurveReport;
}

/** the paper-claims panel (issue 4): the claim shown, its run, the values drawn and the verdict */
export interface ClaimViewReport {
  id: string;
  status: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
  done: number;
  total: number;
  metric: string;
  axis: number[];
  series: { label: string; values: number[] }[];
  holds: boolean | null;
  checks: { text: string; holds: boolean }[];
  chart: ClaimChartReport;
}

/** a lesson (issue #8): what it claims, and per figure its status, measured values, the numbers shown, and checks */
export interface LessonViewReport {
  /** null when a malformed file is shown as its error */
  id: string | null;
  fileName: string;
  error: string | null;
  title?: string;
  claim?: string;
  source?: string;
  figures: {
    status: 'waiting' | 'running' | 'done' | 'cancelled' | 'error';
    axis: number[];
    labels: string[];
    metrics: string[];
    /** per metric: [series][axis index], null while not measured */
    values: { metric: string; series: (number | null)[][] }[];
    /** the table's text, [metric][series][axis index] */
    shown: string[][][];
    checks: { text: string; holds: boolean }[];
    holds: boolean | null;
  }[];
}

/** the update-formula panel (issue #11): one step of one solver, the equations as text with their coefficients */
export interface FormulaViewReport {
  solver: string;
  status: 'ready' | 'absent';
  step: number;
  steps: number;
  from: number;
  to: number;
  equations: { kind: 'eval' | 'combine'; text: string; coefficients: number[] | null }[];
  message?: string;
}

/**
 * the per-step error view (issue #11 view 4; core/sampling/stepErrors.ts has the definition): the solver shown, the
 * spec it ran (its seed), the bars drawn (e_0 … e_{N−1}) and the global error line
 */
export interface StepErrorViewReport {
  status: 'pending' | 'running' | 'ready' | 'error';
  message?: string;
  solver: string;
  label: string;
  /** the spec the numbers are of (the solver's live-run spec, solverRuns.ts) and its seed */
  spec: SampleSpec;
  seed: number;
  steps: number;
  particles: number;
  /** e_i as computed, and what the chart drew (bars, their heights in data units, the global line) */
  values: number[];
  times: number[];
  global: number | null;
  stochastic: boolean;
  scale: 'linear' | 'log';
  bars: number;
  drawn: number[];
  globalLine: boolean;
}

/** the training lab (issue #7): the settings, each optimizer's run, and what the loss chart drew */
export interface TrainViewReport {
  status: 'idle' | 'running' | 'done';
  form: Record<string, unknown>;
  runs: {
    optimizer: string;
    status: string;
    steps: number;
    firstLoss: number | null;
    final: number | null;
    last100: number | null;
    validation: number | null;
    wallMs: number | null;
    skippedSteps: number | null;
    message: string | null;
  }[];
  chart: { x: 'steps' | 'wall'; drawn: { label: string; points: number; last: number | null }[] } | null;
  problem: string | null;
}

/** the training lab's field view (issue #7 part 1): which run's parameters (and after how many steps) it drew at τ */
export interface TrainFieldViewReport {
  run: string;
  step: number;
  tau: number;
  arrows: number;
  relativeError: number;
}

/** the online-vs-offline surrogate panel of the training lab (issue #7 part 3) */
export interface SurrogateViewReport {
  status: string;
  input: Record<string, unknown>;
  identityRelL2: number | null;
  arms: { arm: string; points: { samplesSeen: number; uniqueSamples: number; heldOutRelL2: number }[] }[];
  problem: string | null;
  message: string | null;
}

/** the BOSS straightening panel of the training lab (issue #7 part 4): settings, the Bellman steps and the before/after rows */
export interface BossStraightenViewReport {
  status: string;
  teacher: string | null;
  spec: Record<string, unknown> | null;
  progress: { step: number; total: number } | null;
  indices: number[] | null;
  times: number[] | null;
  heldOutLoss: { before: number; after: number } | null;
  nullMmd2: number | null;
  rows: { row: string; steps: number; mmd2: number; rmse: number }[];
  problem: string | null;
  message: string | null;
}

interface Reports {
  bossStraighten: BossStraightenViewReport | null;
  surrogate: SurrogateViewReport | null;
  train: TrainViewReport | null;
  trainField: TrainFieldViewReport | null;
  stepErrors: StepErrorViewReport | null;
  formula: FormulaViewReport | null;
  lesson: LessonViewReport | null;
  quality: QualityViewReport | null;
  grid: GridViewReport | null;
  boss: BossViewReport | null;
  v3: V3ViewReport | null;
  claim: ClaimViewReport | null;
}

const reports: Reports = { bossStraighten: null, surrogate: null, train: null, trainField: null, stepErrors: null, formula: null, lesson: null, quality: null, grid: null, boss: null, v3: null, claim: null };

export function reportSurrogateView(report: SurrogateViewReport | null): void {
  reports.surrogate = report;
}

export function reportBossStraightenView(report: BossStraightenViewReport | null): void {
  reports.bossStraighten = report;
}

export function reportTrainView(report: TrainViewReport | null): void {
  reports.train = report;
}

export function reportTrainFieldView(report: TrainFieldViewReport | null): void {
  reports.trainField = report;
}

export function reportFormulaView(report: FormulaViewReport | null): void {
  reports.formula = report;
}

export function reportStepErrorView(report: StepErrorViewReport | null): void {
  reports.stepErrors = report;
}

export function reportLessonView(report: LessonViewReport | null): void {
  reports.lesson = report;
}

export function reportClaimView(report: ClaimViewReport | null): void {
  reports.claim = report;
}

export function reportBossView(report: BossViewReport | null): void {
  reports.boss = report;
}

export function reportV3View(report: V3ViewReport | null): void {
  reports.v3 = report;
}

export function reportQualityView(report: QualityViewReport): void {
  reports.quality = report;
}

export function reportGridView(report: GridViewReport): void {
  reports.grid = report;
}

export function gridReportFrom(configurations: ConfigurationGrid[], panels: GridChartReport[]): GridViewReport {
  const points = { t: [], sigma: [], lambda: [] } as GridViewReport['points'];
  for (const panel of panels) points[panel.quantity] = panel.series;
  return {
    configurations: configurations.map((c) => ({
      solver: c.solver,
      label: c.label,
      source: c.source,
      note: c.note,
      endsAtZero: c.endsAtZero,
      steps: Math.max(0, c.t.length - 1),
      t: c.t,
      sigma: c.sigmaTilde,
      lambda: c.lambda,
    })),
    points,
  };
}

/** a copy of the latest reports (JSON-safe: λ = +∞ becomes null in a JSON round trip, kept as Infinity here) */
export function viewReports(): Reports {
  return structuredClone(reports);
}

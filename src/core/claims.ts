// The papers' claims as one-click experiments (issue 4, specs §18): each claim is a set of labelled series of
// sample specs over one axis (NFE, or a schedule parameter at fixed NFE), the metric that decides it, and the checks
// that say whether this run reproduced it. The same catalogue drives `stepscope claim ID` and the app's "Paper claims"
// panel; the runner is src/engine/claims.ts. Every spec here is validated by parseSpec like any user's.

import { THREE_COMPONENT_GMM } from './sampling/presets.ts';
import type { ComponentGuidance } from './sampling/guidance.ts';
import { parseSpec, type SampleSpec } from './spec/spec.ts';

/** what a claim is measured with: RunMetrics' same-noise RMSE, MMD², FD-RF, and the guidance artifact metric */
export type ClaimMetric = 'rmse' | 'mmd2' | 'fdRf' | 'outside' | 'nearest';

export const CLAIM_METRIC_LABELS: Record<ClaimMetric, string> = {
  rmse: 'same-noise RMSE',
  mmd2: 'MMD²',
  fdRf: 'FD-RF',
  outside: 'mass outside the support',
  nearest: 'mean distance to the nearest training point',
};

export interface ClaimSeries {
  label: string;
  /** the spec at axis value x */
  at(x: number): SampleSpec;
  /** guided runs (the momentum stress setting): measured by guidedOutsideMass on the float64 CPU engine */
  guidance?: ComponentGuidance;
}

/** measured values: values[series][axis index][metric] (NaN where a metric was not measured) */
export type ClaimValues = Record<ClaimMetric, number>[][];

export interface ClaimCheck {
  text: string;
  holds: boolean;
}

export interface Claim {
  id: string;
  title: string;
  /** the paper and what it says, in a sentence */
  paper: string;
  /** where the method and the claim are specified (the spec section and the official code) */
  source: string;
  /** what this experiment shows when the claim reproduces */
  statement: string;
  axis: { label: string; values: number[]; log: boolean };
  series: ClaimSeries[];
  /** measured at every point; the first is the one the chart draws */
  metrics: ClaimMetric[];
  /** measured wall time of the float64 CPU run on a 2-core machine, where it is long enough to warn about */
  cpuTime?: string;
  /** FD-RF's reference statistics size for image claims (the same on every backend, so results agree) */
  fdReferenceSamples?: number;
  /** the training points `nearest` measures against (a dataset target's points; lessons, src/core/lessons) */
  nearestTo?: number[][];
  checks(values: ClaimValues): ClaimCheck[];
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toPrecision(3) : String(v));

/** `a` strictly below `b` in `metric` at every axis value listed */
function below(claim: Pick<Claim, 'axis' | 'series'>, values: ClaimValues, metric: ClaimMetric, a: number, b: number, at: number[]): ClaimCheck[] {
  const unit = claim.axis.label;
  return at.map((x) => {
    const i = claim.axis.values.indexOf(x);
    const [va, vb] = [values[a][i][metric], values[b][i][metric]];
    return {
      text: `${unit} ${x}: ${claim.series[a].label} ${fmt(va)} < ${claim.series[b].label} ${fmt(vb)} (${CLAIM_METRIC_LABELS[metric]})`,
      holds: va < vb,
    };
  });
}

/**
 * A clear optimum along the axis: the smallest value is at an interior point, and both ends lie above it by at least
 * a fifth of their own size (end − min ≥ 0.2·|end|), so the dip is not sampling noise on a flat curve.
 */
function interiorOptimum(claim: Pick<Claim, 'axis' | 'series'>, values: ClaimValues, metric: ClaimMetric, s: number): ClaimCheck {
  const v = values[s].map((row) => row[metric]);
  const best = v.reduce((arg, value, i) => (value < v[arg] ? i : arg), 0);
  const [first, last] = [v[0], v[v.length - 1]];
  const clear = (end: number) => end - v[best] >= 0.2 * Math.abs(end);
  return {
    text: `${claim.series[s].label}: optimum at ${claim.axis.label} = ${claim.axis.values[best]} (${fmt(v[best])}), ends ${fmt(first)} and ${fmt(last)}`,
    holds: best > 0 && best < v.length - 1 && clear(first) && clear(last),
  };
}

/** a spec from the defaults and `fields` (validated: a catalogue typo fails the tests, not a user) */
const spec = (fields: Record<string, unknown>): SampleSpec => parseSpec({ version: 1, kind: 'sample', ...fields });

// ----------------------------------------------------------------------------------------- the claims

const gmm3 = { type: 'gmm', ...THREE_COMPONENT_GMM };
const v3Base = { process: { type: 'vp-linear' }, target: gmm3, schedule: { type: 'logsnr' }, tEnd: 1e-3, n: 4096, seed: 0 };

const v3Gmm: Claim = {
  id: 'v3-gmm',
  title: 'DPM-Solver-v3 beats DPM-Solver++(3M) and UniPC at 6 and 8 NFE',
  paper: 'DPM-Solver-v3 (Zheng et al. 2023): empirical model statistics make a better multistep solver at 5–10 NFE (CIFAR-10 FID 12.21 at 5 NFE).',
  source: 'specs/samplers.md §6, §18.6; thu-ml/DPM-Solver-v3 dpm_solver_v3.py',
  statement: 'On the 2D three-component GMM (VP-linear, log-SNR grid, t_end = 1e-3), DPM-Solver-v3 of order 3 (N_ems = 200, K = 4096) has a lower same-noise RMSE than DPM-Solver++(3M) and UniPC-bh2 at 6 and 8 NFE.',
  axis: { label: 'NFE', values: [5, 6, 8, 10], log: true },
  series: [
    { label: 'DPM-Solver-v3', at: (nfe) => spec({ ...v3Base, solver: { name: 'dpm-solver-v3', emsPoints: 200, emsSamples: 4096 }, nfe }) },
    { label: 'DPM-Solver++(3M)', at: (nfe) => spec({ ...v3Base, solver: { name: 'dpmpp-3m' }, nfe }) },
    { label: 'UniPC-bh2', at: (nfe) => spec({ ...v3Base, solver: { name: 'unipc', variant: 'bh2' }, nfe }) },
  ],
  metrics: ['rmse', 'mmd2'],
  cpuTime: '1 minute',
  checks: (values) => [...below(v3Gmm, values, 'rmse', 0, 1, [6, 8]), ...below(v3Gmm, values, 'rmse', 0, 2, [6, 8])],
};

const bossSeries = (fields: Record<string, unknown>): ClaimSeries[] => [
  { label: 'Euler, Bellman steps', at: (nfe) => spec({ ...fields, schedule: { type: 'boss' }, nfe }) },
  { label: 'Euler, uniform steps', at: (nfe) => spec({ ...fields, schedule: { type: 'time-uniform' }, nfe }) },
];

const bossFlowBase = { process: { type: 'flow' }, target: { type: 'preset', name: 'ring8' }, solver: { name: 'flow-euler' }, n: 1024, seed: 0 };
const bossFlow: Claim = {
  id: 'boss-flow',
  title: 'BOSS: Bellman-optimal steps beat uniform Euler at 4, 6, 8 NFE',
  paper: 'BOSS (Nguyen et al. 2023): the K steps chosen by dynamic programming on one-jump errors against a fine teacher beat uniform Euler steps on every dataset at 4/6/8 NFE.',
  source: 'specs/samplers.md §14, §18.1; nguyenngocbaocmt02/BOSS sampling.py get_bellman_disc',
  statement: 'On the flow process with ring8 and Euler, the Bellman grid (K_max = 100, 256 teacher samples) has lower same-noise RMSE and lower MMD² than the uniform grid at 4, 6 and 8 NFE.',
  axis: { label: 'NFE', values: [4, 6, 8], log: true },
  series: bossSeries(bossFlowBase),
  metrics: ['rmse', 'mmd2'],
  checks: (values) => [...below(bossFlow, values, 'rmse', 0, 1, [4, 6, 8]), ...below(bossFlow, values, 'mmd2', 0, 1, [4, 6, 8])],
};

const bossGlyphsBase = { process: { type: 'flow' }, target: { type: 'glyphs16' }, solver: { name: 'flow-euler' }, n: 4096, seed: 0 };
const bossGlyphs: Claim = {
  id: 'boss-glyphs',
  title: 'BOSS on 16×16 digit images: lower FD-RF at 4, 6, 8 NFE',
  paper: 'BOSS (Nguyen et al. 2023): Bellman steps lower FID against uniform Euler at low NFE.',
  source: 'specs/samplers.md §14, §17.3b; nguyenngocbaocmt02/BOSS',
  statement: 'On glyphs16 (256-D) with the flow process and Euler, the Bellman grid has a lower FD-RF than the uniform grid at 4, 6 and 8 NFE (FD-RF references from 4096 exact samples).',
  axis: { label: 'NFE', values: [4, 6, 8], log: true },
  series: bossSeries(bossGlyphsBase),
  metrics: ['fdRf', 'rmse'],
  fdReferenceSamples: 4096,
  cpuTime: '7 minutes',
  checks: (values) => below(bossGlyphs, values, 'fdRf', 0, 1, [4, 6, 8]),
};

const flowBase = { process: { type: 'flow' }, target: { type: 'preset', name: 'ring8' }, n: 1024, seed: 0 };
const flowShift: Claim = {
  id: 'flow-shift',
  title: 'The SD3/Lumina time shift has an optimum at 5 and 10 NFE',
  paper: 'Lumina-Next (Zhuo et al. 2024) and SD3 (Esser et al. 2024): a shifted time grid t′ = s·t/(1 + (s − 1)·t) decides quality at 5–10 steps; Lumina-Next samples with the midpoint solver on it.',
  source: 'specs/samplers.md §3.7, §13.3; Alpha-VLLM/Lumina-T2X Next-DiT sample.py',
  statement: 'On flow · ring8, MMD² against the shift s has a clear interior optimum for Euler at 5 and 10 NFE and for Lumina-Next’s midpoint setting at 10 NFE. On this 2D toy it lies at s < 1 (more steps near the data), where image models use s > 1.',
  axis: { label: 'shift s', values: [0.125, 0.25, 0.5, 1, 2, 4], log: true },
  series: [
    { label: 'Euler, 5 NFE', at: (s) => spec({ ...flowBase, solver: { name: 'flow-euler' }, schedule: { type: 'shift', s }, nfe: 5 }) },
    { label: 'Euler, 10 NFE', at: (s) => spec({ ...flowBase, solver: { name: 'flow-euler' }, schedule: { type: 'shift', s }, nfe: 10 }) },
    { label: 'midpoint (Lumina-Next), 10 NFE', at: (s) => spec({ ...flowBase, solver: { name: 'flow-midpoint' }, schedule: { type: 'shift', s }, nfe: 10 }) },
  ],
  metrics: ['mmd2', 'rmse'],
  checks: (values) => flowShift.series.map((_, s) => interiorOptimum(flowShift, values, 'mmd2', s)),
};

const flowSigmoid: Claim = {
  id: 'flow-sigmoid',
  title: 'Sigmoid-spaced steps have an optimal steepness at 5 and 10 NFE',
  paper: 'Lumina-Next (Zhuo et al. 2024) reports a sigmoid time discretisation for 5–10 steps but does not publish its formula: this grid is Stepscope’s own sigmoid spacing (dense at both ends), not Lumina-Next’s.',
  source: 'specs/samplers.md §3.7, §13.3',
  statement: 'On flow · ring8 with Euler, MMD² against the steepness a of the sigmoid spacing has a clear interior optimum at 5 and 10 NFE.',
  axis: { label: 'steepness a', values: [0.25, 0.5, 1, 2, 4, 8], log: true },
  series: [5, 10].map((nfe) => ({ label: `Euler, ${nfe} NFE`, at: (a: number) => spec({ ...flowBase, solver: { name: 'flow-euler' }, schedule: { type: 'sigmoid', a }, nfe }) })),
  metrics: ['mmd2', 'rmse'],
  checks: (values) => flowSigmoid.series.map((_, s) => interiorOptimum(flowSigmoid, values, 'mmd2', s)),
};

const guidedBase = { process: { type: 'vp-linear' }, target: { type: 'preset', name: 'ring8' }, schedule: { type: 'time-uniform' }, tEnd: 1e-3, n: 2048, seed: 0 };
const guided = (label: string, solver: Record<string, unknown>, w: number): ClaimSeries => ({ label, guidance: { w, component: 0 }, at: (nfe) => spec({ ...guidedBase, solver, nfe }) });
const momentum: Claim = {
  id: 'momentum-guidance',
  title: 'Heavy-Ball momentum reduces divergence artifacts under strong guidance',
  paper: 'Momentum samplers (Wizadwongsa et al. 2023): Heavy Ball on PLMS and DPM-Solver++(2M) (β < 1) has fewer divergence artifacts at low NFE and high guidance.',
  source: 'specs/samplers.md §11, §18.4 item 4; sWizad/momentum-diffusion momentum_scheduler.py',
  statement: 'Classifier-free guidance from ring8 toward its mode 0 (w = 4 for PLMS, 5 for DPM-Solver++(2M); VP-linear, time-uniform grid): the mass outside mode 0’s 4σ ball falls with β = 0.6 against β = 1 (the plain solver) at 5–8 NFE. Guided runs use the float64 CPU engine.',
  axis: { label: 'NFE', values: [5, 6, 7, 8], log: false },
  series: [
    guided('PLMS + HB β = 0.6 (w = 4)', { name: 'plms-hb', beta: 0.6 }, 4),
    guided('PLMS, β = 1 (w = 4)', { name: 'plms-hb', beta: 1 }, 4),
    guided('DPM-Solver++(2M) + HB β = 0.6 (w = 5)', { name: 'dpmpp-2m-hb', beta: 0.6 }, 5),
    guided('DPM-Solver++(2M), β = 1 (w = 5)', { name: 'dpmpp-2m-hb', beta: 1 }, 5),
  ],
  metrics: ['outside'],
  checks: (values) => [...below(momentum, values, 'outside', 0, 1, [5, 6, 7, 8]), ...below(momentum, values, 'outside', 2, 3, [5, 6, 7, 8])],
};

export const CLAIMS: readonly Claim[] = [v3Gmm, bossFlow, bossGlyphs, flowShift, flowSigmoid, momentum];

export function findClaim(id: string): Claim {
  const claim = CLAIMS.find((c) => c.id === id);
  if (!claim) throw new RangeError(`claim: got '${id}'; allowed: ${CLAIMS.map((c) => c.id).join(', ')}`);
  return claim;
}

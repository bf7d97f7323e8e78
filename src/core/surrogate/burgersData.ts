// Training pairs for the PDE surrogate (training.md §3.4, §5.2): trajectories of 1D viscous Burgers,
// u_t + u u_x = ν u_xx on a periodic box, from seeded random initial conditions and viscosities, cut into pairs
// (u(t), ν) → u(t + Δt). The solver is the PDE engine's float64 CpuPdeSolver (core/pde/run.ts) with its Burgers
// equation (core/pde/equations.ts) and random truncated Fourier IC (core/pde/fields.ts randomFourierField).
//
// Why Burgers, not KS: the spec's only surrogate setup is Burgers (§4.7 b: N = 64, ν ~ U(0.01, 0.05), Δt = 0.05,
// residual target, relative L2 on held-out pairs), and §3.4 feeds the PDE parameter ν to the net; 1D KS has no
// parameter in the engine and is chaotic, so one-step pairs from it say less about data diversity.
//
// Simulation identity: (seed, stream, index). The training simulations (both arms) and the validation simulations
// use separate RNG streams, so the validation set comes from independent simulations (§5.2, §5.4, §8 item 3).

import { EQUATIONS } from '../pde/equations.ts';
import { randomFourierField } from '../pde/fields.ts';
import { CpuPdeSolver, preparePdeProblem } from '../pde/run.ts';
import type { StepperName } from '../pde/steppers.ts';
import { randomBits, uniformOpen } from '../util/rng.ts';

export interface BurgersDataConfig {
  /** grid points N (the surrogate's grid too) */
  n: number;
  /** box length; x_j = j·L/N */
  length: number;
  /** ν ~ U(min, max) per simulation (§4.7 b: 0.01–0.05) */
  nuRange: [number, number];
  /** IC: random truncated Fourier series with modes 1..cutoff (§4.7 b uses k = 1..4) */
  icCutoff: number;
  /** IC: max |u₀| ~ U(min, max) per simulation */
  icAmplitudeRange: [number, number];
  /** solver time step */
  dt: number;
  /** solver steps per pair: Δt = stride · dt (§5.2's sample stride) */
  stride: number;
  /** pairs per simulation (§5.2 offline: 16), so T_sim = pairsPerSimulation · Δt */
  pairsPerSimulation: number;
  stepper: StepperName;
}

/** N = 64 on [0, 1), ν ∈ [0.01, 0.05], Δt = 0.05 (§4.7 b) from 10 ETDRK4 steps of 5·10⁻³, 16 pairs per simulation */
export const BURGERS_DATA_DEFAULTS: BurgersDataConfig = {
  n: 64,
  length: 1,
  nuRange: [0.01, 0.05],
  icCutoff: 4,
  icAmplitudeRange: [0.5, 1],
  dt: 5e-3,
  stride: 10,
  pairsPerSimulation: 16,
  stepper: 'etdrk4',
};

/** RNG streams of the surrogate experiment (40–49; core/train has 30–39) */
export const SURROGATE_STREAMS = {
  /** FNO init (fno.ts) */
  init: 40,
  /** training simulations' ν, amplitude and IC seed (offline dataset and online stream alike) */
  trainingSimulations: 41,
  /** validation simulations: a stream of their own, so never the same simulations as training */
  validationSimulations: 42,
  /** the reservoir's read draws (§5.3 res_get) */
  reservoirRead: 43,
  /** the offline arm's per-epoch permutations */
  offlinePermutation: 44,
} as const;

export interface SimulationParameters {
  /** which stream and index it is: its identity */
  stream: number;
  index: number;
  nu: number;
  amplitude: number;
  /** seed of randomFourierField */
  icSeed: number;
}

export function simulationParameters(config: BurgersDataConfig, seed: number, stream: number, index: number): SimulationParameters {
  const [w0, w1] = randomBits(seed, stream, index, 0, 0);
  const [w2] = randomBits(seed, stream, index, 0, 1);
  const [nuLo, nuHi] = config.nuRange;
  const [aLo, aHi] = config.icAmplitudeRange;
  return { stream, index, nu: nuLo + (nuHi - nuLo) * uniformOpen(w0), amplitude: aLo + (aHi - aLo) * uniformOpen(w1), icSeed: w2 };
}

/** the net's parameter input p̃ = (ν − ν̄)/ν_scale with the range's midpoint and half-width (§3.4) */
export function normalisedParameter(config: BurgersDataConfig, nu: number): number {
  const [lo, hi] = config.nuRange;
  const half = 0.5 * (hi - lo);
  return half > 0 ? (nu - 0.5 * (lo + hi)) / half : 0;
}

/** One running simulation: emits a pair (u(t), u(t + Δt)) per `advance()` until `done`. */
export class BurgersSimulation {
  readonly parameters: SimulationParameters;
  /** pairs emitted so far */
  emitted = 0;
  /** u(t) on the grid */
  current: Float64Array;
  private readonly solver: CpuPdeSolver;
  private readonly config: BurgersDataConfig;

  constructor(config: BurgersDataConfig, parameters: SimulationParameters) {
    this.config = config;
    this.parameters = parameters;
    const grid = { n: [config.n], length: [config.length] };
    const problem = preparePdeProblem({ equation: EQUATIONS.burgers, params: { nu: parameters.nu }, grid, stepper: config.stepper, dt: config.dt });
    const u0 = randomFourierField(grid, 1, parameters.icSeed, config.icCutoff, parameters.amplitude);
    this.solver = new CpuPdeSolver(problem, u0);
    this.current = realPart(u0);
  }

  get done(): boolean {
    return this.emitted >= this.config.pairsPerSimulation;
  }

  /** advances Δt; returns [u(t), u(t + Δt)] and moves `current` on */
  advance(): [Float64Array, Float64Array] {
    const before = this.current;
    this.solver.advance(this.config.stride);
    this.current = realPart(this.solver.physical());
    this.emitted++;
    return [before, this.current];
  }
}

function realPart(interleaved: Float64Array): Float64Array {
  const out = new Float64Array(interleaved.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = interleaved[2 * i];
  return out;
}

/** A flat set of pairs: u (count × N), ν (count), u′ (count × N), and each pair's simulation identity. */
export interface PairSet {
  n: number;
  count: number;
  inputs: Float64Array;
  nus: Float64Array;
  targets: Float64Array;
  /** simulation stream and index of every pair (for the disjointness check of §7 item 8) */
  simulationStream: Uint32Array;
  simulationIndex: Uint32Array;
}

/** all pairs of `simulations` consecutive simulations of one stream, starting at index `first` */
export function generatePairs(config: BurgersDataConfig, seed: number, stream: number, first: number, simulations: number): PairSet {
  const { n, pairsPerSimulation: per } = config;
  const count = simulations * per;
  const set: PairSet = {
    n,
    count,
    inputs: new Float64Array(count * n),
    nus: new Float64Array(count),
    targets: new Float64Array(count * n),
    simulationStream: new Uint32Array(count),
    simulationIndex: new Uint32Array(count),
  };
  let p = 0;
  for (let s = 0; s < simulations; s++) {
    const sim = new BurgersSimulation(config, simulationParameters(config, seed, stream, first + s));
    while (!sim.done) {
      const [u, next] = sim.advance();
      set.inputs.set(u, p * n);
      set.targets.set(next, p * n);
      set.nus[p] = sim.parameters.nu;
      set.simulationStream[p] = stream;
      set.simulationIndex[p] = first + s;
      p++;
    }
  }
  return set;
}

/**
 * The held-out relative L2 of §5.4 (NO LpLoss.rel, p = 2, reduction 'mean'):
 * (1/|V|) Σ ‖û′ − u′‖₂ / (‖u′‖₂ + 10⁻⁸), over predictions û′ (count × N) of the targets u′.
 */
export function meanRelativeL2(predictions: Float64Array, targets: Float64Array, n: number): number {
  const count = targets.length / n;
  let sum = 0;
  for (let i = 0; i < count; i++) {
    let num = 0;
    let den = 0;
    for (let j = 0; j < n; j++) {
      const t = targets[i * n + j];
      const d = predictions[i * n + j] - t;
      num += d * d;
      den += t * t;
    }
    sum += Math.sqrt(num) / (Math.sqrt(den) + 1e-8);
  }
  return sum / count;
}

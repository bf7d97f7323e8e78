// The online-versus-offline surrogate experiment (issue 7 part 3; training.md §5.2–§5.4), float64 CPU path.
//
// Arms (same network, same init seed, same optimizer and hyperparameters, same batch B and step budget, §5.4
// "fairness checklist"):
//   offline        S simulations generated once before training (their time is the arm's setup offset); batches are
//                  consecutive slices of a fresh random permutation per epoch (§5.2 OFFLINE), straddling epochs.
//   online         E simulations run by the PDE solver while training; every `emitEvery` training steps each one
//                  advances Δt and emits one pair into the Reservoir (§5.3), which serves the batches; a simulation
//                  that has emitted its T_sim/Δt pairs restarts with a new IC and ν (a new Melissa client, §5.2);
//                  no step before fill ≥ watermark; back-pressure (staged pairs, the solver skips its advance) when the
//                  buffer is full of unseen pairs.
//   online-fresh   (optional teaching contrast, §5.2) no buffer: B simulations advance every step and the batch is
//                  exactly their B newest pairs.
// Metric (§5.4): the mean relative L2 of û(t+Δt) = u + r̂ on a validation set from independent simulations (its own
// RNG stream, never put in any training buffer), at step 0 and every `evalEvery` steps, so at the same samples seen
// (steps·B) in every arm. Also recorded: unique samples, wall time (training plus, online, solver time; evaluation
// time excluded, as the GPU path reads its metric asynchronously), solver and trainer throughput.

import { type OptimizerConfig, SURROGATE_OPTIMIZER_DEFAULTS, createOptimizer } from '../train/optimizers.ts';
import { randomBits } from '../util/rng.ts';
import {
  BURGERS_DATA_DEFAULTS,
  type BurgersDataConfig,
  BurgersSimulation,
  type PairSet,
  SURROGATE_STREAMS,
  generatePairs,
  meanRelativeL2,
  normalisedParameter,
  simulationParameters,
} from './burgersData.ts';
import { FNO_SURROGATE_DEFAULTS, type SurrogateModel, type SurrogateModelConfig, createSurrogateModel } from './models.ts';
import { Reservoir, type ReservoirStatistics } from './reservoir.ts';

export type SurrogateArm = 'offline' | 'online' | 'online-fresh';
export const SURROGATE_ARMS: readonly SurrogateArm[] = ['offline', 'online', 'online-fresh'];

export interface SurrogateExperimentConfig {
  seed: number;
  data: BurgersDataConfig;
  model: SurrogateModelConfig;
  /** default: Adam with the §4.6 surrogate column (η 10⁻³, β (0.9, 0.999), ϵ 10⁻⁸) */
  optimizer: OptimizerConfig;
  /** B */
  batch: number;
  /** training steps per arm (samples seen = steps·B) */
  steps: number;
  /** M: held-out evaluation every M steps (and at step 0 and the last step) */
  evalEvery: number;
  /** S: the offline dataset's simulations (§5.2 default 32, 16 pairs each = 512 pairs) */
  offline: { simulations: number };
  /**
   * E concurrent simulations; C reservoir capacity; W watermark (default max(4B, 2E), §5.3); one emit of E pairs
   * every `emitEvery` training steps (the "solver steps per train step" knob of §6)
   */
  online: { ensemble: number; capacity: number; watermark?: number; emitEvery: number };
  /** validation simulations (§5.2: 64, i.e. 1024 pairs) */
  validation: { simulations: number };
  arms: SurrogateArm[];
}

export type SurrogateExperimentInput = Partial<Omit<SurrogateExperimentConfig, 'data' | 'offline' | 'online' | 'validation'>> & {
  data?: Partial<BurgersDataConfig>;
  offline?: Partial<SurrogateExperimentConfig['offline']>;
  online?: Partial<SurrogateExperimentConfig['online']>;
  validation?: Partial<SurrogateExperimentConfig['validation']>;
};

/** §5.2/§5.3 defaults scaled to a CPU: B 32, 2000 steps, M 100, S 32, E 16, C 1024, 64 validation simulations */
export const SURROGATE_EXPERIMENT_DEFAULTS: SurrogateExperimentConfig = {
  seed: 0,
  data: BURGERS_DATA_DEFAULTS,
  model: FNO_SURROGATE_DEFAULTS,
  optimizer: SURROGATE_OPTIMIZER_DEFAULTS.adam,
  batch: 32,
  steps: 2000,
  evalEvery: 100,
  offline: { simulations: 32 },
  online: { ensemble: 16, capacity: 1024, emitEvery: 1 },
  validation: { simulations: 64 },
  arms: ['offline', 'online'],
};

function fail(field: string, value: unknown, allowed: string): never {
  throw new Error(`surrogate experiment: ${field} = ${JSON.stringify(value)}; ${allowed}`);
}
function integerAtLeast(field: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) fail(field, value, `must be an integer ≥ ${min}`);
}

/** Fills defaults and checks every field (a clear message naming the field, its value and the allowed range). */
export function resolveSurrogateExperimentConfig(input: SurrogateExperimentInput = {}): SurrogateExperimentConfig {
  const d = SURROGATE_EXPERIMENT_DEFAULTS;
  const config: SurrogateExperimentConfig = {
    seed: input.seed ?? d.seed,
    data: { ...d.data, ...input.data },
    model: input.model ?? d.model,
    optimizer: input.optimizer ?? d.optimizer,
    batch: input.batch ?? d.batch,
    steps: input.steps ?? d.steps,
    evalEvery: input.evalEvery ?? d.evalEvery,
    offline: { ...d.offline, ...input.offline },
    online: { ...d.online, ...input.online },
    validation: { ...d.validation, ...input.validation },
    arms: input.arms ?? d.arms,
  };
  if (!Number.isInteger(config.seed) || config.seed < 0 || config.seed > 0xffffffff) fail('seed', config.seed, 'must be an integer in [0, 2³²)');
  integerAtLeast('batch', config.batch, 1);
  integerAtLeast('steps', config.steps, 1);
  integerAtLeast('evalEvery', config.evalEvery, 1);
  integerAtLeast('offline.simulations', config.offline.simulations, 1);
  integerAtLeast('online.ensemble', config.online.ensemble, 1);
  integerAtLeast('online.capacity', config.online.capacity, 1);
  integerAtLeast('online.emitEvery', config.online.emitEvery, 1);
  integerAtLeast('validation.simulations', config.validation.simulations, 1);
  const watermark = config.online.watermark ?? Math.max(4 * config.batch, 2 * config.online.ensemble);
  if (!Number.isInteger(watermark) || watermark < 1 || watermark > config.online.capacity)
    fail('online.watermark', watermark, `must be an integer in [1, capacity = ${config.online.capacity}] (default max(4B, 2E))`);
  config.online.watermark = watermark;
  const data = config.data;
  if (!Number.isInteger(data.n) || data.n < 8 || (data.n & (data.n - 1)) !== 0) fail('data.n', data.n, 'must be a power of two ≥ 8');
  if (!(data.length > 0)) fail('data.length', data.length, 'must be > 0');
  if (!(data.nuRange[0] > 0 && data.nuRange[1] >= data.nuRange[0])) fail('data.nuRange', data.nuRange, 'must be [min, max] with 0 < min ≤ max');
  if (!(data.icAmplitudeRange[0] > 0 && data.icAmplitudeRange[1] >= data.icAmplitudeRange[0])) fail('data.icAmplitudeRange', data.icAmplitudeRange, 'must be [min, max] with 0 < min ≤ max');
  integerAtLeast('data.icCutoff', data.icCutoff, 1);
  if (data.icCutoff >= data.n / 3) fail('data.icCutoff', data.icCutoff, `must be < N/3 = ${data.n / 3} (inside the dealiased band)`);
  if (!(data.dt > 0)) fail('data.dt', data.dt, 'must be > 0');
  integerAtLeast('data.stride', data.stride, 1);
  integerAtLeast('data.pairsPerSimulation', data.pairsPerSimulation, 1);
  const model = config.model;
  if (model.type === 'fno') {
    integerAtLeast('model.width', model.width, 1);
    integerAtLeast('model.layers', model.layers, 1);
    integerAtLeast('model.modes', model.modes, 1);
    if (Math.floor(model.modes / 2) + 1 > data.n / 2 + 1) fail('model.modes', model.modes, `must keep at most N/2 + 1 rfft modes: modes ≤ ${data.n}`);
  } else if (model.type === 'mlp') {
    integerAtLeast('model.width', model.width, 1);
    integerAtLeast('model.depth', model.depth, 0);
  } else fail('model.type', (model as { type: unknown }).type, "must be 'fno' or 'mlp'");
  const needsStatistics = config.optimizer.name === 'kfac' || config.optimizer.name === 'mkor' || config.optimizer.name === 'mkor-h';
  if (needsStatistics && model.type !== 'mlp') fail('optimizer.name', config.optimizer.name, "K-FAC and MKOR need per-layer statistics: use model.type 'mlp', or optimizer 'adam' / 'sgd' with the FNO");
  if (!Array.isArray(config.arms) || config.arms.length === 0) fail('arms', config.arms, `must be a non-empty list of ${SURROGATE_ARMS.join(', ')}`);
  for (const arm of config.arms) if (!SURROGATE_ARMS.includes(arm)) fail('arms', arm, `each must be one of ${SURROGATE_ARMS.join(', ')}`);
  return config;
}

// ---------------------------------------------------------------------------------------------------------------
// Results

export interface SurrogateCurvePoint {
  step: number;
  /** steps · B */
  samplesSeen: number;
  /** distinct pairs the arm's training data held so far (offline: S·pairs; online: pairs written to the reservoir) */
  uniqueSamples: number;
  /** ms since this arm's training started, evaluation time excluded (online: solver time included) */
  wallMs: number;
  /** the §5.4 metric */
  heldOutRelL2: number;
  /** mean batch loss (MSE of the residual) over the steps since the previous point; NaN at step 0 */
  trainLoss: number;
}

export interface SurrogateStepLog {
  step: number;
  loss: number;
  samplesSeen: number;
  wallMs: number;
}

export interface SurrogateArmResult {
  arm: SurrogateArm;
  curve: SurrogateCurvePoint[];
  final: SurrogateCurvePoint;
  /** pairs the PDE solver produced for this arm (offline: the dataset; online: including any still staged) */
  solverPairs: number;
  timing: {
    /** offline: the dataset generation, before training (shown as the offset at t = 0, §5.4 a) */
    setupMs: number;
    /** PDE solver time (simulation set-up and stepping) */
    solverMs: number;
    /** batch assembly, forward, backward, optimizer step, buffer reads and writes */
    trainMs: number;
    /** held-out evaluations (excluded from the curve's wall time) */
    evalMs: number;
  };
  throughput: {
    /** pairs per second of solver time */
    solverPairsPerSecond: number;
    /** samples (rows) per second of training time */
    trainerSamplesPerSecond: number;
  };
  /** online only: the §5.3 UI statistics at the end */
  reservoir?: ReservoirStatistics & { seenHistogram: number[]; residentNuMean: number; residentNuStd: number; watermark: number };
  /** the trained parameters */
  params: Float64Array;
}

export interface SurrogateExperimentResult {
  config: SurrogateExperimentConfig;
  model: { type: SurrogateModelConfig['type']; parameterCount: number };
  validation: {
    pairs: number;
    simulations: number;
    /** relative L2 of the persistence predictor u(t+Δt) ≈ u(t): the error a surrogate must beat */
    identityRelL2: number;
    generationMs: number;
  };
  arms: Partial<Record<SurrogateArm, SurrogateArmResult>>;
  /** the held-out error of each arm at every evaluation point (equal samples seen across arms) */
  atEqualSamplesSeen: ({ step: number; samplesSeen: number } & Partial<Record<SurrogateArm, number>>)[];
}

export interface SurrogateExperimentOptions {
  /** after every evaluation point */
  onPoint?: (arm: SurrogateArm, point: SurrogateCurvePoint) => void;
  /** after every training step (the CLI's per-step log: step, loss, samples_seen, wall_ms) */
  onStep?: (arm: SurrogateArm, log: SurrogateStepLog) => void;
  /** polled between steps; true stops the run (the result holds the points reached so far) */
  shouldStop?: () => boolean;
  /** clock in ms (default performance.now) */
  now?: () => number;
}

// ---------------------------------------------------------------------------------------------------------------
// The runner

/** X rows of the training buffers: [u (N), ν]; Y rows: u(t+Δt) (N) */
interface Batch {
  u: Float64Array;
  p: Float64Array;
  residual: Float64Array;
}

function batchFromRows(config: SurrogateExperimentConfig, x: Float64Array, y: Float64Array, batch: number): Batch {
  const n = config.data.n;
  const u = new Float64Array(batch * n);
  const p = new Float64Array(batch);
  const residual = new Float64Array(batch * n);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < n; j++) {
      const uj = x[b * (n + 1) + j];
      u[b * n + j] = uj;
      residual[b * n + j] = y[b * n + j] - uj;
    }
    p[b] = normalisedParameter(config.data, x[b * (n + 1) + n]);
  }
  return { u, p, residual };
}

function evaluate(config: SurrogateExperimentConfig, model: SurrogateModel, params: Float64Array, validation: PairSet): number {
  const n = config.data.n;
  const p = new Float64Array(validation.count);
  for (let i = 0; i < validation.count; i++) p[i] = normalisedParameter(config.data, validation.nus[i]);
  const residual = model.predictResidual(params, validation.inputs, p, validation.count);
  const prediction = new Float64Array(validation.count * n);
  for (let i = 0; i < prediction.length; i++) prediction[i] = validation.inputs[i] + residual[i];
  return meanRelativeL2(prediction, validation.targets, n);
}

/** a uniformly random permutation of 0..count−1 for `epoch` (Fisher–Yates on counter-based draws) */
export function epochPermutation(count: number, seed: number, epoch: number): Uint32Array {
  const perm = new Uint32Array(count);
  for (let i = 0; i < count; i++) perm[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = randomBits(seed, SURROGATE_STREAMS.offlinePermutation, epoch, Math.floor(i / 1024), i % 1024)[0] % (i + 1);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return perm;
}

/** A source of training batches for one arm; `next` returns null while it cannot serve a batch yet (watermark). */
interface BatchSource {
  next(step: number): Batch | null;
  uniqueSamples(): number;
  solverPairs(): number;
  solverMs(): number;
}

function offlineSource(config: SurrogateExperimentConfig, dataset: PairSet): BatchSource {
  const n = config.data.n;
  const B = config.batch;
  let epoch = 0;
  let perm = epochPermutation(dataset.count, config.seed, epoch);
  let cursor = 0;
  const x = new Float64Array(B * (n + 1));
  const y = new Float64Array(B * n);
  return {
    next() {
      for (let r = 0; r < B; r++) {
        if (cursor === perm.length) {
          perm = epochPermutation(dataset.count, config.seed, ++epoch);
          cursor = 0;
        }
        const i = perm[cursor++];
        x.set(dataset.inputs.subarray(i * n, (i + 1) * n), r * (n + 1));
        x[r * (n + 1) + n] = dataset.nus[i];
        y.set(dataset.targets.subarray(i * n, (i + 1) * n), r * n);
      }
      return batchFromRows(config, x, y, B);
    },
    uniqueSamples: () => dataset.count,
    solverPairs: () => dataset.count,
    solverMs: () => 0,
  };
}

/** E running simulations of the training stream, restarted with the next simulation index when done */
class Ensemble {
  readonly simulations: BurgersSimulation[] = [];
  private nextIndex: number;
  solverMs = 0;
  pairs = 0;

  constructor(
    private readonly config: SurrogateExperimentConfig,
    size: number,
    private readonly now: () => number,
  ) {
    const t0 = now();
    for (let e = 0; e < size; e++) this.simulations.push(this.make(e));
    this.nextIndex = size;
    this.solverMs += now() - t0;
  }

  private make(index: number): BurgersSimulation {
    return new BurgersSimulation(this.config.data, simulationParameters(this.config.data, this.config.seed, SURROGATE_STREAMS.trainingSimulations, index));
  }

  /** every simulation advances Δt: one pair each, as rows [u, ν] and u′, with a pair id (simulation index · 2¹⁶ + pair) */
  advance(): { x: Float64Array[]; y: Float64Array[]; ids: number[] } {
    const t0 = this.now();
    const n = this.config.data.n;
    const x: Float64Array[] = [];
    const y: Float64Array[] = [];
    const ids: number[] = [];
    this.simulations.forEach((sim, e) => {
      const pairIndex = sim.emitted;
      const [u, next] = sim.advance();
      const row = new Float64Array(n + 1);
      row.set(u);
      row[n] = sim.parameters.nu;
      x.push(row);
      y.push(next);
      ids.push(sim.parameters.index * 65536 + pairIndex);
      if (sim.done) this.simulations[e] = this.make(this.nextIndex++);
    });
    this.pairs += x.length;
    this.solverMs += this.now() - t0;
    return { x, y, ids };
  }
}

function onlineSource(config: SurrogateExperimentConfig, reservoir: Reservoir, now: () => number): BatchSource {
  const { ensemble: E, emitEvery, watermark } = config.online;
  const ens = new Ensemble(config, E, now);
  const B = config.batch;
  const n = config.data.n;
  let staged: { x: Float64Array[]; y: Float64Array[]; ids: number[] } = { x: [], y: [], ids: [] };
  const x = new Float64Array(B * (n + 1));
  const y = new Float64Array(B * n);
  /** res_put of the staged pairs; true when all were placed */
  const flush = (): boolean => {
    if (staged.x.length === 0) return true;
    const placed = reservoir.putRows(staged.x, staged.y, staged.ids);
    staged = { x: staged.x.slice(placed), y: staged.y.slice(placed), ids: staged.ids.slice(placed) };
    return staged.x.length === 0;
  };
  const produce = () => {
    // back-pressure (§5.2): pairs that could not be placed stay staged and the solver skips this advance
    if (!flush()) return;
    staged = ens.advance();
    flush();
  };
  return {
    next(step) {
      if (step % emitEvery === 0 || reservoir.fill < watermark!) produce(); // puts before gets (§5.3)
      if (reservoir.fill < watermark!) return null; // the trainer waits for the watermark
      reservoir.get(B, step, x, y);
      return batchFromRows(config, x, y, B);
    },
    uniqueSamples: () => reservoir.statistics().puts,
    solverPairs: () => ens.pairs,
    solverMs: () => ens.solverMs,
  };
}

function freshSource(config: SurrogateExperimentConfig, now: () => number): BatchSource {
  const B = config.batch;
  const n = config.data.n;
  const ens = new Ensemble(config, B, now);
  const x = new Float64Array(B * (n + 1));
  const y = new Float64Array(B * n);
  return {
    next() {
      const pairs = ens.advance();
      for (let r = 0; r < B; r++) {
        x.set(pairs.x[r], r * (n + 1));
        y.set(pairs.y[r], r * n);
      }
      return batchFromRows(config, x, y, B);
    },
    uniqueSamples: () => ens.pairs,
    solverPairs: () => ens.pairs,
    solverMs: () => ens.solverMs,
  };
}

function runArm(
  arm: SurrogateArm,
  config: SurrogateExperimentConfig,
  model: SurrogateModel,
  validation: PairSet,
  options: SurrogateExperimentOptions,
  now: () => number,
): SurrogateArmResult {
  const B = config.batch;
  let setupMs = 0;
  let source: BatchSource;
  let reservoir: Reservoir | undefined;
  const start = now();
  let evalMs = 0;
  if (arm === 'offline') {
    const dataset = generatePairs(config.data, config.seed, SURROGATE_STREAMS.trainingSimulations, 0, config.offline.simulations);
    setupMs = now() - start;
    source = offlineSource(config, dataset);
  } else if (arm === 'online') {
    reservoir = new Reservoir(config.online.capacity, config.data.n + 1, config.data.n, config.seed, SURROGATE_STREAMS.reservoirRead);
    source = onlineSource(config, reservoir, now);
  } else {
    source = freshSource(config, now);
  }
  // the curve's clock starts when training starts; offline's dataset generation is the separate offset setupMs (§5.4 a)
  const clockStart = start + setupMs;
  const params = model.init(config.seed);
  const optimizer = createOptimizer(config.optimizer, model.layout);
  const curve: SurrogateCurvePoint[] = [];
  let lossSum = 0;
  let lossCount = 0;
  const record = (step: number) => {
    const wallMs = now() - clockStart - evalMs;
    const e0 = now();
    const heldOutRelL2 = evaluate(config, model, params, validation);
    evalMs += now() - e0;
    const point: SurrogateCurvePoint = { step, samplesSeen: step * B, uniqueSamples: source.uniqueSamples(), wallMs, heldOutRelL2, trainLoss: lossCount > 0 ? lossSum / lossCount : NaN };
    lossSum = 0;
    lossCount = 0;
    curve.push(point);
    options.onPoint?.(arm, point);
  };
  record(0);
  let step = 0;
  let attempts = 0;
  const maxIdle = 1e6;
  while (step < config.steps) {
    if (options.shouldStop?.()) break;
    const batch = source.next(step);
    if (!batch) {
      if (++attempts > maxIdle) throw new Error(`surrogate experiment (${arm}): no batch after ${maxIdle} attempts (watermark never reached)`);
      continue;
    }
    const { loss, gradients, statistics } = model.lossAndGradients(params, batch.u, batch.p, batch.residual, B);
    optimizer.step(params, gradients, statistics);
    step++;
    lossSum += loss;
    lossCount++;
    options.onStep?.(arm, { step, loss, samplesSeen: step * B, wallMs: now() - clockStart - evalMs });
    if (step % config.evalEvery === 0 || step === config.steps) record(step);
  }
  if (curve[curve.length - 1].step !== step) record(step);
  const totalMs = now() - clockStart - evalMs;
  const solverMs = arm === 'offline' ? setupMs : source.solverMs();
  const trainMs = arm === 'offline' ? totalMs : totalMs - solverMs;
  const result: SurrogateArmResult = {
    arm,
    curve,
    final: curve[curve.length - 1],
    solverPairs: source.solverPairs(),
    timing: { setupMs, solverMs, trainMs, evalMs },
    throughput: { solverPairsPerSecond: (1000 * source.solverPairs()) / solverMs, trainerSamplesPerSecond: (1000 * step * B) / trainMs },
    params,
  };
  if (reservoir) {
    const stats = reservoir.statistics();
    let mean = 0;
    let sq = 0;
    const n = config.data.n;
    for (let i = 0; i < reservoir.fill; i++) {
      const nu = reservoir.inputs[i * (n + 1) + n];
      mean += nu;
      sq += nu * nu;
    }
    mean /= reservoir.fill;
    result.reservoir = {
      ...stats,
      seenHistogram: reservoir.seenHistogram(),
      residentNuMean: mean,
      residentNuStd: Math.sqrt(Math.max(0, sq / reservoir.fill - mean * mean)),
      watermark: config.online.watermark!,
    };
  }
  return result;
}

/**
 * Runs the arms of the online-versus-offline surrogate experiment one after another (same seed, net, optimizer, B
 * and budget) and returns their held-out curves against samples seen, unique samples and wall time.
 * Synchronous and CPU-bound: the UI should call it in a worker.
 */
export function runSurrogateExperiment(input: SurrogateExperimentInput = {}, options: SurrogateExperimentOptions = {}): SurrogateExperimentResult {
  const config = resolveSurrogateExperimentConfig(input);
  const now = options.now ?? (() => performance.now());
  const model = createSurrogateModel(config.model, config.data.n);
  const v0 = now();
  const validation = generatePairs(config.data, config.seed, SURROGATE_STREAMS.validationSimulations, 0, config.validation.simulations);
  const generationMs = now() - v0;
  const identityRelL2 = meanRelativeL2(validation.inputs, validation.targets, config.data.n);
  const arms: SurrogateExperimentResult['arms'] = {};
  for (const arm of config.arms) {
    if (options.shouldStop?.()) break;
    arms[arm] = runArm(arm, config, model, validation, options, now);
  }
  const steps = [...new Set(Object.values(arms).flatMap((a) => a!.curve.map((p) => p.step)))].sort((a, b) => a - b);
  const atEqualSamplesSeen = steps.map((step) => {
    const row: SurrogateExperimentResult['atEqualSamplesSeen'][number] = { step, samplesSeen: step * config.batch };
    for (const [arm, result] of Object.entries(arms)) {
      const point = result!.curve.find((p) => p.step === step);
      if (point) row[arm as SurrogateArm] = point.heldOutRelL2;
    }
    return row;
  });
  return {
    config,
    model: { type: config.model.type, parameterCount: model.parameterCount },
    validation: { pairs: validation.count, simulations: config.validation.simulations, identityRelL2, generationMs },
    arms,
    atEqualSamplesSeen,
  };
}

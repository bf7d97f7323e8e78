// The GPU training path of the 2D generative toys (training.md §3.1, §3.3, §4.1–4.2, §6): flow matching of an MLP
// velocity net on a Gaussian-mixture target, float32 WGSL (shaders/nn/), Adam or SGD with momentum. The float64
// twin is core's trainGenerativeModel (src/core/train/loop.ts): same initialisation (initMlpParameters, uploaded),
// same batches (drawn on the GPU from the same counter-based streams as flowMatchingBatch), same update equations.
//
// One training step is 2L + 2 dispatches for an L-layer net (L = depth + 1), recorded S at a time into one compute
// pass, with no upload and no readback:
//   1  nn sample flow matching   batch `step` into Ā₀ and the targets (the step index is a GPU-side counter)
//   L−1 nn forward               hidden layers, S_l and Ā_l = [φ(S_l) | 1]
//   1  nn head                   output layer + MSE gradient Δ_L + the loss (one workgroup, fixed reduction tree)
//   L  nn backward               per layer l = L..1: ∇W̄_l and, for l > 1, Δ_{l−1}, in one dispatch
//   1  nn adam | nn sgd          the fused elementwise update over the flat parameter buffer
// Why this is the minimum for this design: each of these consumes, in every invocation, values that invocations
// of other workgroups wrote in the previous one (a unit of layer l needs all of its row's layer-(l−1) units; ∇W̄_l
// sums Δ_l over every row; the update needs every ∇W̄ entry and the guard flag), and WebGPU synchronises workgroups
// only between dispatches. The pairs that do not depend on each other are already fused: ∇W̄_l with Δ_{l−1} (both
// only read Δ_l), the output layer with the loss and Δ_L (one workgroup owns all B·D outputs).
//
// The loss of every step goes into a ring on the GPU (state.wgsl); readLosses() reads it back, one mapAsync, when
// the caller wants it (every N steps), never inside step(). Pipelines, bind groups and buffers are all created in
// the constructor; step() creates nothing and writes nothing from the CPU.

import { shaders } from '../../../shaders/index.ts';
import type { PreparedMixture } from '../../core/sampling/gmm.ts';
import { FLOW_MATCHING_EPSILON, TRAINING_STREAMS, type TrainingStreams } from '../../core/train/losses.ts';
import { type MlpConfig, type MlpLayout, type TrainingBatch, initMlpParameters, mlpLayout, networkInput } from '../../core/train/mlp.ts';
import { ADAM_DEFAULTS, type AdamOptions, SGD_DEFAULTS, type SgdOptions } from '../../core/train/optimizers.ts';
import { barrierWorkgroupSize, bindGroup, getKernel, type Kernel, type KernelDefinition } from '../../gpu/kernels.ts';
import { readBuffer, readFloat32 } from '../../gpu/readback.ts';
import { TrainingStateReader, type TrainingCounts, stateWords } from './trainingState.ts';

export const NN_KERNELS = {
  sampleFlowMatching: {
    label: 'nn sample flow matching',
    code: shaders.nnSampleFlowMatching,
    entryPoint: 'nn_sample_fm',
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage', 'storage'],
  },
  forward: { label: 'nn forward', code: shaders.nnForward, entryPoint: 'nn_forward', bindings: ['uniform', 'read-only-storage', 'storage', 'storage'] },
  head: {
    label: 'nn head',
    code: shaders.nnHead,
    entryPoint: 'nn_head',
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage', 'storage', 'storage'],
  },
  backward: {
    label: 'nn backward',
    code: shaders.nnBackward,
    entryPoint: 'nn_backward',
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage', 'storage', 'storage'],
  },
  adam: { label: 'nn adam', code: shaders.nnOptimizers, entryPoint: 'nn_adam', bindings: ['uniform', 'storage', 'read-only-storage', 'storage', 'storage'] },
  sgd: { label: 'nn sgd', code: shaders.nnOptimizers, entryPoint: 'nn_sgd', bindings: ['uniform', 'storage', 'read-only-storage', 'storage', 'storage'] },
  fold: { label: 'nn fold', code: shaders.nnFold, entryPoint: 'nn_fold', bindings: ['storage', 'read-only-storage'] },
  check: { label: 'nn check', code: shaders.nnFold, entryPoint: 'nn_check', bindings: ['storage', 'read-only-storage'] },
} satisfies Record<string, KernelDefinition>;

export type GpuOptimizerName = 'adam' | 'sgd';

export interface GpuTrainerConfig {
  model: MlpConfig;
  /** the flow-matching target p₁ (dataDim = outputDim = its dimension, at most MAX_DATA_DIM) */
  mixture: PreparedMixture;
  batch: number;
  /** Adam hyperparameters; core's defaults (ADAM_DEFAULTS) for those left out */
  adam?: Partial<AdamOptions>;
  /** SGD hyperparameters; core's defaults (SGD_DEFAULTS) for those left out */
  sgd?: Partial<SgdOptions>;
  /** flow matching's t ~ U(ε, 1) (core's FLOW_MATCHING_EPSILON by default) */
  epsilon?: number;
  streams?: TrainingStreams;
  /** losses kept on the GPU between two readLosses() calls (default 4096); older ones are overwritten */
  lossCapacity?: number;
  /** training steps recorded into one command buffer (§2.3: S = 8–64; default 64) */
  stepsPerCommandBuffer?: number;
}

/** the largest data dimension of the sample kernel (its MAX_DIM) */
export const MAX_DATA_DIM = 16;
/** bytes per slot of the per-layer uniform buffer (minUniformBufferOffsetAlignment) */
const UNIFORM_SLOT = 256;
const WORKGROUP = 64;
const MAX_GROUPS_X = 65535;
/** invocations of the head's single workgroup on a GPU (at most its workgroup array, 256) */
const HEAD_THREADS = 256;

/** workgroups (x, y) covering `count` invocations of a 64-wide kernel whose flat index is x + y·gx·64 */
function grid(count: number): [number, number] {
  const groups = Math.max(1, Math.ceil(count / WORKGROUP));
  const x = Math.min(groups, MAX_GROUPS_X);
  return [x, Math.ceil(groups / x)];
}

const ACTIVATION_CODE = { silu: 0, relu: 1, tanh: 2 } as const;

/** Dispatches of one training step of an L-layer net: sample + (L−1) forward + head + L backward + update. */
export function dispatchesPerTrainingStep(layout: MlpLayout): number {
  return 2 * layout.layers.length + 2;
}

/**
 * Integer thresholds of the component choice on uniform_open's 24-bit grid: component k is the number of c < K−1
 * with m ≥ M_c, where m = bits >> 8 and M_c is the first m with ((m + ½)·2⁻²⁴)·total > cdf_c in float64 — exactly
 * the comparison of core's sampleTargetBatch (`u > cdf[k]`), so GPU and core pick the same component for every draw.
 */
export function componentThresholds(mixture: PreparedMixture): number[] {
  const cdf: number[] = [];
  let total = 0;
  for (let k = 0; k < mixture.components; k++) cdf.push((total += Math.exp(mixture.logWeights[k])));
  const u = (m: number) => (m + 0.5) * 5.9604644775390625e-8 * total;
  const thresholds: number[] = [];
  for (let c = 0; c + 1 < mixture.components; c++) {
    let lo = 0;
    let hi = 1 << 24; // u(hi) is never drawn: M_c = 2²⁴ means "never above"
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (u(mid) > cdf[c]) hi = mid;
      else lo = mid + 1;
    }
    thresholds.push(lo);
  }
  return thresholds;
}

/** the sample kernel's mixture buffer: thresholds, means, F_k = U_k diag(√e_k) (float64 products, then float32) */
function mixtureData(mixture: PreparedMixture): Float32Array<ArrayBuffer> {
  const { dim: d, components: K } = mixture;
  const out = new Float32Array(K - 1 + K * d + K * d * d);
  out.set(componentThresholds(mixture), 0);
  out.set(mixture.means, K - 1);
  const factors = K - 1 + K * d;
  for (let k = 0; k < K; k++) {
    for (let r = 0; r < d; r++) {
      for (let c = 0; c < d; c++) {
        const root = Math.sqrt(mixture.eigenvalues[k * d + c]);
        const value = mixture.diagonal ? (r === c ? root : 0) : mixture.eigenvectors[k * d * d + r * d + c] * root;
        out[factors + (k * d + r) * d + c] = value;
      }
    }
  }
  return out;
}

export type GpuTrainerCounts = TrainingCounts;

export interface GpuForward {
  /** S_l per layer, B × d_l (the last is Ŷ) */
  preActivations: Float64Array[];
  /** Ā_{l−1} per layer, B × (d_{l−1} + 1) */
  layerInputs: Float64Array[];
}

export class GpuMlpTrainer {
  readonly layout: MlpLayout;
  readonly batch: number;
  readonly optimizerName: GpuOptimizerName;
  readonly seed: number;
  readonly dispatchesPerStep: number;
  readonly lossCapacity: number;
  private readonly stepsPerCommandBuffer: number;
  private readonly adamOptions: AdamOptions;
  private readonly sgdOptions: SgdOptions;
  private readonly buffers: GPUBuffer[] = [];
  private readonly params: GPUBuffer;
  private readonly grads: GPUBuffer;
  private readonly moments: GPUBuffer;
  private readonly acts: GPUBuffer;
  private readonly pre: GPUBuffer;
  private readonly targets: GPUBuffer;
  private readonly state: GPUBuffer;
  private readonly optimizerUniform: GPUBuffer;
  private readonly actsOffsets: number[];
  private readonly preOffsets: number[];
  private readonly kernels: { sample: Kernel; forward: Kernel; head: Kernel; backward: Kernel; update: Kernel; fold: Kernel; check: Kernel };
  private readonly groups: {
    sample: GPUBindGroup;
    forward: GPUBindGroup[];
    headStep: GPUBindGroup;
    headProbe: GPUBindGroup;
    backward: GPUBindGroup[];
    update: GPUBindGroup;
    fold: GPUBindGroup;
    check: GPUBindGroup;
  };
  /** workgroup grids per dispatch */
  private readonly grids: { sample: [number, number]; forward: [number, number][]; backward: [number, number][]; update: [number, number]; headThreads: number };
  private readonly stateReader: TrainingStateReader;
  private destroyed = false;

  constructor(
    readonly device: GPUDevice,
    config: GpuTrainerConfig,
    optimizer: GpuOptimizerName,
    seed: number,
  ) {
    const { model, mixture, batch } = config;
    if (model.dataDim !== mixture.dim || model.outputDim !== mixture.dim)
      throw new Error(`model dataDim/outputDim: got ${model.dataDim}/${model.outputDim}; the target has dimension ${mixture.dim}`);
    if (mixture.dim > MAX_DATA_DIM) throw new Error(`target dimension: got ${mixture.dim}; the GPU trainer supports at most ${MAX_DATA_DIM}`);
    if (!Number.isInteger(batch) || batch < 1) throw new Error(`batch: got ${batch}; must be an integer ≥ 1`);
    if (optimizer !== 'adam' && optimizer !== 'sgd') throw new Error(`optimizer: got ${optimizer}; the GPU trainer has adam and sgd`);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`seed: got ${seed}; must be an integer in [0, 2³²)`);
    this.layout = mlpLayout(model);
    this.batch = batch;
    this.optimizerName = optimizer;
    this.seed = seed;
    this.dispatchesPerStep = dispatchesPerTrainingStep(this.layout);
    this.lossCapacity = config.lossCapacity ?? 4096;
    this.stepsPerCommandBuffer = config.stepsPerCommandBuffer ?? 64;
    this.adamOptions = { ...ADAM_DEFAULTS, ...config.adam };
    this.sgdOptions = { ...SGD_DEFAULTS, ...config.sgd };
    if (!(this.adamOptions.beta1 >= 0 && this.adamOptions.beta1 < 1 && this.adamOptions.beta2 >= 0 && this.adamOptions.beta2 < 1))
      throw new Error(`adam betas: got (${this.adamOptions.beta1}, ${this.adamOptions.beta2}); each must be in [0, 1)`);

    const layers = this.layout.layers;
    const L = layers.length;
    const P = this.layout.parameterCount;
    const d = mixture.dim;
    this.actsOffsets = [];
    let acts = 0;
    for (const layer of layers) {
      this.actsOffsets.push(acts);
      acts += batch * (layer.inputDim + 1);
    }
    this.preOffsets = [];
    let pre = 0;
    for (const layer of layers) {
      this.preOffsets.push(pre);
      pre += batch * layer.outputDim;
    }
    const widest = Math.max(...layers.map((l) => l.outputDim));

    const gpu = this.device;
    const make = (label: string, bytes: number, usage: number) => {
      const buffer = gpu.createBuffer({ label: `nn ${label}`, size: Math.max(16, Math.ceil(bytes / 4) * 4), usage });
      this.buffers.push(buffer);
      return buffer;
    };
    const S = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
    const U = GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
    this.params = make('parameters', 4 * P, S);
    this.grads = make('gradients', 4 * P, S);
    this.moments = make(optimizer === 'adam' ? 'adam moments' : 'sgd momentum', 4 * P * (optimizer === 'adam' ? 2 : 1), S);
    this.acts = make('layer inputs', 4 * acts, S);
    this.pre = make('pre-activations', 4 * pre, S);
    this.targets = make('targets', 4 * batch * d, S);
    const deltas = [make('output gradients (even layers)', 4 * batch * widest, S), make('output gradients (odd layers)', 4 * batch * widest, S)];
    const words = stateWords(this.lossCapacity);
    this.state = make('trainer state', 4 * words, S);
    this.stateReader = new TrainingStateReader(gpu, this.state, make('loss staging', 4 * words, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST), this.lossCapacity);
    const mixtureValues = mixtureData(mixture);
    const mixtureBuffer = make('mixture', mixtureValues.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
    gpu.queue.writeBuffer(mixtureBuffer, 0, mixtureValues);
    // per-layer uniform slots, then the head's probe slot (advance = 0)
    const layerUniform = make('layer uniforms', UNIFORM_SLOT * (L + 1), U);
    const sampleUniform = make('sample uniform', 64, U);
    this.optimizerUniform = make('optimizer uniform', 64, U);

    // uniforms
    const headThreads = barrierWorkgroupSize(gpu, HEAD_THREADS);
    const forwardGrids: [number, number][] = [];
    const backwardGrids: [number, number][] = [];
    const slots = new ArrayBuffer(UNIFORM_SLOT * (L + 1));
    const writeLayer = (slot: number, l: number, advance: number) => {
      const layer = layers[l];
      // invocations compute 4 × 4 blocks (forward.wgsl, backward.wgsl)
      const blocks = (n: number) => Math.ceil(n / 4);
      const forwardGrid = grid(blocks(batch) * blocks(layer.outputDim));
      const backwardGrid = grid(blocks(layer.outputDim) * blocks(layer.inputDim + 1) + (l > 0 ? blocks(batch) * blocks(layer.inputDim) : 0));
      const u = new Uint32Array(slots, slot * UNIFORM_SLOT, 16);
      const f = new Float32Array(slots, slot * UNIFORM_SLOT, 16);
      u.set([
        batch,
        layer.inputDim,
        layer.outputDim,
        layer.offset,
        this.actsOffsets[l],
        l + 1 < L ? this.actsOffsets[l + 1] : 0,
        this.preOffsets[l],
        l > 0 ? this.preOffsets[l - 1] : 0,
        l > 0 ? 1 : 0,
        forwardGrid[0],
        backwardGrid[0],
        advance,
        this.lossCapacity,
      ]);
      f[13] = 2 / (batch * layer.outputDim);
      f[14] = 1 / (batch * layer.outputDim);
      return { forwardGrid, backwardGrid };
    };
    for (let l = 0; l < L; l++) {
      const { forwardGrid, backwardGrid } = writeLayer(l, l, 1);
      forwardGrids.push(forwardGrid);
      backwardGrids.push(backwardGrid);
    }
    writeLayer(L, L - 1, 0);
    gpu.queue.writeBuffer(layerUniform, 0, slots);

    const embedding = model.timeEmbedding;
    const streams = config.streams ?? TRAINING_STREAMS;
    const sampleGrid = grid(batch);
    const sample = new ArrayBuffer(64);
    const su = new Uint32Array(sample);
    const sf = new Float32Array(sample);
    su.set([
      seed,
      batch,
      d,
      mixture.components,
      this.layout.inputDim + 1,
      embedding.kind === 'none' ? 0 : embedding.kind === 'linear' ? 1 : 2,
      embedding.kind === 'sinusoidal' ? embedding.frequencies : 0,
      embedding.kind === 'sinusoidal' && embedding.includeLinear ? 1 : 0,
      sampleGrid[0],
      streams.dataComponent,
      streams.dataGaussian,
      streams.noise,
      streams.time,
    ]);
    sf[13] = embedding.kind === 'linear' ? embedding.scale : 0;
    sf[14] = config.epsilon ?? FLOW_MATCHING_EPSILON;
    gpu.queue.writeBuffer(sampleUniform, 0, sample);
    const updateGrid = grid(P);
    this.writeOptimizerUniform(updateGrid[0]);

    // kernels and bind groups, once
    const activation = { ACTIVATION: ACTIVATION_CODE[model.activation] };
    this.kernels = {
      sample: getKernel(gpu, NN_KERNELS.sampleFlowMatching),
      forward: getKernel(gpu, NN_KERNELS.forward, activation),
      head: getKernel(gpu, NN_KERNELS.head, { THREADS: headThreads }),
      backward: getKernel(gpu, NN_KERNELS.backward, activation),
      update: getKernel(gpu, optimizer === 'adam' ? NN_KERNELS.adam : NN_KERNELS.sgd),
      fold: getKernel(gpu, NN_KERNELS.fold),
      check: getKernel(gpu, NN_KERNELS.check),
    };
    const k = this.kernels;
    const slot = (s: number): GPUBufferBinding => ({ buffer: layerUniform, offset: s * UNIFORM_SLOT, size: 64 });
    const delta = (l: number) => deltas[l % 2];
    const headGroup = (s: number) =>
      bindGroup(gpu, k.head, [slot(s), { buffer: this.params }, { buffer: this.acts }, { buffer: this.targets }, { buffer: this.pre }, { buffer: delta(L - 1) }, { buffer: this.state }]);
    this.groups = {
      sample: bindGroup(gpu, k.sample, [{ buffer: sampleUniform }, { buffer: mixtureBuffer }, { buffer: this.state }, { buffer: this.acts }, { buffer: this.targets }]),
      forward: layers.slice(0, L - 1).map((_, l) => bindGroup(gpu, k.forward, [slot(l), { buffer: this.params }, { buffer: this.acts }, { buffer: this.pre }])),
      headStep: headGroup(L - 1),
      headProbe: headGroup(L),
      backward: layers.map((_, l) =>
        bindGroup(gpu, k.backward, [
          slot(l),
          { buffer: this.params },
          { buffer: this.acts },
          { buffer: this.pre },
          { buffer: delta(l) },
          { buffer: delta(l + 1) }, // Δ_{l−1} lands in the other buffer (layer 0's is bound but unused)
          { buffer: this.grads },
          { buffer: this.state },
        ]),
      ),
      update: bindGroup(gpu, k.update, [{ buffer: this.optimizerUniform }, { buffer: this.params }, { buffer: this.grads }, { buffer: this.moments }, { buffer: this.state }]),
      fold: bindGroup(gpu, k.fold, [{ buffer: this.state }, { buffer: this.grads, size: 4 * P }]),
      check: bindGroup(gpu, k.check, [{ buffer: this.state }, { buffer: this.grads, size: 4 * P }]),
    };
    this.grids = { sample: sampleGrid, forward: forwardGrids, backward: backwardGrids, update: updateGrid, headThreads };
    this.setParameters(initMlpParameters(this.layout, seed));
  }

  /** the learning rate η of the optimizer (settable: one uniform upload, outside the step loop) */
  get lr(): number {
    return this.optimizerName === 'adam' ? this.adamOptions.lr : this.sgdOptions.lr;
  }
  set lr(value: number) {
    if (this.optimizerName === 'adam') this.adamOptions.lr = value;
    else this.sgdOptions.lr = value;
    this.writeOptimizerUniform(this.grids.update[0]);
  }

  private writeOptimizerUniform(groupsX: number): void {
    const a = this.adamOptions;
    const s = this.sgdOptions;
    const adam = this.optimizerName === 'adam';
    const data = new ArrayBuffer(64);
    const u = new Uint32Array(data);
    const f = new Float32Array(data);
    u[0] = this.layout.parameterCount;
    u[1] = groupsX;
    u[2] = adam && a.decoupledWeightDecay ? 1 : 0;
    u[3] = !adam && s.nesterov ? 1 : 0;
    // 1 − β, ln β and 1 − τ in float64, then rounded once
    f.set([adam ? a.lr : s.lr, a.beta1, a.beta2, 1 - a.beta1, 1 - a.beta2, a.eps, adam ? a.weightDecay : s.weightDecay, Math.log(a.beta1), Math.log(a.beta2), s.momentum, 1 - s.dampening], 4);
    this.device.queue.writeBuffer(this.optimizerUniform, 0, data);
  }

  private check(): void {
    if (this.destroyed) throw new Error('GpuMlpTrainer: used after destroy()');
  }

  private encodeForward(pass: GPUComputePassEncoder): void {
    const { kernels: k, groups: g, grids } = this;
    for (let l = 0; l < g.forward.length; l++) {
      pass.setPipeline(k.forward.pipeline);
      pass.setBindGroup(0, g.forward[l]);
      pass.dispatchWorkgroups(...grids.forward[l]);
    }
  }

  private encodeHeadAndBackward(pass: GPUComputePassEncoder, head: GPUBindGroup): void {
    const { kernels: k, groups: g, grids } = this;
    pass.setPipeline(k.head.pipeline);
    pass.setBindGroup(0, head);
    pass.dispatchWorkgroups(1);
    for (let l = g.backward.length - 1; l >= 0; l--) {
      pass.setPipeline(k.backward.pipeline);
      pass.setBindGroup(0, g.backward[l]);
      pass.dispatchWorkgroups(...grids.backward[l]);
    }
  }

  private encodeUpdate(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.kernels.update.pipeline);
    pass.setBindGroup(0, this.groups.update);
    pass.dispatchWorkgroups(...this.grids.update);
  }

  /**
   * Record and submit `count` training steps (stepsPerCommandBuffer per command buffer, all in one submit): per step
   * a flow-matching batch, forward, loss, backward and one optimizer update. Reads nothing back.
   */
  step(count = 1): void {
    this.check();
    if (!Number.isInteger(count) || count < 0) throw new Error(`step count: got ${count}; must be an integer ≥ 0`);
    if (count === 0) return;
    const { kernels: k, groups: g, grids } = this;
    const commands: GPUCommandBuffer[] = [];
    for (let done = 0; done < count; done += this.stepsPerCommandBuffer) {
      const steps = Math.min(this.stepsPerCommandBuffer, count - done);
      const encoder = this.device.createCommandEncoder({ label: 'nn training steps' });
      const pass = encoder.beginComputePass({ label: 'nn training steps' });
      for (let s = 0; s < steps; s++) {
        pass.setPipeline(k.sample.pipeline);
        pass.setBindGroup(0, g.sample);
        pass.dispatchWorkgroups(...grids.sample);
        this.encodeForward(pass);
        this.encodeHeadAndBackward(pass, g.headStep);
        this.encodeUpdate(pass);
      }
      pass.end();
      commands.push(encoder.finish());
    }
    this.device.queue.submit(commands);
  }

  /**
   * The losses of the steps recorded since the last call (one readback). When more than lossCapacity steps ran in
   * between, only the latest lossCapacity are still there: `firstStep` says which step losses[0] belongs to.
   */
  async readLosses(): Promise<{ firstStep: number; losses: Float32Array }> {
    this.check();
    return this.stateReader.losses();
  }

  /** the step counter and the NaN guard's counts (one readback) */
  async counts(): Promise<GpuTrainerCounts> {
    this.check();
    return this.stateReader.counts();
  }

  /** the parameters in core's flat layout (float32 values as float64) */
  async parameters(): Promise<Float64Array> {
    this.check();
    return Float64Array.from(await readFloat32(this.device, this.params));
  }

  /** replace the parameters (core's layout; rounded to float32) */
  setParameters(params: Float64Array): void {
    this.check();
    if (params.length !== this.layout.parameterCount) throw new Error(`parameters: got ${params.length} values; the layout has ${this.layout.parameterCount}`);
    this.device.queue.writeBuffer(this.params, 0, Float32Array.from(params));
  }

  // -------------------------------------------------------------------------------------------------------------
  // Probes for tests and diagnostics (not the training loop): an uploaded batch, gradients alone, an update alone.

  /** upload a batch (core's TrainingBatch of exactly `batch` rows): the network input [x | emb(τ) | 1] and targets */
  setBatch(batch: TrainingBatch): void {
    this.check();
    if (batch.batch !== this.batch) throw new Error(`batch rows: got ${batch.batch}; the trainer was built for ${this.batch}`);
    const d0 = this.layout.inputDim;
    const input = networkInput(this.layout, batch.inputs, batch.times, batch.batch);
    const augmented = new Float32Array(batch.batch * (d0 + 1));
    for (let i = 0; i < batch.batch; i++) {
      augmented.set(input.subarray(i * d0, (i + 1) * d0), i * (d0 + 1));
      augmented[i * (d0 + 1) + d0] = 1;
    }
    this.device.queue.writeBuffer(this.acts, 0, augmented);
    this.device.queue.writeBuffer(this.targets, 0, Float32Array.from(batch.targets));
  }

  /** draw batch `step counter` on the GPU into the input and target buffers, without training on it */
  sampleBatch(): void {
    this.check();
    const encoder = this.device.createCommandEncoder({ label: 'nn sample probe' });
    const pass = encoder.beginComputePass({ label: 'nn sample probe' });
    pass.setPipeline(this.kernels.sample.pipeline);
    pass.setBindGroup(0, this.groups.sample);
    pass.dispatchWorkgroups(...this.grids.sample);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  /**
   * Forward, loss and backward on the batch in the input buffers (setBatch or sampleBatch), without an update; the
   * loss goes to the probe slot and the step counter does not move.
   */
  evaluateGradients(): void {
    this.check();
    const encoder = this.device.createCommandEncoder({ label: 'nn gradient probe' });
    const pass = encoder.beginComputePass({ label: 'nn gradient probe' });
    this.encodeForward(pass);
    this.encodeHeadAndBackward(pass, this.groups.headProbe);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  /** the loss of the last evaluateGradients() */
  async probeLoss(): Promise<number> {
    return this.stateReader.probeLoss();
  }

  /** ∇W̄ of the last backward pass, in core's layout */
  async gradients(): Promise<Float64Array> {
    this.check();
    return Float64Array.from(await readFloat32(this.device, this.grads));
  }

  /** S_l and Ā_{l−1} of the last forward pass */
  async forward(): Promise<GpuForward> {
    this.check();
    const pre = new Float32Array(await readBuffer(this.device, this.pre));
    const acts = new Float32Array(await readBuffer(this.device, this.acts));
    const layers = this.layout.layers;
    return {
      preActivations: layers.map((layer, l) => Float64Array.from(pre.subarray(this.preOffsets[l], this.preOffsets[l] + this.batch * layer.outputDim))),
      layerInputs: layers.map((layer, l) => Float64Array.from(acts.subarray(this.actsOffsets[l], this.actsOffsets[l] + this.batch * (layer.inputDim + 1)))),
    };
  }

  /** the batch in the input buffers: network input rows [x | emb(τ)] (B × d₀, the 1-column dropped) and targets */
  async readBatch(): Promise<{ networkInput: Float64Array; targets: Float64Array }> {
    const { layerInputs } = await this.forwardInputs();
    const d0 = this.layout.inputDim;
    const networkInput = new Float64Array(this.batch * d0);
    for (let i = 0; i < this.batch; i++) networkInput.set(layerInputs.subarray(i * (d0 + 1), i * (d0 + 1) + d0), i * d0);
    return { networkInput, targets: Float64Array.from(await readFloat32(this.device, this.targets)) };
  }

  private async forwardInputs(): Promise<{ layerInputs: Float64Array }> {
    this.check();
    const bytes = 4 * this.batch * (this.layout.inputDim + 1);
    return { layerInputs: Float64Array.from(await readFloat32(this.device, this.acts, 0, bytes)) };
  }

  /**
   * Upload a gradient (core's layout) and apply one optimizer update to it: nn check (the NaN guard's flag, as the
   * backward pass sets it), the update, nn fold (count it as applied or skipped).
   */
  applyGradients(gradients: Float64Array): void {
    this.check();
    if (gradients.length !== this.layout.parameterCount) throw new Error(`gradients: got ${gradients.length} values; the layout has ${this.layout.parameterCount}`);
    this.device.queue.writeBuffer(this.grads, 0, Float32Array.from(gradients));
    const encoder = this.device.createCommandEncoder({ label: 'nn update probe' });
    const pass = encoder.beginComputePass({ label: 'nn update probe' });
    pass.setPipeline(this.kernels.check.pipeline);
    pass.setBindGroup(0, this.groups.check);
    pass.dispatchWorkgroups(...grid(this.layout.parameterCount));
    this.encodeUpdate(pass);
    pass.setPipeline(this.kernels.fold.pipeline);
    pass.setBindGroup(0, this.groups.fold);
    pass.dispatchWorkgroups(1);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  /** Adam's (m, v) or SGD's momentum buffer, in core's layout */
  async optimizerState(): Promise<{ first: Float64Array; second?: Float64Array }> {
    this.check();
    const values = await readFloat32(this.device, this.moments);
    const P = this.layout.parameterCount;
    if (this.optimizerName === 'sgd') return { first: Float64Array.from(values) };
    return { first: Float64Array.from(values.subarray(0, P)), second: Float64Array.from(values.subarray(P, 2 * P)) };
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const buffer of this.buffers) buffer.destroy();
  }
}

// The GPU training step of the tiny 1D FNO surrogate (training.md §3.4, §6), float32 WGSL (shaders/nn/fno_train.wgsl),
// Adam through the MLP trainer's nn adam kernel (shaders/nn/optimizers.wgsl: same flat parameter layout, same NaN
// guard, same state buffer and loss ring). The float64 twin is core's FNO (src/core/surrogate/fno.ts): same layout
// (fnoLayout), same initialisation (initFnoParameters, uploaded), the same real DFT matrices (core's dftMatrices,
// rounded once to float32), the same mean-squared loss of the residual (fnoLossAndGradients) and the same Adam.
//
// Data path: a batch of (input, residual) pairs is uploaded with setBatch() and stays on the GPU; step() trains on
// the batch in the buffer (the bench uploads one fixed batch once; a reservoir feeding fresh pairs is not built).
//
// One step of an L-block FNO is 8L + 9 dispatches, recorded S at a time into one compute pass, no upload, no readback:
//   forward   lift (1); per block: V̂ = DFT (1), Ŵ = R·V̂ (1), s = irfft(Ŵ) + W_skip h + b and h ← φ(s) (1);
//             P₁ and φ (1); head: P₂, loss into the ring, Δ = ∂ℒ/∂r̂ (1)                         = 3L + 3
//   backward  ∇P̄₂ (1), Δ_q = P₂ᵀΔ ⊙ φ′ (1), ∇P̄₁ (1), ∂ℒ/∂h^L = P₁ᵀΔ_q (1);
//             per block: ∇W̄_skip (1), G = (Δ C′ᵀ, Δ S′ᵀ) (1), ∇R (1), ∂ℒ/∂V̂ = conj(R)ᵀG (1),
//             ∂ℒ/∂h = W_skipᵀΔ + ∂ℒ/∂V̂ (C, S), ⊙ φ′(s_{l−1}) (1); ∇W̄_lift (1)                   = 5L + 5
//   update    nn adam (1)
// Each consumes values other workgroups wrote in the previous one, and WebGPU synchronises workgroups only between
// dispatches. Pipelines, bind groups and buffers are created in the constructor; step() creates nothing.

import fnoTrainWgsl from '../../../shaders/nn/fno_train.wgsl?raw';
import nnActivationWgsl from '../../../shaders/nn/activation.wgsl?raw';
import nnStateWgsl from '../../../shaders/nn/state.wgsl?raw';
import { shaders } from '../../../shaders/index.ts';
import { type FnoConfig, type FnoLayout, dftMatrices, fnoLayout, initFnoParameters } from '../../core/surrogate/fno.ts';
import { ADAM_DEFAULTS, type AdamOptions } from '../../core/train/optimizers.ts';
import { barrierWorkgroupSize, bindGroup, getKernel, type Kernel, type KernelDefinition } from '../../gpu/kernels.ts';
import { readBuffer, readFloat32 } from '../../gpu/readback.ts';
import { TrainingStateReader, type TrainingCounts, stateWords } from './trainingState.ts';

// nn/activation.wgsl gives the override ACTIVATION and the stable σ and tanh (fno_train.wgsl maps its own codes)
const FNO_CODE = `${nnActivationWgsl}\n${nnStateWgsl}\n${fnoTrainWgsl}`;
const FNO_BINDINGS: KernelDefinition['bindings'] = ['uniform', 'read-only-storage', 'read-only-storage', 'storage', 'storage', 'storage'];

export const FNO_KERNELS = {
  channelMix: { label: 'fno channel mix', code: FNO_CODE, entryPoint: 'fno_channel_mix', bindings: FNO_BINDINGS },
  modes: { label: 'fno modes', code: FNO_CODE, entryPoint: 'fno_modes', bindings: FNO_BINDINGS },
  mix: { label: 'fno mix', code: FNO_CODE, entryPoint: 'fno_mix', bindings: FNO_BINDINGS },
  spectralGrad: { label: 'fno spectral grad', code: FNO_CODE, entryPoint: 'fno_spectral_grad', bindings: FNO_BINDINGS },
  weightGrad: { label: 'fno weight grad', code: FNO_CODE, entryPoint: 'fno_weight_grad', bindings: FNO_BINDINGS },
  head: { label: 'fno head', code: FNO_CODE, entryPoint: 'fno_head', bindings: FNO_BINDINGS },
  adam: { label: 'nn adam', code: shaders.nnOptimizers, entryPoint: 'nn_adam', bindings: ['uniform', 'storage', 'read-only-storage', 'storage', 'storage'] },
} satisfies Record<string, KernelDefinition>;

type KernelName = keyof typeof FNO_KERNELS;

const ACTIVATION_CODE = { gelu: 0, silu: 1, relu: 2, tanh: 3 } as const;
const UNIFORM_SLOT = 256;
const WORKGROUP = 64;
const MAX_GROUPS_X = 65535;
const HEAD_THREADS = 256;

function grid(count: number): [number, number] {
  const groups = Math.max(1, Math.ceil(count / WORKGROUP));
  const x = Math.min(groups, MAX_GROUPS_X);
  return [x, Math.ceil(groups / x)];
}

/** Dispatches of one training step of an L-block FNO (see the header). */
export function fnoDispatchesPerStep(layout: FnoLayout): number {
  return 8 * layout.blocks.length + 9;
}

export interface GpuFnoConfig {
  model: FnoConfig;
  batch: number;
  /** Adam hyperparameters; core's defaults (ADAM_DEFAULTS) for those left out */
  adam?: Partial<AdamOptions>;
  /** losses kept on the GPU between two readLosses() calls (default 4096) */
  lossCapacity?: number;
  /** training steps recorded into one command buffer (default 64) */
  stepsPerCommandBuffer?: number;
}

/** the uniform fields of fno_train.wgsl's Fno struct, by word */
interface Uniform {
  rows?: number;
  cols?: number;
  paramOffset?: number;
  strideRow?: number;
  strideCol?: number;
  hasBias?: boolean;
  inOff?: number;
  outOff?: number;
  auxOff?: number;
  specRe?: number;
  specIm?: number;
  matA?: number;
  matB?: number;
  epilogue?: 0 | 1 | 2;
  weightRe?: number;
  weightIm?: number;
  adjoint?: boolean;
  xRe?: number;
  xIm?: number;
  yRe?: number;
  yIm?: number;
  advance?: boolean;
  targetOff?: number;
  hasSpec?: boolean;
}

interface Dispatch {
  kernel: KernelName;
  group: GPUBindGroup;
  grid: [number, number];
}

export type GpuFnoCounts = TrainingCounts;

export class GpuFnoTrainer {
  readonly layout: FnoLayout;
  readonly batch: number;
  readonly dispatchesPerStep: number;
  readonly lossCapacity: number;
  private readonly stepsPerCommandBuffer: number;
  private readonly adamOptions: AdamOptions;
  private readonly buffers: GPUBuffer[] = [];
  private readonly params: GPUBuffer;
  private readonly grads: GPUBuffer;
  private readonly moments: GPUBuffer;
  private readonly work: GPUBuffer;
  private readonly state: GPUBuffer;
  private readonly optimizerUniform: GPUBuffer;
  private readonly kernels: Record<KernelName, Kernel>;
  /** work-buffer regions (f32 offsets) */
  readonly regions: { input: number; targets: number; hidden: number[]; output: number };
  private readonly forwardDispatches: Dispatch[] = [];
  private readonly headStep: Dispatch;
  private readonly headProbe: Dispatch;
  private readonly backwardDispatches: Dispatch[] = [];
  private readonly update: Dispatch;
  private readonly stateReader: TrainingStateReader;
  private destroyed = false;

  constructor(
    readonly device: GPUDevice,
    config: GpuFnoConfig,
    readonly seed: number,
  ) {
    const { model, batch } = config;
    if (!Number.isInteger(batch) || batch < 1) throw new Error(`batch: got ${batch}; must be an integer ≥ 1`);
    if (!(model.activation in ACTIVATION_CODE)) throw new Error(`activation: got ${model.activation}; the GPU FNO has ${Object.keys(ACTIVATION_CODE).join(', ')}`);
    this.layout = fnoLayout(model);
    this.batch = batch;
    this.dispatchesPerStep = fnoDispatchesPerStep(this.layout);
    this.lossCapacity = config.lossCapacity ?? 4096;
    this.stepsPerCommandBuffer = config.stepsPerCommandBuffer ?? 64;
    this.adamOptions = { ...ADAM_DEFAULTS, ...config.adam };
    const layout = this.layout;
    const { n, inChannels: cin, outChannels: cout, width: w } = model;
    const K = layout.keptModes;
    const L = layout.blocks.length;
    const B = batch;
    const P = layout.parameterCount;

    // work-buffer regions
    let top = 0;
    const region = (size: number) => {
      const at = top;
      top += size;
      return at;
    };
    const input = region(B * cin * n);
    const targets = region(B * cout * n);
    const hidden = Array.from({ length: L + 1 }, () => region(B * w * n));
    const pre = Array.from({ length: L }, () => region(B * w * n));
    const vRe = Array.from({ length: L }, () => region(B * w * K));
    const vIm = Array.from({ length: L }, () => region(B * w * K));
    const mixRe = region(B * w * K);
    const mixIm = region(B * w * K);
    const projectPre = region(B * 2 * w * n);
    const projectHidden = region(B * 2 * w * n);
    const output = region(B * cout * n);
    const gradOutput = region(B * cout * n);
    const gradProject = region(B * 2 * w * n);
    const gradHidden = [region(B * w * n), region(B * w * n)];
    const gRe = region(B * w * K);
    const gIm = region(B * w * K);
    const dvRe = region(B * w * K);
    const dvIm = region(B * w * K);
    this.regions = { input, targets, hidden, output };

    const gpu = device;
    const make = (label: string, bytes: number, usage: number) => {
      const buffer = gpu.createBuffer({ label: `fno ${label}`, size: Math.max(16, Math.ceil(bytes / 4) * 4), usage });
      this.buffers.push(buffer);
      return buffer;
    };
    const S = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
    const U = GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
    this.params = make('parameters', 4 * P, S);
    this.grads = make('gradients', 4 * P, S);
    this.moments = make('adam moments', 8 * P, S);
    this.work = make('work', 4 * top, S);
    const words = stateWords(this.lossCapacity);
    this.state = make('trainer state', 4 * words, S);
    this.stateReader = new TrainingStateReader(gpu, this.state, make('loss staging', 4 * words, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST), this.lossCapacity);
    // core's float64 matrices, rounded once: C, S, C′, S′ (K × N each)
    const T = dftMatrices(n, K);
    const dftValues = new Float32Array(4 * K * n);
    [T.forwardCos, T.forwardSin, T.inverseCos, T.inverseSin].forEach((m, i) => dftValues.set(m, i * K * n));
    const dft = make('dft matrices', dftValues.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
    gpu.queue.writeBuffer(dft, 0, dftValues);
    const [C, Sf, Ci, Si] = [0, K * n, 2 * K * n, 3 * K * n];
    this.optimizerUniform = make('optimizer uniform', 64, U);

    const headThreads = barrierWorkgroupSize(gpu, HEAD_THREADS);
    this.kernels = Object.fromEntries(
      (Object.keys(FNO_KERNELS) as KernelName[]).map((name) => [
        name,
        getKernel(gpu, FNO_KERNELS[name], name === 'adam' ? undefined : name === 'head' ? { THREADS: headThreads, ACTIVATION: ACTIVATION_CODE[model.activation] } : { ACTIVATION: ACTIVATION_CODE[model.activation] }),
      ]),
    ) as Record<KernelName, Kernel>;

    // every dispatch's uniform slot, written once
    const slots: { kernel: KernelName; fields: Uniform; count: number }[] = [];
    const scale = 2 / (B * cout * n);
    const inv = 1 / (B * cout * n);
    const add = (kernel: KernelName, fields: Uniform, count: number) => {
      slots.push({ kernel, fields, count });
      return slots.length - 1;
    };
    // forward: W̄ = [W | b] row-major, rows = out channels
    const linear = (shape: { inputDim: number; outputDim: number; offset: number }) => ({ rows: shape.outputDim, cols: shape.inputDim, paramOffset: shape.offset, strideRow: shape.inputDim + 1, strideCol: 1, hasBias: true });
    // its transpose: rows = in channels, sums over out channels, no bias
    const transposed = (shape: { inputDim: number; outputDim: number; offset: number }) => ({ rows: shape.inputDim, cols: shape.outputDim, paramOffset: shape.offset, strideRow: 1, strideCol: shape.inputDim + 1, hasBias: false });
    const forward: number[] = [];
    forward.push(add('channelMix', { ...linear(layout.lift), inOff: input, outOff: hidden[0], epilogue: 0 }, B * w * n));
    layout.blocks.forEach((block, l) => {
      forward.push(add('modes', { rows: w, inOff: hidden[l], matA: C, matB: Sf, yRe: vRe[l], yIm: vIm[l] }, B * w * K));
      forward.push(add('mix', { rows: w, weightRe: block.spectralRe, weightIm: block.spectralIm, adjoint: false, xRe: vRe[l], xIm: vIm[l], yRe: mixRe, yIm: mixIm }, B * w * K));
      const last = l === L - 1;
      forward.push(
        add(
          'channelMix',
          { ...linear(block.skip), inOff: hidden[l], hasSpec: true, specRe: mixRe, specIm: mixIm, matA: Ci, matB: Si, ...(last ? { outOff: hidden[l + 1], epilogue: 0 } : { outOff: pre[l], auxOff: hidden[l + 1], epilogue: 1 }) },
          B * w * n,
        ),
      );
    });
    forward.push(add('channelMix', { ...linear(layout.project1), inOff: hidden[L], outOff: projectPre, auxOff: projectHidden, epilogue: 1 }, B * 2 * w * n));
    const headFields: Uniform = { ...linear(layout.project2), inOff: projectHidden, outOff: output, auxOff: gradOutput, targetOff: targets };
    const headStep = add('head', { ...headFields, advance: true }, 1);
    const headProbe = add('head', { ...headFields, advance: false }, 1);
    const backward: number[] = [];
    const weightGrad = (shape: { inputDim: number; outputDim: number; offset: number }, inOff: number, gradOff: number) =>
      add('weightGrad', { rows: shape.outputDim, cols: shape.inputDim, paramOffset: shape.offset, inOff, auxOff: gradOff }, shape.outputDim * (shape.inputDim + 1));
    backward.push(weightGrad(layout.project2, projectHidden, gradOutput));
    backward.push(add('channelMix', { ...transposed(layout.project2), inOff: gradOutput, outOff: gradProject, auxOff: projectPre, epilogue: 2 }, B * 2 * w * n));
    backward.push(weightGrad(layout.project1, hidden[L], gradProject));
    // ∂ℒ/∂s of the last block = ∂ℒ/∂h^L (no activation after it)
    backward.push(add('channelMix', { ...transposed(layout.project1), inOff: gradProject, outOff: gradHidden[(L - 1) % 2], epilogue: 0 }, B * w * n));
    for (let l = L - 1; l >= 0; l--) {
      const block = layout.blocks[l];
      const gs = gradHidden[l % 2];
      const next = gradHidden[(l + 1) % 2];
      backward.push(weightGrad(block.skip, hidden[l], gs));
      backward.push(add('modes', { rows: w, inOff: gs, matA: Ci, matB: Si, yRe: gRe, yIm: gIm }, B * w * K));
      backward.push(add('spectralGrad', { rows: w, weightRe: block.spectralRe, weightIm: block.spectralIm, xRe: vRe[l], xIm: vIm[l], yRe: gRe, yIm: gIm }, w * w * K));
      backward.push(add('mix', { rows: w, weightRe: block.spectralRe, weightIm: block.spectralIm, adjoint: true, xRe: gRe, xIm: gIm, yRe: dvRe, yIm: dvIm }, B * w * K));
      backward.push(
        add(
          'channelMix',
          { ...transposed(block.skip), inOff: gs, outOff: next, hasSpec: true, specRe: dvRe, specIm: dvIm, matA: C, matB: Sf, ...(l > 0 ? { auxOff: pre[l - 1], epilogue: 2 } : { epilogue: 0 }) },
          B * w * n,
        ),
      );
    }
    backward.push(weightGrad(layout.lift, input, gradHidden[1]));

    const slotData = new ArrayBuffer(UNIFORM_SLOT * slots.length);
    const grids: [number, number][] = [];
    slots.forEach(({ kernel, fields: f, count }, i) => {
      const g = kernel === 'head' ? ([1, 1] as [number, number]) : grid(count);
      grids.push(g);
      const uw = new Uint32Array(slotData, i * UNIFORM_SLOT, 32);
      const fw = new Float32Array(slotData, i * UNIFORM_SLOT, 32);
      const b = (v: boolean | undefined) => (v ? 1 : 0);
      uw.set([
        B,
        n,
        K,
        g[0],
        f.rows ?? 0,
        f.cols ?? 0,
        f.paramOffset ?? 0,
        f.strideRow ?? 0,
        f.strideCol ?? 0,
        b(f.hasBias),
        f.inOff ?? 0,
        f.outOff ?? 0,
        f.auxOff ?? 0,
        f.specRe ?? 0,
        f.specIm ?? 0,
        f.matA ?? 0,
        f.matB ?? 0,
        f.epilogue ?? 0,
        f.weightRe ?? 0,
        f.weightIm ?? 0,
        b(f.adjoint),
        f.xRe ?? 0,
        f.xIm ?? 0,
        f.yRe ?? 0,
        f.yIm ?? 0,
        b(f.advance),
        this.lossCapacity,
        f.targetOff ?? 0,
      ]);
      fw[28] = scale;
      fw[29] = inv;
      uw[30] = b(f.hasSpec);
    });
    const uniforms = make('uniforms', slotData.byteLength, U);
    gpu.queue.writeBuffer(uniforms, 0, slotData);
    const dispatchOf = (i: number): Dispatch => {
      const kernel = slots[i].kernel;
      const group = bindGroup(gpu, this.kernels[kernel], [
        { buffer: uniforms, offset: i * UNIFORM_SLOT, size: 128 },
        { buffer: this.params },
        { buffer: dft },
        { buffer: this.work },
        { buffer: this.grads },
        { buffer: this.state },
      ]);
      return { kernel, group, grid: grids[i] };
    };
    this.forwardDispatches = forward.map(dispatchOf);
    this.headStep = dispatchOf(headStep);
    this.headProbe = dispatchOf(headProbe);
    this.backwardDispatches = backward.map(dispatchOf);
    const updateGrid = grid(P);
    this.writeOptimizerUniform(updateGrid[0]);
    this.update = {
      kernel: 'adam',
      group: bindGroup(gpu, this.kernels.adam, [{ buffer: this.optimizerUniform }, { buffer: this.params }, { buffer: this.grads }, { buffer: this.moments }, { buffer: this.state }]),
      grid: updateGrid,
    };
    if (1 + this.forwardDispatches.length + this.backwardDispatches.length + 1 !== this.dispatchesPerStep) throw new Error('fno trainer: dispatch count mismatch');
    this.setParameters(initFnoParameters(layout, seed));
  }

  get lr(): number {
    return this.adamOptions.lr;
  }
  set lr(value: number) {
    this.adamOptions.lr = value;
    this.writeOptimizerUniform(grid(this.layout.parameterCount)[0]);
  }

  private writeOptimizerUniform(groupsX: number): void {
    const a = this.adamOptions;
    const data = new ArrayBuffer(64);
    const u = new Uint32Array(data);
    const f = new Float32Array(data);
    u[0] = this.layout.parameterCount;
    u[1] = groupsX;
    u[2] = a.decoupledWeightDecay ? 1 : 0;
    u[3] = 0;
    // as GpuMlpTrainer: 1 − β and ln β in float64, then rounded once (SGD's fields unused)
    f.set([a.lr, a.beta1, a.beta2, 1 - a.beta1, 1 - a.beta2, a.eps, a.weightDecay, Math.log(a.beta1), Math.log(a.beta2), 0, 1], 4);
    this.device.queue.writeBuffer(this.optimizerUniform, 0, data);
  }

  private check(): void {
    if (this.destroyed) throw new Error('GpuFnoTrainer: used after destroy()');
  }

  private encode(pass: GPUComputePassEncoder, list: Dispatch[]): void {
    for (const d of list) {
      pass.setPipeline(this.kernels[d.kernel].pipeline);
      pass.setBindGroup(0, d.group);
      pass.dispatchWorkgroups(...d.grid);
    }
  }

  /** Record and submit `count` training steps on the batch in the buffers (one submit): forward, loss, backward, Adam. */
  step(count = 1): void {
    this.check();
    if (!Number.isInteger(count) || count < 0) throw new Error(`step count: got ${count}; must be an integer ≥ 0`);
    if (count === 0) return;
    const commands: GPUCommandBuffer[] = [];
    for (let done = 0; done < count; done += this.stepsPerCommandBuffer) {
      const steps = Math.min(this.stepsPerCommandBuffer, count - done);
      const encoder = this.device.createCommandEncoder({ label: 'fno training steps' });
      const pass = encoder.beginComputePass({ label: 'fno training steps' });
      for (let s = 0; s < steps; s++) {
        this.encode(pass, this.forwardDispatches);
        this.encode(pass, [this.headStep]);
        this.encode(pass, this.backwardDispatches);
        this.encode(pass, [this.update]);
      }
      pass.end();
      commands.push(encoder.finish());
    }
    this.device.queue.submit(commands);
  }

  /**
   * Upload a batch in core's encoding: inputs B × inChannels × N (channel-major per sample, as fnoForward takes) and
   * targets (the residuals) B × outChannels × N. It stays on the GPU for every following step.
   */
  setBatch(inputs: Float64Array, targets: Float64Array): void {
    this.check();
    const { n, inChannels, outChannels } = this.layout.config;
    if (inputs.length !== this.batch * inChannels * n) throw new Error(`inputs: got ${inputs.length} values; expected ${this.batch * inChannels * n}`);
    if (targets.length !== this.batch * outChannels * n) throw new Error(`targets: got ${targets.length} values; expected ${this.batch * outChannels * n}`);
    this.device.queue.writeBuffer(this.work, 4 * this.regions.input, Float32Array.from(inputs));
    this.device.queue.writeBuffer(this.work, 4 * this.regions.targets, Float32Array.from(targets));
  }

  /** Forward, loss and backward on the batch in the buffers, no update; the loss goes to the probe slot. */
  evaluateGradients(): void {
    this.check();
    const encoder = this.device.createCommandEncoder({ label: 'fno gradient probe' });
    const pass = encoder.beginComputePass({ label: 'fno gradient probe' });
    this.encode(pass, this.forwardDispatches);
    this.encode(pass, [this.headProbe]);
    this.encode(pass, this.backwardDispatches);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  /** the losses of the steps recorded since the last call (one readback); see GpuMlpTrainer.readLosses */
  async readLosses(): Promise<{ firstStep: number; losses: Float32Array }> {
    this.check();
    return this.stateReader.losses();
  }

  /** the loss of the last evaluateGradients() */
  async probeLoss(): Promise<number> {
    return this.stateReader.probeLoss();
  }

  async counts(): Promise<GpuFnoCounts> {
    this.check();
    return this.stateReader.counts();
  }

  async parameters(): Promise<Float64Array> {
    this.check();
    return Float64Array.from(await readFloat32(this.device, this.params));
  }

  setParameters(params: Float64Array): void {
    this.check();
    if (params.length !== this.layout.parameterCount) throw new Error(`parameters: got ${params.length} values; the layout has ${this.layout.parameterCount}`);
    this.device.queue.writeBuffer(this.params, 0, Float32Array.from(params));
  }

  /** ∂ℒ/∂θ of the last backward pass, in core's layout */
  async gradients(): Promise<Float64Array> {
    this.check();
    return Float64Array.from(await readFloat32(this.device, this.grads));
  }

  /** r̂ of the last forward pass, B × outChannels × N */
  async output(): Promise<Float64Array> {
    this.check();
    const { n, outChannels } = this.layout.config;
    const bytes = 4 * this.batch * outChannels * n;
    return Float64Array.from(new Float32Array(await readBuffer(this.device, this.work, 4 * this.regions.output, bytes)));
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const buffer of this.buffers) buffer.destroy();
  }
}

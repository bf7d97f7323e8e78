// The GPU PDE engine (issue #5; DESIGN §2, §4; specs/pde.md §9.1): runs a `PdeProblem`'s stepper program in
// float32 with the state kept in spectral space on the GPU. Only displays and metrics transform back.
//
// - One register file [register][channel][k] (vec2f) holds every register of the program; one buffer holds every
//   coefficient array [array][channel][k], uploaded once as f32 from core's float64 arrays.
// - The program's elementwise work is fused into `stage` dispatches (planStages): the end of one nonlinear
//   evaluation (accumulate), a combine and the start of the next evaluation (spectral inputs) are one dispatch, so
//   a nonlinear evaluation costs inverse FFT (batch NI) → pointwise (a kernel generated from the equation's WGSL
//   snippet) → FFT (batch NO) plus its share of the stages, and the combines cost nothing extra. Each stage has a
//   256-byte parameter slot in one uniform buffer written once (dynamic offsets).
// - Every step ends with finish_step: the Hermitian projection of real fields (run.ts PdeProblem.mirror; a
//   separate pass, with index-math mirrors, because the last combine usually reads the register it writes) and
//   the NaN/Inf watchdog, which marks the step's index within the batch; one watch_fold per batch turns the first
//   marked index into a global step number. `advance(K)` is one submit and a 16-byte readback.
// - The initial spectrum is the float64 FFT of the initial state (core), rounded once to f32.

import { shaders } from '../../../shaders/index.ts';
import { fftNd } from '../../core/pde/fft.ts';
import { fftShape, gridSize } from '../../core/pde/grid.ts';
import { PdeDivergence, type PdeProblem } from '../../core/pde/run.ts';
import type { StepperOp } from '../../core/pde/types.ts';
import { bindGroup, getKernel, type Kernel, type KernelDefinition } from '../../gpu/kernels.ts';
import { readFloat32, submitAndRead } from '../../gpu/readback.ts';
import { checkFftShape, createFftPlan, type FftPlan } from './gpuFft.ts';
import type { PdeStepper } from './pdeRun.ts';

/** bytes per parameter slot (WebGPU's minUniformBufferOffsetAlignment is at most 256) */
const SLOT = 256;
/** workgroup size of the elementwise kernels (WG in pde.wgsl) */
const WG = 64;
/** WebGPU's guaranteed maxComputeWorkgroupsPerDimension */
const MAX_GROUPS_PER_DIMENSION = 65535;
/** terms of one combine (CombineOp in pde.wgsl; RK4's last combine has 9) */
export const MAX_COMBINE_TERMS = 12;
/** bytes of one CombineOp in the combine list (its storage-array stride) */
const COMBINE_BYTES = 208;
/** inputs or outputs of a nonlinear term (Layout.in_channel / out_channel in pde.wgsl) */
export const MAX_NONLINEAR_FIELDS = 8;
/** steps per watchdog batch: one parameter slot per in-batch index */
export const MAX_BATCH = 1024;
/** workgroup size and most workgroups per channel of the stats reduction (ST_WG in pde.wgsl) */
const STATS_WG = 256;
const MAX_STATS_GROUPS = 256;
const LAYOUT_BYTES = 112;
const NONE = 0xffffffff;

export const PDE_KERNELS = {
  stage: {
    label: 'pde stage',
    code: shaders.pde,
    entryPoint: 'stage',
    bindings: ['uniform', 'uniform-dynamic', 'storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage', 'read-only-storage'],
  },
  finishStep: { label: 'pde finish step', code: shaders.pde, entryPoint: 'finish_step', bindings: ['uniform', 'uniform-dynamic', 'storage', 'storage'] },
  watchFold: { label: 'pde watch fold', code: shaders.pde, entryPoint: 'watch_fold', bindings: ['uniform', 'uniform-dynamic', 'storage', 'storage'] },
  statsPartial: { label: 'pde stats partial', code: shaders.pde, entryPoint: 'stats_partial', bindings: ['uniform', 'read-only-storage', 'storage', 'storage'] },
  statsFinal: { label: 'pde stats final', code: shaders.pde, entryPoint: 'stats_final', bindings: ['uniform', 'read-only-storage', 'storage', 'storage'] },
} satisfies Record<string, KernelDefinition>;

/** per channel of the physical field: min/max/mean of the real part, mean |u|² (energy density) and max |u| */
export interface FieldStats {
  min: number[];
  max: number[];
  mean: number[];
  meanSquare: number[];
  maxAbs: number[];
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;

/** FNV-1a of a string, as 8 hex digits (labels of generated modules: pipelines are cached per label) */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** the problem's parameter names in the order of `struct Params` */
function paramNames(problem: PdeProblem): string[] {
  return Object.keys(problem.params);
}

/**
 * The per-equation pointwise kernel: `struct Params` (f32 fields named like the equation's parameters, read as
 * `P.<name>`), NI and NO, and the equation's snippet as the body of `fn pointwise`, before the template.
 */
export function pointwiseKernel(problem: PdeProblem): KernelDefinition {
  const term = problem.nonlinear;
  if (!term) throw new Error(`${problem.equation.id} has no nonlinear term`);
  const names = paramNames(problem);
  for (const name of names) if (!IDENTIFIER.test(name)) throw new Error(`parameter name "${name}" of ${problem.equation.id} is not a WGSL identifier`);
  const ni = term.inputs.length;
  const no = term.outputs.length;
  const fields = names.length ? names.map((name) => `  ${name}: f32,`) : ['  _unused: f32,'];
  const code = [
    `// generated for ${problem.equation.id} (${problem.grid.n.length}D)`,
    'struct Params {',
    ...fields,
    '}',
    `const NI: u32 = ${ni}u;`,
    `const NO: u32 = ${no}u;`,
    `fn pointwise(inp: array<vec2f, ${ni}>, x: vec2f) -> array<vec2f, ${no}> {`,
    `  ${term.wgsl}`,
    '}',
    shaders.pdePointwise,
  ].join('\n');
  return {
    label: `pde pointwise ${problem.equation.id} ${hash(code)}`,
    code,
    entryPoint: 'pointwise_main',
    bindings: ['uniform', 'uniform', 'read-only-storage', 'storage'],
  };
}

/** workgroups covering `count` invocations of a 64-wide kernel, as a 2D grid within the per-dimension limit */
function linearGroups(count: number): [number, number] {
  const groups = Math.max(1, Math.ceil(count / WG));
  const x = Math.min(groups, MAX_GROUPS_PER_DIMENSION);
  return [x, Math.ceil(groups / x)];
}

/** records dispatches into compute passes, closing the open pass before an FFT (which records its own) */
class Recorder {
  private pass: GPUComputePassEncoder | null = null;
  dispatches = 0;

  constructor(
    readonly encoder: GPUCommandEncoder,
    readonly label: string,
  ) {}

  dispatch(kernel: Kernel, group: GPUBindGroup, offsets: number[], groups: [number, number]): void {
    this.pass ??= this.encoder.beginComputePass({ label: this.label });
    this.pass.setPipeline(kernel.pipeline);
    this.pass.setBindGroup(0, group, offsets);
    this.pass.dispatchWorkgroups(groups[0], groups[1]);
    this.dispatches++;
  }

  fft(plan: FftPlan, buffer: GPUBuffer, inverse: boolean): void {
    this.end();
    plan.encode(this.encoder, buffer, inverse);
    this.dispatches += plan.dispatchesPerTransform;
  }

  end(): void {
    this.pass?.end();
    this.pass = null;
  }
}

type CompiledOp = (recorder: Recorder) => void;

type CombineOp = Extract<StepperOp, { op: 'combine' }>;

/** one dispatch of pde.wgsl's `stage` kernel: its parts, by register name (see StageOp there) */
export interface Stage {
  kind: 'stage';
  /** the register N̂ is accumulated into (the end of a nonlinear evaluation) */
  accumulate?: string;
  /** applied in order, each at every point */
  combines: CombineOp[];
  /** the register the next nonlinear evaluation reads (the start of that evaluation) */
  inputs?: string;
}

/** a nonlinear evaluation's transforms: inverse FFT, pointwise, FFT */
export type Unit = Stage | { kind: 'transforms' };

/**
 * The dispatch plan of a stepper program (issue #9's budget: combines cost no dispatch of their own). A nonlinear
 * op dst = N̂(src) is inputs(src) · transforms · accumulate(dst); the elementwise parts between two transforms form
 * one stage, in the order accumulate → combines → inputs (a part that would come after the stage's inputs opens a
 * new stage, which happens only without a transform in between). ETDRK4 (N c N c N c N c) becomes
 * [inputs] T [acc c inputs] T [acc c inputs] T [acc c inputs] T [acc c]: 4 transforms and 5 stages, where unfused
 * it took 4 × 2 + 4 separate dispatches; SBDF2's history updates (N c c c c) join its one stage. Without a
 * nonlinear term (N ≡ 0) a nonlinear op only clears its destination, and only when a combine also writes it
 * (`rewritten`): a combine with no terms.
 */
export function planStages(ops: readonly StepperOp[], nonlinear: boolean, rewritten: (reg: string) => boolean): Unit[] {
  const units: Unit[] = [];
  let open: Stage | null = null;
  const addCombine = (combine: CombineOp) => {
    if (open && open.inputs === undefined) open.combines.push(combine);
    else units.push((open = { kind: 'stage', combines: [combine] }));
  };
  for (const op of ops) {
    if (op.op === 'combine') {
      addCombine(op);
    } else if (!nonlinear) {
      if (rewritten(op.dst)) addCombine({ op: 'combine', dst: op.dst, terms: [] });
    } else {
      if (open && open.inputs === undefined) open.inputs = op.src;
      else units.push({ kind: 'stage', combines: [], inputs: op.src });
      units.push({ kind: 'transforms' });
      units.push((open = { kind: 'stage', accumulate: op.dst, combines: [] }));
    }
  }
  return units;
}

export class GpuPdeSolver {
  readonly device: GPUDevice;
  readonly problem: PdeProblem;
  /** dispatches of one (non-first) step, FFT passes included; one watch_fold more per batch of ≤ MAX_BATCH steps */
  readonly dispatchesPerStep: number;
  private stepCount = 0;
  private readonly label: string;
  private readonly size: number;
  private readonly channels: number;
  private readonly stateBytes: number;
  private readonly vOffsetBytes: number;
  private readonly buffers: GPUBuffer[] = [];
  private readonly plans = new Map<number, FftPlan>();
  private readonly regs: GPUBuffer;
  private readonly display: GPUBuffer;
  private readonly watch: GPUBuffer;
  private readonly statsPartial: GPUBuffer;
  private readonly statsResult: GPUBuffer;
  private readonly statsGroups: number;
  private readonly firstOps: CompiledOp[];
  private readonly stepOps: CompiledOp[];
  private readonly finishKernel: Kernel;
  private readonly foldKernel: Kernel;
  private readonly finishGroup: GPUBindGroup;
  private readonly statsGroup: GPUBindGroup;
  /** the nonlinear term's kernels, bind groups, scratch buffers and FFT plans (null for a linear PDE) */
  private nonlinear: {
    pointKernel: Kernel;
    pointGroup: GPUBindGroup;
    inputs: GPUBuffer;
    outputs: GPUBuffer;
    inputPlan: FftPlan;
    outputPlan: FftPlan;
  } | null = null;
  private encoded = 0;

  constructor(device: GPUDevice, problem: PdeProblem, initialPhysical: Float64Array | Float32Array) {
    this.device = device;
    this.problem = problem;
    const { grid, program, channels, equation } = problem;
    const dims = grid.n.length;
    this.label = `pde ${equation.id} ${problem.stepper}`;
    if (dims > 2) throw new Error(`the GPU PDE engine runs 1D and 2D grids; got ${dims}D [${grid.n.join(', ')}]`);
    const shape = fftShape(grid);
    checkFftShape(shape);
    const size = gridSize(grid);
    this.size = size;
    this.channels = channels;
    if (initialPhysical.length !== 2 * channels * size) throw new Error(`initial state: expected ${2 * channels * size} numbers, got ${initialPhysical.length}`);
    const term = problem.nonlinear;
    const ni = term?.inputs.length ?? 0;
    const no = term?.outputs.length ?? 0;
    if (ni > MAX_NONLINEAR_FIELDS || no > MAX_NONLINEAR_FIELDS)
      throw new Error(`${equation.id}'s nonlinear term has ${ni} inputs and ${no} outputs; the GPU engine allows at most ${MAX_NONLINEAR_FIELDS} of each`);
    const regIndex = new Map(program.registers.map((name, i) => [name, i]));
    const arrayNames = Object.keys(program.coefficients);
    const arrayIndex = new Map(arrayNames.map((name, i) => [name, i]));
    const vIndex = regIndex.get('v');
    if (vIndex === undefined) throw new Error(`stepper ${problem.stepper}: its program has no register 'v'`);

    // ---- sizes: refuse before allocating anything -------------------------------------------------------
    const fieldBytes = 8 * size;
    const largest: [string, number][] = [
      [`${program.registers.length} registers × ${channels} channel(s)`, program.registers.length * channels],
      [`${arrayNames.length} coefficient arrays × ${channels} channel(s)`, arrayNames.length * channels],
      [`${ni + no} nonlinear multipliers`, ni + no],
    ];
    const [what, fields] = largest.reduce((a, b) => (b[1] > a[1] ? b : a));
    const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
    if (fields * fieldBytes > limit) {
      let n = 2;
      while ((2 * n) ** dims * 8 * fields <= limit) n *= 2;
      const largestGrid = Array(dims).fill(n).join('×');
      throw new Error(
        `${equation.id} with ${problem.stepper} on a ${grid.n.join('×')} grid needs a ${fields * fieldBytes}-byte GPU buffer (${what} × ${size} points × 8 bytes); ` +
          `this device's maxStorageBufferBindingSize is ${device.limits.maxStorageBufferBindingSize} bytes: the largest ${dims}D grid that fits is ${largestGrid}`,
      );
    }
    this.stateBytes = channels * fieldBytes;
    this.vOffsetBytes = vIndex * this.stateBytes;

    // ---- the stages and their op slots (validates the program's register and array names) -----------------------
    const allOps = [...program.first, ...program.step];
    // a linear PDE: N ≡ 0, and N-registers start at zero; only one that a combine also writes needs clearing
    const rewritten = (reg: string) => allOps.some((other) => other.op === 'combine' && other.dst === reg);
    const firstUnits = planStages(program.first, Boolean(term), rewritten);
    const stepUnits = planStages(program.step, Boolean(term), rewritten);
    const stages = [...firstUnits, ...stepUnits].filter((u): u is Stage => u.kind === 'stage');
    const slotData = new ArrayBuffer(Math.max(1, stages.length) * SLOT);
    const elementOffset = (reg: string) => {
      const r = regIndex.get(reg);
      if (r === undefined) throw new Error(`stepper ${problem.stepper}: unknown register '${reg}'`);
      return (r * this.stateBytes) / 8;
    };
    // StageOp in pde.wgsl: acc_dst, in_src, first_combine, combines; CombineOp (208 bytes): dst, terms, reg[12] @16,
    // coef[12] @64, scalar[12] @112
    const combineCount = stages.reduce((n, stage) => n + stage.combines.length, 0);
    const combineData = new ArrayBuffer(Math.max(1, combineCount) * COMBINE_BYTES);
    let nextCombine = 0;
    stages.forEach((stage, s) => {
      const view = new DataView(slotData, s * SLOT, SLOT);
      view.setUint32(0, stage.accumulate === undefined ? NONE : elementOffset(stage.accumulate), true);
      view.setUint32(4, stage.inputs === undefined ? NONE : elementOffset(stage.inputs), true);
      view.setUint32(8, nextCombine, true);
      view.setUint32(12, stage.combines.length, true);
      for (const op of stage.combines) {
        if (op.terms.length > MAX_COMBINE_TERMS) throw new Error(`stepper ${problem.stepper}: a combine with ${op.terms.length} terms exceeds ${MAX_COMBINE_TERMS}`);
        const combine = new DataView(combineData, nextCombine++ * COMBINE_BYTES, COMBINE_BYTES);
        combine.setUint32(0, elementOffset(op.dst), true);
        combine.setUint32(4, op.terms.length, true);
        op.terms.forEach(({ reg, coef }, j) => {
          combine.setUint32(16 + 4 * j, elementOffset(reg), true);
          if ('array' in coef) {
            const a = arrayIndex.get(coef.array);
            if (a === undefined) throw new Error(`stepper ${problem.stepper}: unknown coefficient array '${coef.array}'`);
            combine.setUint32(64 + 4 * j, (a * this.stateBytes) / 8, true);
          } else {
            combine.setUint32(64 + 4 * j, NONE, true);
            combine.setFloat32(112 + 8 * j, coef.scalar[0], true);
            combine.setFloat32(116 + 8 * j, coef.scalar[1], true);
          }
        });
      }
    });

    // the generated pointwise module (validates the parameter names)
    const pointDefinition = term ? pointwiseKernel(problem) : null;

    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
    const make = (label: string, bytes: number, usage: number) => {
      const buffer = device.createBuffer({ label: `${this.label} ${label}`, size: Math.max(16, bytes), usage });
      this.buffers.push(buffer);
      return buffer;
    };

    // ---- data -------------------------------------------------------------------------------------------
    this.regs = make('registers', program.registers.length * this.stateBytes, storage | GPUBufferUsage.COPY_SRC);
    const spectrum = Float64Array.from(initialPhysical);
    if (!equation.complexField) for (let i = 1; i < spectrum.length; i += 2) spectrum[i] = 0;
    fftNd(spectrum, shape, false, channels);
    device.queue.writeBuffer(this.regs, this.vOffsetBytes, Float32Array.from(spectrum));
    const coefs = make('coefficients', arrayNames.length * this.stateBytes, storage);
    arrayNames.forEach((name, a) => device.queue.writeBuffer(coefs, a * this.stateBytes, Float32Array.from(program.coefficients[name])));
    const mults = make('multipliers', (ni + no) * fieldBytes, storage);
    [...problem.inputMultipliers, ...problem.outputMultipliers].forEach((m, j) => device.queue.writeBuffer(mults, j * fieldBytes, Float32Array.from(m)));
    const inputs = make('nonlinear inputs', ni * fieldBytes, storage);
    const outputs = make('nonlinear outputs', no * fieldBytes, storage);
    this.display = make('physical', this.stateBytes, storage | GPUBufferUsage.COPY_SRC);

    // ---- uniforms: the layout, the op slots, the step slots, the parameters ---------------------------------
    this.statsGroups = Math.min(MAX_STATS_GROUPS, Math.ceil(size / STATS_WG));
    const layoutWords = new Uint32Array(LAYOUT_BYTES / 4);
    layoutWords.set([size, channels, grid.n[0], grid.n[1] ?? 1, ni, no, (vIndex * this.stateBytes) / 8, equation.complexField ? 0 : 1]);
    term?.inputs.forEach(({ channel }, j) => (layoutWords[8 + j] = channel));
    term?.outputs.forEach(({ channel }, j) => (layoutWords[16 + j] = channel));
    layoutWords[24] = this.statsGroups;
    const layout = make('layout', LAYOUT_BYTES, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    device.queue.writeBuffer(layout, 0, layoutWords);

    const stageSlots = make('stage slots', slotData.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    device.queue.writeBuffer(stageSlots, 0, slotData);
    const combineList = make('combines', combineData.byteLength, storage);
    device.queue.writeBuffer(combineList, 0, combineData);

    const stepSlots = make('step slots', MAX_BATCH * SLOT, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    const stepData = new Uint32Array((MAX_BATCH * SLOT) / 4);
    for (let i = 0; i < MAX_BATCH; i++) stepData[(i * SLOT) / 4] = i;
    device.queue.writeBuffer(stepSlots, 0, stepData);

    this.watch = make('watchdog', 16, storage | GPUBufferUsage.COPY_SRC);
    device.queue.writeBuffer(this.watch, 0, Uint32Array.from([NONE, NONE, 0, 0]));

    this.statsPartial = make('stats partials', channels * this.statsGroups * 32, GPUBufferUsage.STORAGE);
    this.statsResult = make('stats', channels * 32, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);

    // ---- kernels, bind groups, compiled ops ---------------------------------------------------------------
    const kernel = (name: keyof typeof PDE_KERNELS) => getKernel(device, PDE_KERNELS[name]);
    const slotBinding = (buffer: GPUBuffer, bytes: number) => ({ buffer, offset: 0, size: bytes });
    const stageKernel = kernel('stage');
    const stageGroup = bindGroup(device, stageKernel, [
      { buffer: layout },
      slotBinding(stageSlots, SLOT),
      { buffer: this.regs },
      { buffer: coefs },
      { buffer: mults },
      { buffer: outputs },
      { buffer: inputs },
      { buffer: combineList },
    ]);
    this.finishKernel = kernel('finishStep');
    this.foldKernel = kernel('watchFold');
    this.finishGroup = bindGroup(device, this.finishKernel, [{ buffer: layout }, slotBinding(stepSlots, 16), { buffer: this.regs }, { buffer: this.watch }]);
    this.statsGroup = bindGroup(device, kernel('statsPartial'), [{ buffer: layout }, { buffer: this.display }, { buffer: this.statsPartial }, { buffer: this.statsResult }]);

    if (pointDefinition) this.prepareNonlinear(pointDefinition, inputs, outputs);
    const stateGroups = linearGroups(channels * size);
    let slot = 0;
    const compile = (units: Unit[]): CompiledOp[] =>
      units.map((unit) => {
        if (unit.kind === 'transforms') return (r) => this.encodeTransforms(r);
        const offsets = [slot++ * SLOT];
        return (r) => r.dispatch(stageKernel, stageGroup, offsets, stateGroups);
      });
    this.firstOps = compile(firstUnits);
    this.stepOps = compile(stepUnits);
    const transformDispatches = this.nonlinear ? this.nonlinear.inputPlan.dispatchesPerTransform + 1 + this.nonlinear.outputPlan.dispatchesPerTransform : 0;
    this.dispatchesPerStep = stepUnits.reduce((sum, u) => sum + (u.kind === 'stage' ? 1 : transformDispatches), 0) + 1;
  }

  private plan(batch: number): FftPlan {
    let plan = this.plans.get(batch);
    if (!plan) this.plans.set(batch, (plan = createFftPlan(this.device, fftShape(this.problem.grid), batch)));
    return plan;
  }

  private prepareNonlinear(pointDefinition: KernelDefinition, inputs: GPUBuffer, outputs: GPUBuffer): void {
    const { device, problem } = this;
    const term = problem.nonlinear!;
    const names = paramNames(problem);
    const params = new Float32Array(Math.max(4, Math.ceil(names.length / 4) * 4));
    names.forEach((name, i) => (params[i] = problem.params[name]));
    const paramBuffer = device.createBuffer({ label: `${this.label} parameters`, size: params.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.buffers.push(paramBuffer);
    device.queue.writeBuffer(paramBuffer, 0, params);
    const { grid } = problem;
    const pointGrid = new ArrayBuffer(16);
    const view = new DataView(pointGrid);
    view.setUint32(0, this.size, true);
    view.setUint32(4, grid.n[0], true);
    view.setFloat32(8, grid.length[0] / grid.n[0], true);
    view.setFloat32(12, grid.n.length > 1 ? grid.length[1] / grid.n[1] : 0, true);
    const gridBuffer = device.createBuffer({ label: `${this.label} point grid`, size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.buffers.push(gridBuffer);
    device.queue.writeBuffer(gridBuffer, 0, pointGrid);
    const pointKernel = getKernel(device, pointDefinition);
    this.nonlinear = {
      pointKernel,
      pointGroup: bindGroup(device, pointKernel, [{ buffer: paramBuffer }, { buffer: gridBuffer }, { buffer: inputs }, { buffer: outputs }]),
      inputs,
      outputs,
      inputPlan: this.plan(term.inputs.length),
      outputPlan: this.plan(term.outputs.length),
    };
  }

  /** the middle of N̂(src): inverse FFT of the inputs (batch NI), pointwise, FFT of the outputs (batch NO); the stages before and after fill the inputs and accumulate the outputs */
  private encodeTransforms(r: Recorder): void {
    const n = this.nonlinear!;
    r.fft(n.inputPlan, n.inputs, true);
    r.dispatch(n.pointKernel, n.pointGroup, [], linearGroups(this.size));
    r.fft(n.outputPlan, n.outputs, false);
  }

  /** dispatches recorded by encodeSteps so far, FFT passes included (for cost figures) */
  get dispatchesEncoded(): number {
    return this.encoded;
  }

  /** completed steps (counted when encoded) */
  get steps(): number {
    return this.stepCount;
  }

  get time(): number {
    return this.stepCount * this.problem.dt;
  }

  /**
   * Records `steps` steps into `encoder` (for the frame loop: no readback). The watchdog keeps the first
   * non-finite step on the GPU; `advance` reads it.
   */
  encodeSteps(encoder: GPUCommandEncoder, steps: number): void {
    if (!Number.isInteger(steps) || steps < 0) throw new Error(`steps must be a non-negative integer, got ${steps}`);
    const recorder = new Recorder(encoder, `${this.label} steps`);
    const stateGroups = linearGroups(this.channels * this.size);
    for (let done = 0; done < steps; ) {
      const batch = Math.min(MAX_BATCH, steps - done);
      for (let s = 0; s < batch; s++) {
        for (const op of this.stepCount === 0 ? this.firstOps : this.stepOps) op(recorder);
        recorder.dispatch(this.finishKernel, this.finishGroup, [s * SLOT], stateGroups);
        this.stepCount++;
      }
      recorder.dispatch(this.foldKernel, this.finishGroup, [(batch - 1) * SLOT], [1, 1]);
      done += batch;
    }
    recorder.end();
    this.encoded += recorder.dispatches;
  }

  /**
   * Advances `steps` steps in one submit, then reads the watchdog (16 bytes). Throws PdeDivergence with the
   * first step whose state was not finite (the GPU has run the whole batch; `steps` counts all of it).
   */
  async advance(steps: number): Promise<void> {
    const encoder = this.device.createCommandEncoder({ label: `${this.label} advance` });
    this.encodeSteps(encoder, steps);
    const firstBad = await this.divergedAt(encoder);
    if (firstBad !== null) throw new PdeDivergence(firstBad, firstBad * this.problem.dt, this.problem.stepper, this.problem.dt);
  }

  /** the first step whose state was not finite, or null (one 16-byte readback, submitted with `encoder`'s work if given) */
  async divergedAt(encoder = this.device.createCommandEncoder({ label: `${this.label} watchdog` })): Promise<number | null> {
    const [, firstBad] = new Uint32Array(await submitAndRead(this.device, encoder, this.watch, 0, 16));
    return firstBad === NONE ? null : firstBad;
  }

  /** records the inverse FFT of v into the display buffer ([channel][…] vec2f) and returns it; no readback */
  physicalBuffer(encoder: GPUCommandEncoder): GPUBuffer {
    encoder.copyBufferToBuffer(this.regs, this.vOffsetBytes, this.display, 0, this.stateBytes);
    this.plan(this.channels).encode(encoder, this.display, true);
    return this.display;
  }

  /** the physical state [channel][…] interleaved complex (f32) */
  async readPhysical(): Promise<Float32Array> {
    const encoder = this.device.createCommandEncoder({ label: `${this.label} physical` });
    this.physicalBuffer(encoder);
    this.device.queue.submit([encoder.finish()]);
    return readFloat32(this.device, this.display, 0, this.stateBytes);
  }

  /** the spectral state v [channel][k] interleaved complex (f32) */
  readSpectrum(): Promise<Float32Array> {
    return readFloat32(this.device, this.regs, this.vOffsetBytes, this.stateBytes);
  }

  /** per channel of the physical field: two workgroup-tree reductions, one 32-byte-per-channel readback */
  async fieldStats(): Promise<FieldStats> {
    const encoder = this.device.createCommandEncoder({ label: `${this.label} stats` });
    this.physicalBuffer(encoder);
    const recorder = new Recorder(encoder, `${this.label} stats`);
    recorder.dispatch(getKernel(this.device, PDE_KERNELS.statsPartial), this.statsGroup, [], [this.statsGroups, this.channels]);
    recorder.dispatch(getKernel(this.device, PDE_KERNELS.statsFinal), this.statsGroup, [], [this.channels, 1]);
    recorder.end();
    this.device.queue.submit([encoder.finish()]);
    const values = await readFloat32(this.device, this.statsResult, 0, this.channels * 32);
    const per = (f: (c: number) => number) => Array.from({ length: this.channels }, (_, c) => f(c));
    return {
      min: per((c) => values[8 * c]),
      max: per((c) => values[8 * c + 1]),
      mean: per((c) => values[8 * c + 2] / this.size),
      meanSquare: per((c) => values[8 * c + 3] / this.size),
      maxAbs: per((c) => Math.sqrt(values[8 * c + 4])),
    };
  }

  destroy(): void {
    for (const buffer of this.buffers) buffer.destroy();
    for (const plan of this.plans.values()) plan.destroy();
    this.plans.clear();
  }
}

/** the GPU backend for `runPde` (pdeRun.ts): a GpuPdeSolver behind the PdeStepper interface */
export function gpuPdeStepper(device: GPUDevice): (problem: PdeProblem, u0: Float64Array) => PdeStepper {
  return (problem, u0) => {
    const solver = new GpuPdeSolver(device, problem, u0);
    return { advance: (steps) => solver.advance(steps), physical: () => solver.readPhysical(), destroy: () => solver.destroy() };
  };
}

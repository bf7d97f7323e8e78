// The WGSL FFT (issue #5, specs/pde.md §5.5, §9.1): batched complex FFTs over C-order arrays of vec2<f32>, and
// real-data transforms in numpy's rfftn layout on top of them.
// - Every axis of length n ≤ 1024 is one dispatch of a line kernel, shaped per device (LINE_PROFILES):
//   on a hardware GPU shaders/spectral/fft_lines.wgsl, a tile of 1024 values (1024/n lines) per workgroup,
//   Stockham radix-8 (+ one radix-4 or radix-2) passes in 16 KiB of workgroup memory, the strided axes of 2D/3D
//   arrays loading their columns straight from global memory, neighbouring columns together; on a software
//   adapter shaders/spectral/fft_lane.wgsl, one line per invocation through a straight-line DFT of length n with
//   literal twiddles (fftCodelet.ts), no workgroup memory.
// - A 1D length N > 1024 is a four-step FFT, N = N1·N2 (N1 = 2^⌊k/2⌋, N2 = 2^⌈k/2⌉, both ≤ 256 up to N = 65536): N2 FFTs of
//   length N1 over the strided index with the twiddle W_N^{j2 k1} folded into their store, written transposed to a
//   scratch buffer, then N1 FFTs of length N2 written back in natural order: two dispatches, no transpose pass.
// - The inverse divides each axis by its length inside the pass (powers of two: exact), so the whole inverse
//   divides by the total size (numpy's convention) with no extra dispatch.
// - Twiddles: one float64 table W_T^m (src/core/pde/fftTwiddles.ts), uploaded once per plan as f32 (the lane
//   kernel's are the same float64 values, written into its code as f32 literals).

import { shaders } from '../../../shaders/index.ts';
import { twiddleTable } from '../../core/pde/fftTwiddles.ts';
import { isSoftwareDevice } from '../../gpu/device.ts';
import { laneProgram } from './fftCodelet.ts';
import { getKernel, type KernelDefinition } from '../../gpu/kernels.ts';

/** In-place batched complex FFT over a storage buffer of vec2<f32> (interleaved re, im), C-order arrays of `shape` (last axis contiguous), `batch` arrays back to back. */
export interface FftPlan {
  readonly shape: readonly number[];
  readonly batch: number;
  /** records the transform of the data at `buffer` (byteOffset 0) into `encoder`: forward X_k = Σ x_j e^{−2πi jk/N}; inverse divides by the total size (numpy's convention) */
  encode(encoder: GPUCommandEncoder, buffer: GPUBuffer, inverse: boolean): void;
  /** dispatches recorded per encode (for the performance budget) */
  readonly dispatchesPerTransform: number;
  destroy(): void;
}

/**
 * Real-data FFT over C-order f32 arrays of `shape`, `batch` arrays back to back, to and from the half spectrum
 * [...][shape[last]/2 + 1] of vec2<f32> (numpy's rfftn layout). Neither encode writes its input buffer.
 */
export interface RealFftPlan {
  readonly shape: readonly number[];
  readonly batch: number;
  /** shape of one half spectrum: `shape` with the last axis n replaced by n/2 + 1 */
  readonly halfShape: readonly number[];
  /** X = rfftn(x): forward, unnormalised */
  encodeForward(encoder: GPUCommandEncoder, realIn: GPUBuffer, halfSpectrumOut: GPUBuffer): void;
  /** x = irfftn(X): divides by the total (real) size. Expects a Hermitian half spectrum (as rfftn makes). */
  encodeInverse(encoder: GPUCommandEncoder, halfSpectrumIn: GPUBuffer, realOut: GPUBuffer): void;
  /** dispatches recorded per encodeForward or encodeInverse */
  readonly dispatchesPerTransform: number;
  destroy(): void;
}

/** values per workgroup tile of the line kernel (fft_lines.wgsl TILE); the longest single-pass line */
const TILE = 1024;
/** invocations per workgroup of the real-data pre/post kernels (fft_real.wgsl) */
const REAL_THREADS = 256;
/** WebGPU's guaranteed maxComputeWorkgroupsPerDimension */
const MAX_GROUPS_PER_DIMENSION = 65535;
/** uniform parameter slots sit at multiples of the default minUniformBufferOffsetAlignment */
const SLOT_BYTES = 256;
const LINE_PARAM_WORDS = 20;
const REAL_PARAM_WORDS = 8;

export const FFT_KERNELS = {
  inPlace: { label: 'fft lines in place', code: shaders.fftInPlace, entryPoint: 'fft_lines_in_place', bindings: ['uniform', 'read-only-storage', 'storage'] },
  outOfPlace: { label: 'fft lines out of place', code: shaders.fftOutOfPlace, entryPoint: 'fft_lines_out_of_place', bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage'] },
  r2cPost: { label: 'rfft post-process', code: shaders.fftReal, entryPoint: 'r2c_post', bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage'] },
  c2rPre: { label: 'irfft pre-process', code: shaders.fftReal, entryPoint: 'c2r_pre', bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage'] },
} satisfies Record<string, KernelDefinition>;

/**
 * How the line kernel is shaped on a device: which kernel, invocations per workgroup (THREADS) and the most
 * workgroups one pass dispatches (each loops over its share of the lines).
 * - A hardware GPU gets the tile kernel (fft_lines.wgsl): 64 invocations, one workgroup per tile of 1024 values.
 * - A software adapter gets the lane kernel (fft_lane.wgsl): one line per invocation, 4 invocations (one SIMD-4
 *   group on SwiftShader) per workgroup and at most 16 workgroups (SwiftShader sets each workgroup up on the CPU,
 *   ~45 µs each measured with the tile kernel; a few per core keep both cores busy to the end), looping over the
 *   lines. SwiftShader makes every per-lane address four scalar accesses, and those are the cost, not the
 *   arithmetic: the tile kernel makes ~12 per value and axis, the lane kernel 4 (2 for n ≤ 32). 2D 512² forward +
 *   inverse on 2 cores: 40–48 ms of SwiftShader worker CPU per pair, against 118–122 ms with the tile kernel (4
 *   invocations, 16 looping workgroups: the software profile before the lane kernel).
 * Both give results within f32 round-off of each other (fft.gpu.test.ts runs both against the float64 references).
 */
export interface LineProfile {
  kernel: 'tile' | 'lane';
  threads: number;
  maxGroups: number;
}

export const LINE_PROFILES = {
  hardware: { kernel: 'tile', threads: 64, maxGroups: Number.MAX_SAFE_INTEGER },
  software: { kernel: 'lane', threads: 4, maxGroups: 16 },
} satisfies Record<string, LineProfile>;

/** the lane kernel for lines of length n (one pipeline per n and placement), its code generated once */
const laneKernels = new Map<string, KernelDefinition>();
export function laneKernel(n: number, inPlace: boolean): KernelDefinition {
  const key = `${n}:${inPlace}`;
  let definition = laneKernels.get(key);
  if (!definition) {
    const body = laneProgram(
      n,
      (j) => `conj_if(load_value(ib + (${j}) * ie), inverse)`,
      (k, value) => `store_value(ob + (${k}) * oe, finish_lane(${value}, g, ${k}));`,
    );
    const template = inPlace ? shaders.fftLaneInPlace : shaders.fftLaneOutOfPlace;
    // the private array of a split line goes before the loop over lines (fft_lane.wgsl)
    const declarations = body.filter((l) => l.startsWith('var '));
    const program = body.filter((l) => !l.startsWith('var '));
    const code = template.replace('DECLARATIONS', declarations.map((l) => `  ${l}`).join('\n')).replace('PROGRAM', program.map((l) => `      ${l}`).join('\n'));
    const base = FFT_KERNELS[inPlace ? 'inPlace' : 'outOfPlace'];
    definition = { label: `fft lane n=${n} ${inPlace ? 'in place' : 'out of place'}`, code, entryPoint: inPlace ? 'fft_lane_in_place' : 'fft_lane_out_of_place', bindings: base.bindings };
    laneKernels.set(key, definition);
  }
  return definition;
}

/** the profile a plan gets by default on `device` (tests pass the other one explicitly to cover both) */
export function lineProfile(device: GPUDevice): LineProfile {
  return isSoftwareDevice(device) ? LINE_PROFILES.software : LINE_PROFILES.hardware;
}

const isPowerOfTwo = (n: number) => Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
const log2 = (n: number) => Math.round(Math.log2(n));

/** per rank: the largest supported axis length (every axis a power of two ≥ 2) */
const MAX_AXIS: Record<number, number> = { 1: 65536, 2: 1024, 3: 64 };
const SUPPORTED =
  '1D [N] with N = 2^k, 2 ≤ N ≤ 65536; 2D [N0, N1] with each N = 2^k, 2 ≤ N ≤ 1024; 3D [N0, N1, N2] with each N = 2^k, 2 ≤ N ≤ 64';

/** supported shapes: throws an Error naming the shape and listing what is supported */
export function checkFftShape(shape: readonly number[]): void {
  const max = MAX_AXIS[shape.length];
  if (max === undefined || !shape.every((n) => isPowerOfTwo(n) && n >= 2 && n <= max)) {
    throw new Error(`FFT shape [${shape.join(', ')}] is not supported; supported: ${SUPPORTED}`);
  }
}

function checkBatch(batch: number): void {
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`FFT batch must be an integer ≥ 1, got ${batch}`);
}

/** the buffers a pass reads and writes: the caller's (`data`; `input`/`output` for real plans) or the plan's scratch */
type Slot = 'data' | 'input' | 'output' | 'scratch';

interface Pass {
  kernel: keyof typeof FFT_KERNELS;
  src: Slot;
  dst: Slot;
  groups: [number, number];
  /** the pass's parameter words (uniform) */
  params: Uint32Array<ArrayBuffer>;
  /** line passes: the line length, and whether the pass multiplies by four-step twiddles */
  n?: number;
  post?: boolean;
}

/** a 2D dispatch grid of at least `count` workgroups, each dimension ≤ 65535 */
function grid(count: number): [number, number] {
  const x = Math.min(count, MAX_GROUPS_PER_DIMENSION);
  return [x, Math.ceil(count / x)];
}

/** where element j of line g lives: (g / div) · outer + (g % div) · inner + j · elem */
interface Addressing {
  div: number;
  outer: number;
  inner: number;
  elem: number;
}

/** the lines of `axis` in `batch` C-order arrays of `shape` (each line strided by the product of the later axes) */
function axisAddressing(shape: readonly number[], axis: number): Addressing {
  const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return { div: stride, outer: shape[axis] * stride, inner: 1, elem: stride };
}

interface LineSpec {
  n: number;
  lines: number;
  input: Addressing;
  output: Addressing;
  /** twiddle table length T */
  table: number;
  /** four-step: multiply output k of line g by W_T^{(g % mod) k stride} */
  post?: { mod: number; stride: number };
}

function linePass(kernel: 'inPlace' | 'outOfPlace', src: Slot, dst: Slot, spec: LineSpec, inverse: boolean, profile: LineProfile): Pass {
  if (!isPowerOfTwo(spec.n) || spec.n > TILE) throw new Error(`line FFT length ${spec.n}: must be a power of two ≤ ${TILE}`);
  const perGroup = TILE / spec.n;
  // lines per workgroup (per round of its loop): a tile's, or one per invocation
  const linesPerGroup = profile.kernel === 'tile' ? perGroup : profile.threads;
  const groups = grid(Math.min(profile.maxGroups, Math.ceil(spec.lines / linesPerGroup)));
  const buffer = new ArrayBuffer(LINE_PARAM_WORDS * 4);
  const u = new Uint32Array(buffer);
  const { input: a, output: b } = spec;
  u.set([spec.n, log2(spec.n), perGroup, log2(perGroup), spec.lines, groups[0], spec.table / spec.n, inverse ? 1 : 0]);
  u.set([log2(a.div), a.outer, a.inner, a.elem, log2(b.div), b.outer, b.inner, b.elem], 8);
  u.set([spec.post ? spec.post.mod - 1 : 0, spec.post?.stride ?? 0], 16);
  // the inverse divides by n here: a power of two, so exact, and the product over the passes is 1/size
  new Float32Array(buffer)[18] = inverse ? 1 / spec.n : 1;
  u[19] = groups[0] * groups[1];
  return { kernel, src, dst, groups, params: u, n: spec.n, post: spec.post !== undefined };
}

/**
 * The transform of one axis of length n along `addressing`, from `src` to `dst`: one line pass for n ≤ 1024,
 * else (a contiguous 1D axis only) the four-step FFT through `temp` (which must differ from src and dst).
 */
function axisPasses(n: number, lines: number, addressing: Addressing, table: number, src: Slot, dst: Slot, temp: Slot, inverse: boolean, profile: LineProfile): Pass[] {
  if (n <= TILE) {
    const kernel = src === dst ? 'inPlace' : 'outOfPlace';
    return [linePass(kernel, src, dst, { n, lines, input: addressing, output: addressing, table }, inverse, profile)];
  }
  if (addressing.elem !== 1) throw new Error('four-step FFT: only along a contiguous axis');
  // N = N1 N2; j = j1 N2 + j2, k = k1 + N1 k2 (Bailey's four-step, with the transposes folded into the addressing)
  const n1 = 2 ** Math.floor(log2(n) / 2);
  const n2 = n / n1;
  const arrays = lines; // one line of length N per array
  return [
    // X1[k1][j2] = W_N^{j2 k1} Σ_j1 x[j1 N2 + j2] W_N1^{j1 k1}, stored transposed at j2 N1 + k1
    linePass('outOfPlace', src, temp, {
      n: n1,
      lines: arrays * n2,
      input: { div: n2, outer: n, inner: 1, elem: n2 },
      output: { div: n2, outer: n, inner: n1, elem: 1 },
      table,
      post: { mod: n2, stride: table / n },
    }, inverse, profile),
    // X[k1 + N1 k2] = Σ_j2 X1[k1][j2] W_N2^{j2 k2}
    linePass('outOfPlace', temp, dst, {
      n: n2,
      lines: arrays * n1,
      input: { div: n1, outer: n, inner: 1, elem: n1 },
      output: { div: n1, outer: n, inner: 1, elem: n1 },
      table,
    }, inverse, profile),
  ];
}

function realPass(kernel: 'r2cPost' | 'c2rPre', src: Slot, dst: Slot, n: number, rowsPerArray: number, otherAxes: readonly number[], batch: number, table: number): Pass {
  const half = n / 2;
  const count = batch * rowsPerArray * (kernel === 'r2cPost' ? half + 1 : half);
  const groups = grid(Math.ceil(count / REAL_THREADS));
  const [a, b] = otherAxes.length === 2 ? otherAxes : otherAxes.length === 1 ? [1, otherAxes[0]] : [1, 1];
  const u = Uint32Array.from([half, rowsPerArray, a, b, count, groups[0], table / n, 0]);
  return { kernel, src, dst, groups, params: u };
}

/** parameters, twiddles, scratch and cached bind groups shared by the complex and real plans */
class PassRunner {
  private readonly params: GPUBuffer;
  private readonly twiddles: GPUBuffer;
  readonly scratch: GPUBuffer | null;
  private bindGroups = new WeakMap<GPUBuffer, WeakMap<GPUBuffer, GPUBindGroup[]>>();

  private readonly passes: { forward: Pass[]; inverse: Pass[] };

  constructor(
    private readonly device: GPUDevice,
    private readonly label: string,
    passes: { forward: Pass[]; inverse: Pass[] },
    tableLength: number,
    scratchBytes: number,
    private readonly profile: LineProfile,
  ) {
    this.passes = passes;
    const all = [...passes.forward, ...passes.inverse];
    const table = Float32Array.from(twiddleTable(tableLength));
    this.twiddles = device.createBuffer({ label: `${label} twiddles`, size: table.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(this.twiddles, 0, table);
    this.params = device.createBuffer({ label: `${label} parameters`, size: all.length * SLOT_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    all.forEach((pass, i) => device.queue.writeBuffer(this.params, i * SLOT_BYTES, pass.params));
    this.scratch = scratchBytes > 0 ? device.createBuffer({ label: `${label} scratch`, size: scratchBytes, usage: GPUBufferUsage.STORAGE }) : null;
  }

  encode(encoder: GPUCommandEncoder, inverse: boolean, input: GPUBuffer, output: GPUBuffer): void {
    let perInput = this.bindGroups.get(input);
    if (!perInput) this.bindGroups.set(input, (perInput = new WeakMap()));
    let groups = perInput.get(output);
    if (!groups) perInput.set(output, (groups = []));
    const pass = encoder.beginComputePass({ label: `${this.label} ${inverse ? 'inverse' : 'forward'}` });
    const first = inverse ? this.passes.forward.length : 0;
    (inverse ? this.passes.inverse : this.passes.forward).forEach((p, i) => {
      const kernel = this.kernelOf(p);
      const slot = first + i;
      groups[slot] ??= this.bindGroup(kernel.layout, p, slot, input, output);
      pass.setPipeline(kernel.pipeline);
      pass.setBindGroup(0, groups[slot]);
      pass.dispatchWorkgroups(p.groups[0], p.groups[1]);
    });
    pass.end();
  }

  private kernelOf(p: Pass) {
    if (p.kernel !== 'inPlace' && p.kernel !== 'outOfPlace') return getKernel(this.device, FFT_KERNELS[p.kernel]);
    if (this.profile.kernel === 'lane') return getKernel(this.device, laneKernel(p.n!, p.kernel === 'inPlace'), { THREADS: this.profile.threads, POST: p.post ? 1 : 0 });
    return getKernel(this.device, FFT_KERNELS[p.kernel], { THREADS: this.profile.threads });
  }

  private bindGroup(layout: GPUBindGroupLayout, p: Pass, slot: number, input: GPUBuffer, output: GPUBuffer): GPUBindGroup {
    const resolve = (s: Slot): GPUBuffer => {
      if (s === 'scratch') return this.scratch!;
      return s === 'output' ? output : input; // 'data' is both
    };
    const buffers = p.kernel === 'inPlace' ? [resolve(p.src)] : [resolve(p.src), resolve(p.dst)];
    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource: { buffer: this.params, offset: slot * SLOT_BYTES, size: (p.kernel === 'inPlace' || p.kernel === 'outOfPlace' ? LINE_PARAM_WORDS : REAL_PARAM_WORDS) * 4 } },
      { binding: 1, resource: { buffer: this.twiddles } },
      ...buffers.map((buffer, i) => ({ binding: 2 + i, resource: { buffer } })),
    ];
    return this.device.createBindGroup({ label: `${this.label} ${FFT_KERNELS[p.kernel].label} bind group`, layout, entries });
  }

  destroy(): void {
    this.params.destroy();
    this.twiddles.destroy();
    this.scratch?.destroy();
  }
}

function checkFits(device: GPUDevice, what: string, bytes: number): void {
  const limit = device.limits.maxStorageBufferBindingSize;
  if (bytes > limit) throw new Error(`${what}: ${bytes} bytes exceeds this device's maxStorageBufferBindingSize (${limit})`);
}

function checkBuffer(buffer: GPUBuffer, bytes: number, what: string): void {
  if (buffer.size < bytes) throw new Error(`${what}: buffer '${buffer.label}' has ${buffer.size} bytes, the plan needs ${bytes}`);
}

export function createFftPlan(device: GPUDevice, shape: readonly number[], batch = 1, profile = lineProfile(device)): FftPlan {
  checkFftShape(shape);
  checkBatch(batch);
  const size = shape.reduce((a, b) => a * b, 1);
  const bytes = batch * size * 8;
  checkFits(device, `FFT plan [${shape.join(', ')}] × ${batch}`, bytes);
  const table = Math.max(...shape);
  // last axis first (any order gives the same result)
  const passes = (inverse: boolean) =>
    shape
      .map((n, axis) => axisPasses(n, (batch * size) / n, axisAddressing(shape, axis), table, 'data', 'data', 'scratch', inverse, profile))
      .reverse()
      .flat();
  const forward = passes(false);
  const needsScratch = forward.some((p) => p.src === 'scratch' || p.dst === 'scratch');
  const label = `fft [${shape.join('×')}]×${batch}`;
  const runner = new PassRunner(device, label, { forward, inverse: passes(true) }, table, needsScratch ? bytes : 0, profile);
  return {
    shape: [...shape],
    batch,
    dispatchesPerTransform: forward.length,
    encode(encoder, buffer, inverse) {
      checkBuffer(buffer, bytes, label);
      runner.encode(encoder, inverse, buffer, buffer);
    },
    destroy: () => runner.destroy(),
  };
}

/**
 * Real-data plan (half-length trick, fft_real.wgsl): the f32 array [...][n] read as complex [...][n/2] is
 * transformed over every axis by the line passes, then post-processed into [...][n/2 + 1]; the inverse
 * pre-processes and runs the inverse complex passes, the last of which writes the real output.
 */
export function createRealFftPlan(device: GPUDevice, shape: readonly number[], batch = 1, profile = lineProfile(device)): RealFftPlan {
  checkFftShape(shape);
  checkBatch(batch);
  const last = shape.length - 1;
  const n = shape[last];
  const size = shape.reduce((a, b) => a * b, 1);
  const realBytes = batch * size * 4;
  const halfShape = [...shape.slice(0, last), n / 2 + 1];
  const halfBytes = batch * (size / n) * (n / 2 + 1) * 8;
  checkFits(device, `real FFT plan [${shape.join(', ')}] × ${batch}`, halfBytes);
  const complexShape = [...shape.slice(0, last), n / 2];
  const rows = size / n; // rows per array
  const others = shape.slice(0, last);
  const table = Math.max(...shape);
  const lastAddressing = axisAddressing(complexShape, last);
  const otherPasses = (inverse: boolean): Pass[] =>
    others.flatMap((len, axis) => axisPasses(len, (batch * size) / 2 / len, axisAddressing(complexShape, axis), table, 'scratch', 'scratch', 'scratch', inverse, profile));
  // the four-step's temporary (1D only, n/2 > 1024) is the caller's output, overwritten afterwards anyway
  const forward: Pass[] = [
    ...axisPasses(n / 2, batch * rows, lastAddressing, table, 'input', 'scratch', 'output', false, profile),
    ...otherPasses(false),
    realPass('r2cPost', 'scratch', 'output', n, rows, others, batch, table),
  ];
  const inverseFirst: Pass = realPass('c2rPre', 'input', n / 2 > TILE ? 'output' : 'scratch', n, rows, others, batch, table);
  const inverse: Pass[] =
    n / 2 > TILE
      ? [inverseFirst, ...axisPasses(n / 2, batch * rows, lastAddressing, table, 'output', 'output', 'scratch', true, profile)]
      : [inverseFirst, ...otherPasses(true).reverse(), ...axisPasses(n / 2, batch * rows, lastAddressing, table, 'scratch', 'output', 'output', true, profile)];
  const label = `rfft [${shape.join('×')}]×${batch}`;
  const scratchBytes = realBytes; // [...][n/2] complex
  const runner = new PassRunner(device, label, { forward, inverse }, table, scratchBytes, profile);
  if (forward.length !== inverse.length) throw new Error('real FFT plan: forward and inverse pass counts differ');
  return {
    shape: [...shape],
    batch,
    halfShape,
    dispatchesPerTransform: forward.length,
    encodeForward(encoder, realIn, halfSpectrumOut) {
      checkBuffer(realIn, realBytes, `${label} input`);
      checkBuffer(halfSpectrumOut, halfBytes, `${label} output`);
      runner.encode(encoder, false, realIn, halfSpectrumOut);
    },
    encodeInverse(encoder, halfSpectrumIn, realOut) {
      checkBuffer(halfSpectrumIn, halfBytes, `${label} input`);
      checkBuffer(realOut, realBytes, `${label} output`);
      runner.encode(encoder, true, halfSpectrumIn, realOut);
    },
    destroy: () => runner.destroy(),
  };
}

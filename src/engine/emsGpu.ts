// DPM-Solver-v3's empirical model statistics on the GPU (issue 4: "computed on the GPU from the current model";
// specs §6.2–6.3; float64 twin: src/core/sampling/ems.ts computeEms) for mixtures with diagonal covariances, the
// targets where the statistics are expensive (glyphs16: 256-D, 140 s on two CPU cores). Two submits, one per phase
// (shaders/sampler/ems.wgsl, which also says how it avoids the float64 formulas' cancellation at high noise), each
// followed by one readback of per-dimension sums: 1 − l after phase 1 (dl/dλ and its ±5-point moving average are
// done on the host, like the integrals), then the five sums of the least squares. The same data points and noises as
// the CPU path (emsData), in float32. The derivative of D along the ODE is a central difference with δ = 1e-2 in λ
// instead of the float64 path's 1e-4: at high noise D moves by only O(α)·δ over the step, so in float32 a smaller step
// loses more to rounding than it gains in truncation (~δ²). Measured on glyphs16 (3 digits) against the float64 path:
// δ = 1e-3 left 2.4% between the v3 samples of the two, δ = 1e-2 below 0.1%, δ = 3e-2 0.13%.

import { shaders } from '../../shaders/index.ts';
import { EMS_DEFAULTS, type Ems, type EmsOptions, computeEms, emsData, emsGrid, leastSquaresSB, smoothedDerivative } from '../core/sampling/ems.ts';
import type { PreparedMixture } from '../core/sampling/gmm.ts';
import type { NoiseProcess } from '../core/sampling/process.ts';
import { bindGroup, getKernel, type KernelDefinition } from '../gpu/kernels.ts';
import { readFloat32 } from '../gpu/readback.ts';
import { diagonalLogNorms, packDiagonalMixture } from './gpuSampler.ts';

const BINDINGS: KernelDefinition['bindings'] = ['uniform-dynamic', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage', 'storage'];
const kernel = (entryPoint: string): KernelDefinition => ({ label: 'ems', code: shaders.ems, entryPoint, bindings: BINDINGS });
export const EMS_KERNELS = {
  x: kernel('ems_x'),
  logWeights: kernel('ems_log_weights'),
  softmax: kernel('ems_softmax'),
  lTerms: kernel('ems_l_terms'),
  denoise: kernel('ems_denoise'),
  shift: kernel('ems_shift'),
  f: kernel('ems_f'),
  center: kernel('ems_center'),
  reduce: kernel('ems_reduce'),
} satisfies Record<string, KernelDefinition>;

const PARAM_SLOT = 256;
const WORKGROUP = 64;
/** λ step of the float32 central difference of D along the ODE (see the header) */
const GPU_EMS_DELTA = 1e-2;
/** Var(f) below this fraction of Σ(size of f's terms)² is float32 rounding (float32's ε² ≈ 1.4e-14, with margin) */
const FLOAT32_ROUNDING = 1e-12;
/** work sections of ems.wgsl */
const X = 0;
const XS = 1;
const D = 2;
const DP = 3;
const DM = 4;
const T0 = 5;
const T1 = 6;
const T2 = 7;

interface Slot {
  alpha: number;
  sigma: number;
  src: number;
  dst: number;
  normOffset: number;
  slot: number;
  sign: number;
}

/** Whether the GPU computes these statistics (else computeEms on the CPU): diagonal mixtures, exact l, not degenerate. */
export function gpuEmsSupported(mixture: PreparedMixture, options: Partial<EmsOptions>): boolean {
  return mixture.diagonal === true && (options.lEstimator ?? EMS_DEFAULTS.lEstimator) === 'exact' && !options.degenerate;
}

export class GpuEms {
  constructor(readonly device: GPUDevice) {}

  async compute(mixture: PreparedMixture, process: NoiseProcess, tStart: number, tEnd: number, options: Partial<EmsOptions> = {}): Promise<Ems> {
    const o = { ...EMS_DEFAULTS, ...options };
    if (!gpuEmsSupported(mixture, o)) return computeEms(mixture, process, tStart, tEnd, o);
    if (!(tEnd > 0)) throw new Error(`DPM-Solver-v3 needs a positive end time for its statistics (got t_end = ${tEnd}); pick a schedule that does not end at σ = 0`);
    const started = performance.now();
    const device = this.device;
    const { dim: d, components: C } = mixture;
    const N = o.points;
    const K = o.samples;
    const rows = N + 1;
    const { lambdas, timeOf } = emsGrid(process, tStart, tEnd, N);
    const workFloats = 8 * K * d + K * C;
    const limit = device.limits.maxStorageBufferBindingSize;
    if (workFloats * 4 > limit)
      throw new Error(`the GPU statistics need ${workFloats * 4} bytes of work storage for K = ${K} points of dimension ${d}; this device allows ${limit} (try emsSamples ≤ ${Math.floor(limit / 4 / (8 * d + C))})`);

    // tables: per λ and evaluation (main, +δ, −δ) the C log normalisers, then 1 − l and dl/dλ (phase 2)
    const normFloats = rows * 3 * C;
    const lOffset = normFloats;
    const dlOffset = normFloats + rows * d;
    const tables = new Float32Array(normFloats + 2 * rows * d);
    const at = (j: number, shift: number) => {
      const t = shift === 0 ? timeOf(j) : process.tOfLambda(lambdas[j] + shift * GPU_EMS_DELTA);
      return { alpha: process.alpha(t), sigma: process.sigma(t) };
    };
    for (let j = 0; j < rows; j++)
      [0, 1, -1].forEach((shift, e) => {
        const { alpha, sigma } = at(j, shift);
        tables.set(diagonalLogNorms(mixture, alpha, sigma), (j * 3 + e) * C);
      });

    const { x0, z } = emsData(mixture, K, o.seed);
    const data = new Float32Array(2 * K * d);
    data.set(x0, 0);
    data.set(z, K * d);
    const buffer = (label: string, size: number, usage: number) => device.createBuffer({ label: `ems ${label}`, size, usage });
    const mixtureBuffer = buffer('mixture', 2 * C * d * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
    const dataBuffer = buffer('data', data.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
    const tableBuffer = buffer('tables', tables.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
    const workBuffer = buffer('work', workFloats * 4, GPUBufferUsage.STORAGE);
    const outBuffer = buffer('sums', 6 * rows * d * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
    const slots = 9 * rows;
    const paramBuffer = buffer('params', slots * PARAM_SLOT, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    const buffers = [mixtureBuffer, dataBuffer, tableBuffer, workBuffer, outBuffer, paramBuffer];
    try {
      device.queue.writeBuffer(mixtureBuffer, 0, packDiagonalMixture(mixture));
      device.queue.writeBuffer(dataBuffer, 0, data);
      device.queue.writeBuffer(tableBuffer, 0, tables);

      // parameter slots: phase 1 uses slot j, phase 2 slots rows + 8j … rows + 8j + 7
      const params = new ArrayBuffer(slots * PARAM_SLOT);
      const u32 = new Uint32Array(params);
      const f32 = new Float32Array(params);
      const section = (s: number) => s * K * d;
      const writeSlot = (index: number, j: number, s: Slot) => {
        const base = (index * PARAM_SLOT) / 4;
        const main = at(j, 0);
        u32.set([K, d, C, j], base);
        // d log σ/dλ = d log α/dλ − 1 (λ = log α − log σ), in float64
        f32.set([s.alpha, s.sigma, main.alpha, main.sigma, process.dLogAlphaDLambda(timeOf(j)) - 1, GPU_EMS_DELTA, s.sign, 0], base + 4);
        u32.set([s.src, s.dst, s.normOffset, s.slot, rows, lOffset, dlOffset, 0], base + 12);
      };
      for (let j = 0; j < rows; j++) {
        const main = at(j, 0);
        const plus = at(j, 1);
        const minus = at(j, -1);
        const mainSlot = { ...main, src: section(X), dst: section(T0), normOffset: j * 3 * C, slot: 0, sign: 0 };
        writeSlot(j, j, mainSlot);
        const p2 = rows + 8 * j;
        writeSlot(p2, j, { ...mainSlot, dst: section(D) });
        writeSlot(p2 + 1, j, { ...plus, src: section(XS), dst: section(DP), normOffset: (j * 3 + 1) * C, slot: 0, sign: 1 });
        writeSlot(p2 + 2, j, { ...minus, src: section(XS), dst: section(DM), normOffset: (j * 3 + 2) * C, slot: 0, sign: -1 });
        [
          [T0, 1],
          [T1, 2],
          [T2, 5],
          [T0, 3],
          [T1, 4],
        ].forEach(([dst, slot], r) => writeSlot(p2 + 3 + r, j, { ...mainSlot, dst: section(dst), slot }));
      }
      device.queue.writeBuffer(paramBuffer, 0, params);

      const resources = [{ buffer: paramBuffer, size: 80 }, { buffer: mixtureBuffer }, { buffer: dataBuffer }, { buffer: tableBuffer }, { buffer: workBuffer }, { buffer: outBuffer }];
      const kernels = Object.fromEntries(Object.entries(EMS_KERNELS).map(([name, definition]) => [name, getKernel(device, definition)])) as Record<keyof typeof EMS_KERNELS, ReturnType<typeof getKernel>>;
      // every entry point shares one layout: one bind group serves them all
      const group = bindGroup(device, kernels.x, resources);
      const perPoint = Math.ceil((K * d) / WORKGROUP);
      const groups: Record<keyof typeof EMS_KERNELS, number> = {
        x: perPoint,
        logWeights: Math.ceil((K * C) / WORKGROUP),
        softmax: Math.ceil(K / WORKGROUP),
        lTerms: perPoint,
        denoise: perPoint,
        shift: perPoint,
        f: perPoint,
        center: perPoint,
        reduce: Math.ceil(d / WORKGROUP),
      };
      const run = async (label: string, encode: (dispatch: (name: keyof typeof EMS_KERNELS, slot: number) => void) => void) => {
        const encoder = device.createCommandEncoder({ label });
        const pass = encoder.beginComputePass({ label });
        encode((name, slot) => {
          pass.setPipeline(kernels[name].pipeline);
          pass.setBindGroup(0, group, [slot * PARAM_SLOT]);
          pass.dispatchWorkgroups(groups[name]);
        });
        pass.end();
        device.queue.submit([encoder.finish()]);
      };

      // phase 1: 1 − l per λ (one readback of (N + 1)·d sums)
      await run('ems phase 1 (l)', (dispatch) => {
        for (let j = 0; j < rows; j++) for (const name of ['x', 'logWeights', 'softmax', 'lTerms', 'reduce'] as const) dispatch(name, j);
      });
      const oneMinusL = Float32Array.from(await readFloat32(device, outBuffer, 0, rows * d * 4), (v) => v / K);
      const l = Float64Array.from(oneMinusL, (v) => 1 - v);
      const dl = smoothedDerivative(l, lambdas, d, o.smoothing);
      device.queue.writeBuffer(tableBuffer, lOffset * 4, oneMinusL);
      device.queue.writeBuffer(tableBuffer, dlOffset * 4, Float32Array.from(dl));

      // phase 2: D at x and x ± δ·dx/dλ, f and f⁽¹⁾, their sums, then the centred sums
      await run('ems phase 2 (s, b)', (dispatch) => {
        for (let j = 0; j < rows; j++) {
          const p2 = rows + 8 * j;
          dispatch('x', p2);
          dispatch('logWeights', p2);
          dispatch('softmax', p2);
          dispatch('denoise', p2);
          for (const side of [1, 2]) {
            dispatch('shift', p2 + side);
            dispatch('logWeights', p2 + side);
            dispatch('softmax', p2 + side);
            dispatch('denoise', p2 + side);
          }
          dispatch('f', p2);
          for (const r of [3, 4, 5]) dispatch('reduce', p2 + r);
          dispatch('center', p2);
          for (const r of [6, 7]) dispatch('reduce', p2 + r);
        }
      });
      const sums = await readFloat32(device, outBuffer, rows * d * 4, 5 * rows * d * 4);
      const s = new Float64Array(rows * d);
      const b = new Float64Array(rows * d);
      const sum = (slot: number, q: number) => sums[(slot - 1) * rows * d + q];
      for (let q = 0; q < rows * d; q++) {
        [s[q], b[q]] = leastSquaresSB(sum(1, q) / K, sum(2, q) / K, sum(3, q), sum(4, q), sum(5, q), o.sClip, FLOAT32_ROUNDING);
      }
      const evaluations = rows * K + 3 * rows * K;
      return { dim: d, points: N, lambdas, tStart, tEnd, l, dl, s, b, engine: 'gpu', evaluations, milliseconds: performance.now() - started };
    } finally {
      for (const b of buffers) b.destroy();
    }
  }
}

// BOSS cost matrix on the GPU (specs §14 items 2–3; float64 twin: src/core/sampling/boss.ts bossCostMatrix):
// the K_max-step teacher run (GpuSampler, every anchor recorded in the register file) and the c_kj reduction
// (shaders/sampler/boss.wgsl: one workgroup per pair k < j, no float atomics), one submit for the reduction and
// (K_max + 1)² floats read back. The dynamic program stays on the CPU (boss.ts bellmanPath).
// Euler-type solvers only (flow-euler, euler, ddim, …: one evaluation per step, linear in it): their jump is a
// linear combination of two recorded frames. Other solvers have no GPU path here; use the CPU one.

import { shaders } from '../../shaders/index.ts';
import { type BossCostMatrix, type BossCostOptions, bossAnchors, bossTeacherNoise, jumpProgram, linearJump } from '../core/sampling/boss.ts';
import type { PreparedMixture } from '../core/sampling/gmm.ts';
import type { NoiseProcess } from '../core/sampling/process.ts';
import { type SolverSpec, programOnGrid } from '../core/sampling/solvers.ts';
import { bindGroup, getKernel, type KernelDefinition } from '../gpu/kernels.ts';
import { readFloat32 } from '../gpu/readback.ts';
import { GpuSampler } from './gpuSampler.ts';

export const BOSS_KERNELS = {
  pairCosts: { label: 'boss pair costs', code: shaders.boss, entryPoint: 'boss_pair_costs', bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage'] },
} satisfies Record<string, KernelDefinition>;

/** most workgroups along one dispatch dimension (WebGPU's default maxComputeWorkgroupsPerDimension) */
const MAX_GROUPS_X = 65535;

/** the CPU path's options without the model (the GPU evaluates the target set with setTarget) */
export type GpuBossOptions = Omit<BossCostOptions, 'model'>;

/**
 * Per pair (k, j), k < j: A, B with jump_{k→j} = A·x_k + B·x_{k+1}, in float64. From x̂_j = a_kj·x_k + b_kj·D_k and
 * the teacher's x_{k+1} = a_k·x_k + b_k·D_k: B = b_kj/b_k, A = a_kj − B·a_k. Throws for solvers that are not Euler-type.
 */
export function bossPairCoefficients(process: NoiseProcess, solver: SolverSpec, anchors: number[]): { k: number; j: number; a: number; b: number }[] {
  const kMax = anchors.length - 1;
  const linear = (s: number, t: number) => {
    const jump = linearJump(jumpProgram(solver, process, s, t), s, process.alpha(s), process.sigma(s));
    if (!jump) throw new Error(`boss on the GPU: ${solver.name} is not an Euler-type solver (one evaluation per step, linear in it); use the CPU cost matrix`);
    return jump;
  };
  const pairs: { k: number; j: number; a: number; b: number }[] = [];
  for (let k = 0; k < kMax; k++) {
    const own = linear(anchors[k], anchors[k + 1]);
    for (let j = k + 1; j <= kMax; j++) {
      const jump = j === k + 1 ? own : linear(anchors[k], anchors[j]);
      const B = jump.b / own.b;
      pairs.push({ k, j, a: jump.a - B * own.a, b: B });
    }
  }
  return pairs;
}

export class GpuBossCost {
  private readonly teacher: GpuSampler;
  private target: PreparedMixture | null = null;

  constructor(readonly device: GPUDevice) {
    this.teacher = new GpuSampler(device, 'boss teacher');
  }

  setTarget(mixture: PreparedMixture): void {
    if (mixture === this.target) return;
    this.teacher.setTarget(mixture);
    this.target = mixture;
  }

  /** The cost matrix (float32 sums, returned as float64), with the GPU time of the teacher and of the reduction. */
  async costMatrix(options: GpuBossOptions): Promise<BossCostMatrix & { teacherMs: number; reduceMs: number }> {
    if (!this.target) throw new Error('GpuBossCost: no target set');
    const { process, solver, tStart, tEnd, kMax, samples, seed } = options;
    const d = this.target.dim;
    const anchors = bossAnchors(process, tStart, tEnd, kMax);
    const pairs = bossPairCoefficients(process, solver, anchors);
    const start = performance.now();
    const noise = Float32Array.from(bossTeacherNoise(samples, d, seed));
    const run = await this.teacher.run(programOnGrid(solver, process, anchors), { n: samples, seed, noise, recordTrajectory: true });
    const teacherMs = performance.now() - start;
    const size = samples * d;

    const reduceStart = performance.now();
    const device = this.device;
    const params = new ArrayBuffer(32);
    const groupsX = Math.min(pairs.length, MAX_GROUPS_X);
    const view = new DataView(params);
    view.setUint32(0, run.trajectoryRegister! * size, true);
    view.setUint32(4, size, true);
    view.setUint32(8, pairs.length, true);
    view.setUint32(12, groupsX, true);
    view.setFloat32(16, 1 / samples, true);
    const packed = new ArrayBuffer(pairs.length * 16);
    const pv = new DataView(packed);
    pairs.forEach((p, i) => {
      pv.setUint32(16 * i, p.k, true);
      pv.setUint32(16 * i + 4, p.j, true);
      pv.setFloat32(16 * i + 8, p.a, true);
      pv.setFloat32(16 * i + 12, p.b, true);
    });
    const paramBuffer = device.createBuffer({ label: 'boss cost params', size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    const pairBuffer = device.createBuffer({ label: 'boss pairs', size: packed.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    const costBuffer = device.createBuffer({ label: 'boss pair costs', size: pairs.length * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    device.queue.writeBuffer(paramBuffer, 0, params);
    device.queue.writeBuffer(pairBuffer, 0, packed);
    const kernel = getKernel(device, BOSS_KERNELS.pairCosts);
    const encoder = device.createCommandEncoder({ label: 'boss cost matrix' });
    const pass = encoder.beginComputePass({ label: 'boss pair costs' });
    pass.setPipeline(kernel.pipeline);
    pass.setBindGroup(0, bindGroup(device, kernel, [{ buffer: paramBuffer }, { buffer: run.regs }, { buffer: pairBuffer }, { buffer: costBuffer }]));
    pass.dispatchWorkgroups(groupsX, Math.ceil(pairs.length / groupsX));
    pass.end();
    device.queue.submit([encoder.finish()]);
    const values = await readFloat32(device, costBuffer, 0, pairs.length * 4);
    const reduceMs = performance.now() - reduceStart;
    paramBuffer.destroy();
    pairBuffer.destroy();
    costBuffer.destroy();

    const n1 = kMax + 1;
    const cost = new Float64Array(n1 * n1);
    pairs.forEach((p, i) => (cost[p.k * n1 + p.j] = values[i]));
    return { kMax, anchors, cost, samples, solver: solver.name, jumps: 'linear', nfe: run.nfe, teacherMs, reduceMs };
  }

  destroy(): void {
    this.teacher.destroy();
  }
}

// The BOSS cost matrix on the GPU (bossGpu.ts: f32 teacher run + one workgroup per anchor pair) against its
// float64 twin (core/sampling/boss.ts bossCostMatrix) from the same teacher noise. Small sizes: SwiftShader.
import { describe, expect, it } from 'vitest';
import { bellmanPath, bossCostMatrix } from '../core/sampling/boss.ts';
import { mixtureModel, prepareTarget } from '../core/sampling/experiment.ts';
import { createProcess } from '../core/sampling/process.ts';
import { testDevice, withGpuErrors } from '../gpu/testing.ts';
import { GpuBossCost, bossPairCoefficients } from './bossGpu.ts';

const cases = [
  { name: 'flow · ring8 · flow-euler', process: { type: 'flow' }, target: { type: 'preset', name: 'ring8' }, solver: 'flow-euler', kMax: 24, samples: 64 },
  { name: 'vp-linear · grid25 · ddim', process: { type: 'vp-linear' }, target: { type: 'preset', name: 'grid25' }, solver: 'ddim', kMax: 16, samples: 48 },
  { name: 'flow · glyphs16 (diagonal kernel) · flow-euler', process: { type: 'flow' }, target: { type: 'glyphs16', components: 4, pixelStd: 0.2 }, solver: 'flow-euler', kMax: 10, samples: 8 },
] as const;

describe('BOSS cost matrix: GPU against the float64 twin', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const gpu = await testDevice();
      await withGpuErrors(gpu, async () => {
        const process = createProcess(c.process);
        const mixture = prepareTarget(c.target);
        const options = { process, solver: { name: c.solver }, tStart: process.defaultTStart, tEnd: process.defaultTEnd, kMax: c.kMax, samples: c.samples, seed: 5 };
        const cpu = bossCostMatrix({ ...options, model: mixtureModel(mixture) });
        const boss = new GpuBossCost(gpu);
        boss.setTarget(mixture);
        const result = await boss.costMatrix(options);
        boss.destroy();
        const n1 = c.kMax + 1;
        let largest = 0;
        for (let k = 0; k < c.kMax; k++) for (let j = k + 2; j <= c.kMax; j++) largest = Math.max(largest, cpu.cost[k * n1 + j]);
        for (let k = 0; k < c.kMax; k++) {
          // the teacher's own step: exactly zero on both
          expect(result.cost[k * n1 + k + 1]).toBe(0);
          for (let j = k + 2; j <= c.kMax; j++) {
            const want = cpu.cost[k * n1 + j];
            // f32 teacher and f32 sums: relative 1e-3, with an absolute floor for the shortest jumps' cancellation
            expect(Math.abs(result.cost[k * n1 + j] - want), `c[${k}][${j}]`).toBeLessThanOrEqual(2e-3 * want + 1e-6 * largest);
          }
        }
        for (const K of [3, 4, 6]) expect(bellmanPath(result.cost, c.kMax, K).indices).toEqual(bellmanPath(cpu.cost, c.kMax, K).indices);
      });
    });
  }

  it('refuses solvers whose jump is not Euler-type', () => {
    const flow = createProcess({ type: 'flow' });
    expect(() => bossPairCoefficients(flow, { name: 'flow-heun' }, [0.9, 0.5, 0.1])).toThrow(/not an Euler-type solver/);
  });
});

// A claim on the GPU backend (float32) against the float64 CPU backend: the same verdict and the same numbers within
// float32 tolerance (same x_T, same exact reference sets; the BOSS grid is computed in float64 for both).
import { describe, expect, it } from 'vitest';
import { findClaim } from '../core/claims.ts';
import { testDevice, withGpuErrors } from '../gpu/testing.ts';
import { runClaim } from './claims.ts';
import { CpuSamplerBackend, GpuSamplerBackend } from './sampling.ts';

describe('runClaim on the GPU', () => {
  it('boss-flow: same verdict and numbers as the float64 CPU run', async () => {
    const gpu = await testDevice();
    await withGpuErrors(gpu, async () => {
      const claim = findClaim('boss-flow');
      const backend = new GpuSamplerBackend(gpu);
      const onGpu = await runClaim(claim, backend);
      backend.destroy();
      const onCpu = await runClaim(claim, new CpuSamplerBackend());
      expect(onGpu.backend).toBe('gpu');
      expect(onGpu.holds).toBe(onCpu.holds);
      for (const [s, series] of onGpu.series.entries()) {
        for (const [i, p] of series.points.entries()) {
          const q = onCpu.series[s].points[i];
          expect(Math.abs(p.rmse - q.rmse) / q.rmse, `${series.label} NFE ${p.x} RMSE`).toBeLessThan(1e-3);
          // MMD² is a difference of pair sums over 1024² pairs: float32 rounding shows at ~1e-5 absolute
          expect(Math.abs(p.mmd2 - q.mmd2), `${series.label} NFE ${p.x} MMD²`).toBeLessThan(2e-4);
        }
      }
    });
  }, 120_000);
});

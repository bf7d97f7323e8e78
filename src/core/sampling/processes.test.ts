// Noise processes (specs/samplers.md §1–§2, §19.5): identities, float64 round trips and closed forms checked
// against independent evaluations of each defining formula.

import { describe, expect, it } from 'vitest';
import {
  EdmProcess,
  FlowProcess,
  type NoiseProcess,
  VP_COSINE_S,
  VP_COSINE_T,
  VpCosineProcess,
  VpDiscreteProcess,
  VpLinearProcess,
  createProcess,
  ddpmBetas,
  fromRfTime,
  rfTimeOf,
} from './process.ts';

const relErr = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

/** times across [tMin, tMax]: log-spaced and linearly spaced, both ends included */
function sampleTimes(p: NoiseProcess, n = 60): number[] {
  const out = new Set<number>([p.tMin, p.tMax, p.defaultTStart, p.defaultTEnd]);
  const a = Math.log(p.tMin);
  const b = Math.log(p.tMax);
  for (let i = 0; i <= n; i++) {
    out.add(Math.exp(a + (i / n) * (b - a)));
    out.add(p.tMin + (i / n) * (p.tMax - p.tMin));
  }
  const sorted = [...out].filter((t) => t >= p.tMin && t <= p.tMax).sort((x, y) => x - y);
  return sorted.filter((t, i) => i === 0 || t - sorted[i - 1] > 1e-9 * t);
}

const processes: [string, NoiseProcess][] = [
  ['vp-linear', new VpLinearProcess()],
  ['vp-cosine', new VpCosineProcess()],
  ['vp-discrete linear', createProcess({ type: 'vp-discrete', betaSchedule: 'linear' })],
  ['vp-discrete scaled_linear', createProcess({ type: 'vp-discrete', betaSchedule: 'scaled_linear' })],
  ['vp-discrete squaredcos_cap_v2', createProcess({ type: 'vp-discrete', betaSchedule: 'squaredcos_cap_v2' })],
  ['edm', new EdmProcess()],
  ['flow', new FlowProcess()],
];

describe.each(processes)('%s: shared identities (specs §1)', (_name, p) => {
  const times = sampleTimes(p);

  it('is finite on [tMin, tMax], with its defaults inside and λ decreasing in t', () => {
    expect(p.tMin).toBeGreaterThan(0);
    expect(p.tMin).toBeLessThan(p.tMax);
    expect(p.defaultTStart).toBeLessThanOrEqual(p.tMax);
    expect(p.defaultTEnd).toBeGreaterThanOrEqual(p.tMin);
    expect(p.defaultTEnd).toBeLessThan(p.defaultTStart);
    let previous = Infinity;
    for (const t of times) {
      for (const v of [p.alpha(t), p.sigma(t), p.lambda(t), p.logAlpha(t), p.dLogAlphaDLambda(t), p.dLogAlphaDt(t), p.dLambdaDt(t)]) expect(Number.isFinite(v)).toBe(true);
      expect(p.alpha(t)).toBeGreaterThan(0);
      expect(p.sigma(t)).toBeGreaterThan(0);
      expect(p.dLambdaDt(t)).toBeLessThan(0);
      const l = p.lambda(t);
      expect(l).toBeLessThan(previous);
      previous = l;
    }
  });

  it('has λ = log α − log σ and α = exp(log α)', () => {
    for (const t of times) {
      const l = p.lambda(t);
      expect(Math.abs(l - (Math.log(p.alpha(t)) - Math.log(p.sigma(t))))).toBeLessThan(1e-12 * Math.max(1, Math.abs(l)));
      expect(relErr(p.alpha(t), Math.exp(p.logAlpha(t)))).toBeLessThan(1e-15);
    }
  });

  it('round-trips t → λ → t to 1e−12 relative', () => {
    for (const t of times) expect(relErr(p.tOfLambda(p.lambda(t)), t)).toBeLessThan(1e-12);
  });

  it('round-trips λ → t → λ to 1e−12 (plus t’s own last bit times dλ/dt)', () => {
    const l0 = p.lambda(p.tMax);
    const l1 = p.lambda(p.tMin);
    for (let i = 0; i <= 200; i++) {
      const l = l0 + (i / 200) * (l1 - l0);
      const t = p.tOfLambda(l);
      // representing t itself costs |dλ/dt|·ulp(t); it only matters for flow near t = 1 (dλ/dt ≈ −1/(1 − t))
      const conditioning = Math.abs(p.dLambdaDt(t)) * t * 2.3e-16;
      expect(Math.abs(p.lambda(t) - l)).toBeLessThan(1e-12 * Math.max(1, Math.abs(l)) + 2 * conditioning);
    }
  });

  it('has derivatives that agree with central differences and with each other', () => {
    for (const t of times) {
      const h = 1e-6 * Math.min(t, 1);
      if (t - h < p.tMin || t + h > p.tMax) continue;
      const kinked = p instanceof VpDiscreteProcess; // piecewise linear: compare away from knots only
      if (kinked && Math.abs(t * p.levels - Math.round(t * p.levels)) < 1e-3) continue;
      const fdLogAlpha = (p.logAlpha(t + h) - p.logAlpha(t - h)) / (2 * h);
      const fdLambda = (p.lambda(t + h) - p.lambda(t - h)) / (2 * h);
      expect(Math.abs(fdLogAlpha - p.dLogAlphaDt(t))).toBeLessThan(1e-6 * Math.max(1, Math.abs(p.dLogAlphaDt(t))));
      expect(relErr(fdLambda, p.dLambdaDt(t))).toBeLessThan(1e-6);
      // d log α/dλ = (d log α/dt)/(dλ/dt)
      expect(Math.abs(p.dLogAlphaDLambda(t) - p.dLogAlphaDt(t) / p.dLambdaDt(t))).toBeLessThan(1e-12);
    }
  });
});

describe('t = 0 is the σ = 0 data point for every process', () => {
  for (const [name, p] of processes) {
    it(name, () => {
      expect([p.alpha(0), p.sigma(0), p.lambda(0), p.tOfLambda(Infinity), p.dLogAlphaDLambda(0)].map((x) => x + 0)).toEqual([1, 0, Infinity, 0, 0]); // + 0: −0 → 0
    });
  }
});

describe('VP processes keep α² + σ² = 1 and d log α/dλ = σ²', () => {
  for (const [name, p] of processes.filter(([n]) => n.startsWith('vp'))) {
    it(name, () => {
      for (const t of sampleTimes(p)) {
        expect(Math.abs(p.alpha(t) ** 2 + p.sigma(t) ** 2 - 1)).toBeLessThan(1e-15);
        expect(relErr(p.dLogAlphaDLambda(t), p.sigma(t) ** 2)).toBeLessThan(1e-13);
      }
    });
  }
});

describe('VP cosine (specs §2.2)', () => {
  const p = new VpCosineProcess();
  const s = VP_COSINE_S;
  const a = (t: number) => ((t + s) / (1 + s)) * (Math.PI / 2);
  /** the official defining formula log cos(a(t)) − log cos(a(0)) */
  const official = (t: number) => Math.log(Math.cos(a(t))) - Math.log(Math.cos(a(0)));

  it('uses s = 0.008 and T = 0.9946 (the official λ-clip of the continuous cosine schedule)', () => {
    expect(p.tMax).toBe(0.9946);
    expect(VP_COSINE_T).toBe(0.9946);
    // λ_T ≈ −4.78: T keeps α_T = cos(a(T))/cos(a(0)) ≈ 0.0084 away from 0
    expect(p.lambda(p.tMax)).toBeCloseTo(-4.7776, 3);
  });

  it('matches the defining formula where it is well conditioned, and its Taylor series at tiny t', () => {
    for (const t of [0.01, 0.05, 0.2, 0.5, 0.8, 0.95, 0.99, 0.9946]) expect(relErr(p.logAlpha(t), official(t))).toBeLessThan(1e-11);
    for (const t of [1e-3, 3e-3]) expect(relErr(p.logAlpha(t), official(t))).toBeLessThan(1e-9);
    // f(δ) = log cos(a0 + δ) − log cos a0 = −tan a0·δ − sec²a0·δ²/2 − sec²a0·tan a0·δ³/3 − (2sec⁴a0 + 4sec²a0·tan²a0)δ⁴/24 + O(δ⁵)
    const a0 = a(0);
    const tn = Math.tan(a0);
    const sec2 = 1 / Math.cos(a0) ** 2;
    for (const t of [1e-5, 3e-5, 1e-4]) {
      const d = (t * Math.PI) / (2 * (1 + s));
      const series = -tn * d - (sec2 * d * d) / 2 - (sec2 * tn * d ** 3) / 3 - ((2 * sec2 * sec2 + 4 * sec2 * tn * tn) * d ** 4) / 24;
      expect(relErr(p.logAlpha(t), series)).toBeLessThan(1e-12);
    }
  });

  it('inverts λ like the official arccos formula where that one is accurate', () => {
    // t = (2(1 + s)/π)·arccos(exp(log α + log cos(a(0)))) − s, log α = −½ logaddexp(−2λ, 0)
    for (const t of [0.1, 0.3, 0.6, 0.9, 0.99]) {
      const l = p.lambda(t);
      const logAlpha = -0.5 * Math.log1p(Math.exp(-2 * l));
      const tOfficial = ((2 * (1 + s)) / Math.PI) * Math.acos(Math.exp(logAlpha + Math.log(Math.cos(a(0))))) - s;
      expect(relErr(p.tOfLambda(l), tOfficial)).toBeLessThan(1e-12);
    }
  });
});

describe('discrete DDPM (specs §2.3, §19.5)', () => {
  it('builds the diffusers beta presets', () => {
    const lin = ddpmBetas('linear');
    expect(lin.length).toBe(1000);
    expect(lin[0]).toBe(1e-4);
    expect(lin[999]).toBe(0.02);
    expect(lin[500]).toBeCloseTo(1e-4 + (500 / 999) * (0.02 - 1e-4), 16);
    const sl = ddpmBetas('scaled_linear');
    expect(sl[0]).toBeCloseTo(0.00085, 16);
    expect(sl[999]).toBeCloseTo(0.012, 16);
    expect(Math.sqrt(sl[300])).toBeCloseTo(Math.sqrt(0.00085) + (300 / 999) * (Math.sqrt(0.012) - Math.sqrt(0.00085)), 15);
    const cos = ddpmBetas('squaredcos_cap_v2');
    const abar = (x: number) => Math.cos(((x + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    expect(cos[10]).toBeCloseTo(1 - abar(11 / 1000) / abar(10 / 1000), 15);
    expect(cos[999]).toBe(0.999);
  });

  it('has log α at the knots t_n = (n + 1)/N equal to ½ log of the direct cumulative product of (1 − β)', () => {
    for (const preset of ['linear', 'scaled_linear'] as const) {
      const betas = ddpmBetas(preset);
      const p = new VpDiscreteProcess(betas);
      expect(p.levels).toBe(1000); // λ_999 ≈ −5.06 (linear), −2.68 (scaled_linear): nothing clipped
      let prod = 1;
      for (let n = 0; n < 1000; n++) {
        prod *= 1 - betas[n];
        if (n % 37 === 0 || n === 999) expect(relErr(p.logAlpha((n + 1) / 1000), 0.5 * Math.log(prod))).toBeLessThan(1e-12);
      }
      expect(p.tMin).toBe(1e-3);
      expect(p.defaultTEnd).toBe(1e-3);
    }
  });

  it('interpolates log α linearly between knots', () => {
    const p = createProcess({ type: 'vp-discrete' }) as VpDiscreteProcess;
    for (const n of [0, 10, 500, 998]) {
      const mid = (n + 1.5) / 1000;
      expect(relErr(p.logAlpha(mid), 0.5 * (p.logAlphas[n] + p.logAlphas[n + 1]))).toBeLessThan(1e-13);
    }
  });

  it('λ-clips the cosine preset at −5.1 and re-spreads the kept levels over (0, 1] as the official code does', () => {
    const betas = ddpmBetas('squaredcos_cap_v2');
    const p = new VpDiscreteProcess(betas);
    let prod = 1;
    const lambdas: number[] = [];
    for (const b of betas) {
      prod *= 1 - b;
      lambdas.push(0.5 * Math.log(prod / (1 - prod)));
    }
    const kept = lambdas.filter((l) => l >= -5.1).length;
    expect(kept).toBeLessThan(1000);
    expect(p.levels).toBe(kept);
    expect(lambdas.slice(0, kept).every((l) => l >= -5.1)).toBe(true);
    expect(lambdas.slice(kept).every((l) => l < -5.1)).toBe(true);
    // t_n = (n + 1)/N' over the kept N' levels: T = 1 is the last kept level, t_0 = 1/N'
    expect(p.tMin).toBe(1 / kept);
    expect(relErr(p.lambda(1), lambdas[kept - 1])).toBeLessThan(1e-10);
    expect(relErr(p.lambda(1 / kept), lambdas[0])).toBeLessThan(1e-10);
    expect(() => new VpDiscreteProcess(betas, 10)).toThrow(/keeps \d+ of 1000 levels/);
  });
});

describe('EDM and flow closed forms (specs §2.4, §2.5, §13)', () => {
  it('EDM: α = 1, σ = t, λ = −log t, t(λ) = e^{−λ}, range [0.002, 80]', () => {
    const p = new EdmProcess();
    expect([p.tMin, p.tMax, p.defaultTStart, p.defaultTEnd]).toEqual([0.002, 80, 80, 0.002]);
    for (const t of [0.002, 0.01, 1, 17.5, 80]) {
      expect(p.alpha(t)).toBe(1);
      expect(p.sigma(t)).toBe(t);
      expect(p.lambda(t)).toBe(-Math.log(t));
      expect(relErr(p.tOfLambda(-Math.log(t)), t)).toBeLessThan(1e-15);
      expect(p.dLogAlphaDLambda(t)).toBe(0);
    }
  });

  it('flow: α = 1 − t, σ = t, λ = log((1 − t)/t), t(λ) = 1/(1 + e^λ), finite on [1e−5, 1 − 1e−5]', () => {
    const p = new FlowProcess();
    expect(p.tMin).toBe(1e-5);
    expect(p.tMax).toBe(1 - 1e-5);
    expect(p.defaultTStart).toBe(1 - 1e-3);
    expect(p.defaultTEnd).toBe(1e-3);
    for (const t of [1e-5, 1e-3, 0.25, 0.5, 0.75, 0.999, 1 - 1e-5]) {
      expect(p.alpha(t)).toBe(1 - t);
      expect(p.sigma(t)).toBe(t);
      expect(Math.abs(p.lambda(t) - Math.log((1 - t) / t))).toBeLessThan(1e-14 * Math.max(1, Math.abs(p.lambda(t))) + 1e-15);
      expect(relErr(p.tOfLambda(p.lambda(t)), 1 / (1 + Math.exp(p.lambda(t))))).toBeLessThan(1e-15);
      expect(p.dLogAlphaDLambda(t)).toBe(t);
    }
    expect(p.lambda(0.5)).toBe(0);
    // RF / Lumina time counts from noise (0) to data (1)
    expect(rfTimeOf(0.999)).toBeCloseTo(1e-3, 15);
    expect(fromRfTime(rfTimeOf(0.3))).toBeCloseTo(0.3, 15);
  });
});

describe('createProcess', () => {
  it('fills defaults and keeps VP-linear as before', () => {
    const p = createProcess({ type: 'vp-linear' });
    expect(p).toBeInstanceOf(VpLinearProcess);
    const reference = new VpLinearProcess(0.1, 20);
    for (const t of [1e-5, 0.1, 1]) expect(p.lambda(t)).toBe(reference.lambda(t));
    expect(createProcess({ type: 'edm', sigmaMin: 0.01, sigmaMax: 100 }).tMax).toBe(100);
    expect(createProcess({ type: 'vp-discrete', betaSchedule: 'linear', betaStart: 1e-4, betaEnd: 0.02 }).lambda(0.5)).toBe(createProcess({ type: 'vp-discrete' }).lambda(0.5));
  });
});

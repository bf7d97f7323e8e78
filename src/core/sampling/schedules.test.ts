// Time grids (specs/samplers.md §3): each formula against an independent evaluation of the spec's / official
// code's formula, endpoints, monotonicity (also over random valid combinations), the σ = 0 end, and §3.7's
// identity between the Lumina and SD3 shifts.

import { describe, expect, it } from 'vitest';
import { EdmProcess, FlowProcess, type NoiseProcess, PROCESS_TYPES, VpLinearProcess, createProcess } from './process.ts';
import {
  GridError,
  SCHEDULE_DEFAULTS,
  SCHEDULE_TYPES,
  type ScheduleSpec,
  buildGrid,
  buildTimeGrid,
  checkSchedule,
  defaultScheduleSpec,
  describeGrid,
  fluxMu,
  fluxTimeShift,
  gridPoint,
  iddpmLevels,
  luminaShift,
  scheduleEndsAtZero,
  scheduleLogSnrUniform,
  scheduleTimeQuadratic,
  scheduleTimeUniform,
  scheduleWithoutZero,
  sd3Shift,
  sd3ShiftInverse,
} from './schedules.ts';

const relErr = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
const expectClose = (actual: number[], expected: number[], tol: number) => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(relErr(a, expected[i]), `index ${i}: ${a} vs ${expected[i]}`).toBeLessThanOrEqual(tol));
};
const sigmaTildes = (p: NoiseProcess, times: number[]) => times.map((t) => (t === 0 ? 0 : p.sigma(t) / p.alpha(t)));
const linspace = (a: number, b: number, n: number) => Array.from({ length: n }, (_, i) => (n === 1 ? a : a + (i / (n - 1)) * (b - a)));

const edm = new EdmProcess();
const vp = new VpLinearProcess();
const flow = new FlowProcess();

describe('k-diffusion / EDM σ-grids end at σ = 0 (specs §3.2, §3.3)', () => {
  it('karras equals EDM’s t_steps formula (σ = t for the EDM process), 18 steps, ρ = 7', () => {
    const grid = buildGrid({ type: 'karras' }, edm, 80, 0.002, 18);
    expect(grid.endsAtZero).toBe(true);
    expect(grid.times.length).toBe(19);
    const expected = Array.from({ length: 18 }, (_, i) => (80 ** (1 / 7) + (i / 17) * (0.002 ** (1 / 7) - 80 ** (1 / 7))) ** 7);
    expectClose(grid.times.slice(0, 18), expected, 1e-14);
    expect(grid.times[0]).toBe(80);
    expect(grid.times[17]).toBe(0.002);
    expect(grid.times[18]).toBe(0);
  });

  it('karras on a VP process is the same ρ-formula in σ̃ = σ/α, mapped through λ = −log σ̃', () => {
    const grid = buildGrid({ type: 'karras', rho: 5 }, vp, 1, 1e-3, 9);
    const sMax = vp.sigma(1) / vp.alpha(1);
    const sMin = vp.sigma(1e-3) / vp.alpha(1e-3);
    const expected = Array.from({ length: 9 }, (_, i) => (sMax ** (1 / 5) + (i / 8) * (sMin ** (1 / 5) - sMax ** (1 / 5))) ** 5);
    expectClose(sigmaTildes(vp, grid.times).slice(0, 9), expected, 1e-12);
  });

  it('karras without the zero is DPM-Solver-v3’s N + 1 point “edm” skip type', () => {
    const grid = buildGrid({ type: 'karras', appendZero: false }, edm, 80, 0.002, 6);
    expect(grid.endsAtZero).toBe(false);
    const expected = Array.from({ length: 7 }, (_, i) => (80 ** (1 / 7) + (i / 6) * (0.002 ** (1 / 7) - 80 ** (1 / 7))) ** 7);
    expectClose(grid.times, expected, 1e-14);
  });

  it('exponential is geometric in σ̃, and without the zero it is the logSNR grid', () => {
    const g = buildTimeGrid({ type: 'exponential' }, edm, 80, 0.002, 10);
    expectClose(g.slice(0, 10), linspace(Math.log(80), Math.log(0.002), 10).map(Math.exp), 1e-14);
    expect(g[10]).toBe(0);
    expectClose(buildTimeGrid({ type: 'exponential', appendZero: false }, vp, 1, 1e-3, 7), scheduleLogSnrUniform(vp, 1, 1e-3, 7), 1e-13);
  });

  it('polyexponential follows k-diffusion’s ramp formula and is exponential at ρ = 1', () => {
    const g = buildTimeGrid({ type: 'polyexponential', rho: 2.5 }, edm, 80, 0.002, 8);
    const ramp = linspace(1, 0, 8).map((r) => r ** 2.5);
    expectClose(g.slice(0, 8), ramp.map((r) => Math.exp(r * (Math.log(80) - Math.log(0.002)) + Math.log(0.002))), 1e-13);
    expectClose(buildTimeGrid({ type: 'polyexponential', rho: 1 }, vp, 1, 1e-3, 8), buildTimeGrid({ type: 'exponential' }, vp, 1, 1e-3, 8), 1e-13);
  });
});

describe('EDM ablation discretizations (specs §3.4)', () => {
  it('edm-vp follows EDM’s re-fitted σ_VP formula', () => {
    const eps = 1e-3;
    const g = buildTimeGrid({ type: 'edm-vp' }, edm, 80, 0.002, 12);
    // EDM: vp_beta_d = 2(log(σ_min² + 1)/ε_s − log(σ_max² + 1))/(ε_s − 1), vp_beta_min = log(σ_max² + 1) − ½ vp_beta_d
    // (log1p / expm1 for EDM's log(σ² + 1) and e^x − 1: the literal forms lose ~1e−11 at σ_min = 0.002)
    const betaD = (2 * (Math.log1p(0.002 ** 2) / eps - Math.log1p(80 ** 2))) / (eps - 1);
    const betaMin = Math.log1p(80 ** 2) - 0.5 * betaD;
    const expected = Array.from({ length: 12 }, (_, i) => {
      const t = 1 + (i / 11) * (eps - 1);
      return Math.expm1(0.5 * betaD * t * t + betaMin * t) ** 0.5;
    });
    expectClose(g.slice(0, 12), expected, 1e-11);
    expect(g[12]).toBe(0);
  });

  it('edm-vp on VP-linear over [ε_s, 1] is exactly uniform in t (β_d = β1 − β0, β_min = β0)', () => {
    const g = buildTimeGrid({ type: 'edm-vp', epsilonS: 1e-3 }, vp, 1, 1e-3, 10);
    expectClose(g.slice(0, 10), linspace(1, 1e-3, 10), 1e-11);
  });

  it('edm-ve (σ² geometric) is the same grid as exponential', () => {
    expectClose(buildTimeGrid({ type: 'edm-ve' }, edm, 100, 0.02, 9), buildTimeGrid({ type: 'exponential' }, edm, 100, 0.02, 9), 1e-13);
    expectClose(buildTimeGrid({ type: 'edm-ve' }, vp, 1, 1e-3, 9), buildTimeGrid({ type: 'exponential' }, vp, 1, 1e-3, 9), 1e-12);
  });

  it('iddpm levels follow EDM’s recursion', () => {
    const u = iddpmLevels();
    expect(u.length).toBe(1001);
    expect(u[1000]).toBe(0);
    const alphaBar = (j: number) => Math.sin((0.5 * Math.PI * j) / 1000 / 1.008) ** 2;
    for (const j of [1000, 700, 2]) expect(relErr(u[j - 1], Math.sqrt((u[j] ** 2 + 1) / Math.max(alphaBar(j - 1) / alphaBar(j), 0.001) - 1))).toBeLessThan(1e-14);
    for (let j = 1; j <= 1000; j++) expect(u[j]).toBeLessThan(u[j - 1]);
    // EDM's defaults select levels from the largest ≤ 81 down to u_999 ≈ 0.0064 (> σ_min = 0.002)
    expect(u[999]).toBeCloseTo(0.006425, 5);
  });

  it('iddpm equals EDM’s selection (torch’s round half to even) when tStart and tEnd are levels', () => {
    const u = iddpmLevels();
    // levels u_10 … u_15 in range: (len − 1)/(N − 1)·i = 2.5·i rounds to 0, 2 (half to even), 5
    const g = buildTimeGrid({ type: 'iddpm' }, edm, u[10], u[15], 3);
    expectClose(g, [u[10], u[12], u[15], 0], 1e-14);
    // the whole default range
    const levels = Array.from(u).filter((x) => x >= 0.002 && x <= 81);
    const N = 18;
    const picked = Array.from({ length: N }, (_, i) => {
      const x = ((levels.length - 1) / (N - 1)) * i;
      const r = Math.round(x);
      return levels[Math.abs(x % 1) === 0.5 && r % 2 === 1 ? r - 1 : r];
    });
    const wide = new EdmProcess(0.002, 100);
    expectClose(buildTimeGrid({ type: 'iddpm' }, wide, levels[0], levels[levels.length - 1], N).slice(0, N), picked, 1e-14);
  });

  it('iddpm pins its ends to tStart/tEnd and refuses more steps than levels', () => {
    const g = buildTimeGrid({ type: 'iddpm' }, edm, 80, 0.002, 18);
    expect(g[0]).toBe(80);
    expect(g[17]).toBe(0.002);
    const u = iddpmLevels();
    expect(() => buildGrid({ type: 'iddpm' }, edm, u[10], u[15], 7)).toThrow(GridError);
    expect(checkSchedule({ type: 'iddpm' }, edm, u[10], u[15], 7)).toMatch(/only 6 iDDPM levels/);
  });
});

describe('DEIS power grid (specs §3.5)', () => {
  it('κ = 2 is time-quadratic, κ = 1 time-uniform, κ = 3 follows the formula', () => {
    expectClose(buildTimeGrid({ type: 'deis-t', kappa: 2 }, vp, 1, 1e-3, 10), scheduleTimeQuadratic(1, 1e-3, 10), 1e-14);
    expectClose(buildTimeGrid({ type: 'deis-t', kappa: 1 }, vp, 1, 1e-3, 10), scheduleTimeUniform(1, 1e-3, 10), 1e-14);
    const g = buildTimeGrid({ type: 'deis-t', kappa: 3 }, vp, 1, 1e-3, 6);
    expectClose(g, linspace(1, 1e-3 ** (1 / 3), 7).map((x) => x ** 3), 1e-14);
  });
});

describe('flow-matching shifts (specs §3.7)', () => {
  it('Lumina’s shift equals SD3’s under σ = 1 − t', () => {
    for (const s of [0.5, 1, 3, 4, 7.5])
      for (const t of [0, 1e-3, 0.1, 0.37, 0.5, 0.9, 0.999, 1]) expect(Math.abs(1 - luminaShift(t, s) - sd3Shift(1 - t, s))).toBeLessThan(1e-15);
  });

  it('sd3ShiftInverse inverts sd3Shift; Flux’s exponential shift is SD3’s with s = e^μ', () => {
    for (const x of [1e-3, 0.2, 0.8, 0.999]) {
      expect(relErr(sd3ShiftInverse(sd3Shift(x, 3), 3), x)).toBeLessThan(1e-15);
      expect(relErr(fluxTimeShift(x, 1.15), sd3Shift(x, Math.exp(1.15)))).toBeLessThan(1e-14);
    }
    expect(fluxMu(256)).toBeCloseTo(0.5, 15);
    expect(fluxMu(4096)).toBeCloseTo(1.15, 15);
  });

  it('shift on flow: uniform in the unshifted time between the endpoints’ pre-images, then sσ/(1 + (s − 1)σ), then 0', () => {
    const s = 3;
    const t0 = 1 - 1e-5;
    const t1 = 0.01;
    const g = buildGrid({ type: 'shift', s }, flow, t0, t1, 10);
    expect(g.endsAtZero).toBe(true);
    const u0 = t0 / (s - (s - 1) * t0);
    const u1 = t1 / (s - (s - 1) * t1);
    expectClose(g.times.slice(0, 10), linspace(u0, u1, 10).map((u) => (s * u) / (1 + (s - 1) * u)), 1e-12);
    // s = 1 is no shift: uniform in t
    expectClose(buildTimeGrid({ type: 'shift', s: 1, appendZero: false }, flow, 0.9, 0.1, 8), scheduleTimeUniform(0.9, 0.1, 8), 1e-12);
    // the shift pushes steps toward noise: more of the grid above t = ½ than the unshifted grid
    const above = (ts: number[]) => ts.filter((t) => t > 0.5).length;
    expect(above(g.times)).toBeGreaterThan(above(buildTimeGrid({ type: 'shift', s: 1 }, flow, t0, t1, 10)));
  });

  it('Lumina’s grid t_fm = luminaShift(linspace(0, 1, N + 1)) is the shift grid in Stepscope time t = 1 − t_fm', () => {
    const s = 4;
    const N = 8;
    const lumina = linspace(0, 1, N + 1).map((t) => 1 - luminaShift(t, s)); // Stepscope time, 1 → 0
    // the same points from sd3Shift on linspace(1, 0): pinned to [lumina[0], lumina[N−1]] with the zero appended
    const g = buildTimeGrid({ type: 'shift', s }, flow, 1 - 1e-5, lumina[N - 1], N);
    expect(g[N]).toBe(0);
    // exact except the first point (tStart = 1 − 1e−5 instead of 1) and its small pull on the pre-image spacing
    g.slice(1, N).forEach((t, i) => expect(Math.abs(t - lumina[i + 1])).toBeLessThan(2e-5));
  });

  it('flux-shift with μ equals shift with s = e^μ; on other processes both act on τ = σ̃/(1 + σ̃)', () => {
    expectClose(buildTimeGrid({ type: 'flux-shift', mu: 0.7 }, flow, 0.99, 1e-3, 9), buildTimeGrid({ type: 'shift', s: Math.exp(0.7) }, flow, 0.99, 1e-3, 9), 1e-13);
    const g = buildTimeGrid({ type: 'shift', s: 2, appendZero: false }, edm, 80, 0.002, 6);
    const tau = g.map((t) => t / (1 + t)); // EDM: σ̃ = t
    const u = tau.map((x) => sd3ShiftInverse(x, 2));
    for (let i = 2; i < u.length; i++) expect(Math.abs(u[i] - u[i - 1] - (u[1] - u[0]))).toBeLessThan(1e-12);
  });
});

describe('sigmoid grid (Stepscope’s own construction, specs §3.7)', () => {
  it('follows t_i = (sig(a(2u − 1)) − sig(−a))/(sig(a) − sig(−a)) on τ, dense at both ends', () => {
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    const a = 3;
    const g = buildGrid({ type: 'sigmoid', a }, flow, 0.99, 0.01, 10);
    expect(g.endsAtZero).toBe(false);
    const expected = linspace(0, 1, 11).map((u) => 0.99 + ((sig(a * (2 * u - 1)) - sig(-a)) / (sig(a) - sig(-a))) * (0.01 - 0.99));
    expectClose(g.times, expected, 1e-12);
    const gaps = g.times.slice(1).map((t, i) => g.times[i] - t);
    expect(gaps[0]).toBeLessThan(gaps[5]);
    expect(gaps[9]).toBeLessThan(gaps[5]);
    // a → 0 tends to the uniform grid
    expectClose(buildTimeGrid({ type: 'sigmoid', a: 0.001 }, flow, 0.9, 0.1, 8), scheduleTimeUniform(0.9, 0.1, 8), 1e-6);
  });
});

describe('grid reports and the σ = 0 end', () => {
  it('describeGrid gives t, σ̃ = σ/α, λ, α, σ, with α = 1, σ = σ̃ = 0, λ = +∞ at the zero', () => {
    const grid = buildGrid({ type: 'karras' }, vp, 1, 1e-3, 5);
    const r = describeGrid(vp, grid);
    expect(r.endsAtZero).toBe(true);
    expect(r.t).toEqual(grid.times);
    for (let i = 0; i < 5; i++) {
      const t = grid.times[i];
      expect(relErr(r.sigmaTilde[i], vp.sigma(t) / vp.alpha(t))).toBeLessThan(1e-14);
      expect(r.lambda[i]).toBe(vp.lambda(t));
    }
    expect([r.t[5], r.sigmaTilde[5], r.lambda[5], r.alpha[5], r.sigma[5]]).toEqual([0, 0, Infinity, 1, 0]);
    expect(gridPoint(vp, grid, 5).atZero).toBe(true);
    expect(gridPoint(vp, buildGrid({ type: 'logsnr' }, vp, 1, 1e-3, 5), 5)).toMatchObject({ t: 1e-3, atZero: false });
  });

  it('says which schedules end at σ = 0, and removes the zero for inner grids', () => {
    expect(scheduleEndsAtZero({ type: 'karras' })).toBe(true);
    expect(scheduleEndsAtZero({ type: 'karras', appendZero: false })).toBe(false);
    expect(scheduleEndsAtZero({ type: 'logsnr' })).toBe(false);
    expect(scheduleEndsAtZero({ type: 'custom', times: [1, 0.5] })).toBe(false);
    expect(scheduleWithoutZero({ type: 'shift', s: 2 })).toEqual({ type: 'shift', s: 2, appendZero: false });
    expect(buildGrid(scheduleWithoutZero({ type: 'karras' }), vp, 0.5, 0.1, 2).times).toHaveLength(3);
    // one step on a zero-ending grid goes straight from tStart to σ = 0
    expect(buildTimeGrid({ type: 'karras' }, edm, 80, 0.002, 1)).toEqual([80, 0]);
  });
});

describe('every schedule on every process (property test over random valid choices)', () => {
  /** a small deterministic generator (mulberry32) */
  function rng(seed: number) {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const processSpecs = [
    { type: 'vp-linear' as const },
    { type: 'vp-linear' as const, beta0: 0.5, beta1: 8 },
    { type: 'vp-cosine' as const },
    { type: 'vp-discrete' as const },
    { type: 'vp-discrete' as const, betaSchedule: 'scaled_linear' as const },
    { type: 'vp-discrete' as const, betaSchedule: 'squaredcos_cap_v2' as const },
    { type: 'edm' as const },
    { type: 'flow' as const },
  ];
  expect(new Set(processSpecs.map((p) => p.type))).toEqual(new Set(PROCESS_TYPES));
  // boss needs the target model (experiment.ts resolves it; boss.test.ts tests it on every process and solver)
  const types = SCHEDULE_TYPES.filter((t) => t !== 'custom' && t !== 'boss');

  it('gives N + 1 finite, strictly decreasing times from tStart to tEnd (then 0 when it ends at σ = 0)', () => {
    const r = rng(7);
    let built = 0;
    for (let trial = 0; trial < 600; trial++) {
      const p = createProcess(processSpecs[Math.floor(r() * processSpecs.length)]);
      const type = types[trial % types.length];
      // random endpoints inside the process's range, log-uniform
      const lo = Math.log(p.tMin);
      const hi = Math.log(p.tMax);
      const a = Math.exp(lo + r() * (hi - lo));
      const b = Math.exp(lo + r() * (hi - lo));
      if (Math.abs(a - b) < 1e-6 * Math.max(a, b)) continue;
      const [tStart, tEnd] = a > b ? [a, b] : [b, a];
      const steps = 1 + Math.floor(r() * 40);
      const schedule: ScheduleSpec = r() < 0.5 ? defaultScheduleSpec(type) : ({ ...defaultScheduleSpec(type), ...('appendZero' in SCHEDULE_DEFAULTS[type] ? { appendZero: false } : {}) } as ScheduleSpec);
      let grid;
      try {
        grid = buildGrid(schedule, p, tStart, tEnd, steps);
      } catch (error) {
        // the only refusals allowed: iddpm with too few levels, edm-vp with a non-monotone fit
        expect(error).toBeInstanceOf(GridError);
        expect(['iddpm', 'edm-vp']).toContain(type);
        continue;
      }
      built++;
      const { times, endsAtZero } = grid;
      expect(times.length).toBe(steps + 1);
      expect(times[0]).toBe(tStart);
      expect(endsAtZero).toBe(scheduleEndsAtZero(schedule));
      if (endsAtZero) {
        expect(times[steps]).toBe(0);
        if (steps > 1) expect(times[steps - 1]).toBe(tEnd);
      } else expect(times[steps]).toBe(tEnd);
      for (let i = 1; i < times.length; i++) expect(times[i]).toBeLessThan(times[i - 1]);
      const positive = endsAtZero ? times.slice(0, -1) : times;
      for (const t of positive) {
        expect(t).toBeGreaterThanOrEqual(p.tMin);
        expect(t).toBeLessThanOrEqual(p.tMax);
        expect(Number.isFinite(p.lambda(t))).toBe(true);
      }
    }
    expect(built).toBeGreaterThan(500);
  });
});

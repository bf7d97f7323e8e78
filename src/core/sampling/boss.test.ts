// BOSS (specs §14): the DP against brute force, the cost matrix against its definition, the optimal grid against
// the uniform one on the costs it optimises, the grid's shape on an image-like flow target, and the schedule in the spec.
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../spec/spec.ts';
import { specProblems } from '../spec/testing.ts';
import {
  BOSS_UNSUITED_FAMILIES,
  type BossCostOptions,
  bellmanPath,
  bossAnchors,
  bossCostMatrix,
  bossGrid,
  bossSummary,
  bossTeacher,
  cachedBossCostMatrix,
  jumpProgram,
  linearJump,
  pathCost,
  uniformIndices,
} from './boss.ts';
import { buildSpecProgram, makeProcess, mixtureModel, prepareTarget, specBossRequest } from './experiment.ts';
import { GLYPH_DEFAULTS } from './glyphs.ts';
import { createProcess } from './process.ts';
import { fixedProgram, isDriven } from './program.ts';
import { PROCESS_TYPES } from './process.ts';
import { runProgramCpu } from './interpreter.ts';
import { BudgetError, SOLVERS, SOLVER_NAMES } from './solvers.ts';
import { fillNormal } from '../util/rng.ts';

/** a small deterministic generator for the random matrices */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** every path 0 < i_1 < … < i_{K−1} < K_max: the cheapest cost */
function bruteForce(cost: Float64Array, kMax: number, K: number): number {
  let best = Infinity;
  const walk = (from: number, left: number, acc: number) => {
    if (left === 1) {
      best = Math.min(best, acc + cost[from * (kMax + 1) + kMax]);
      return;
    }
    for (let j = from + 1; j <= kMax - left + 1; j++) walk(j, left - 1, acc + cost[from * (kMax + 1) + j]);
  };
  walk(0, K, 0);
  return best;
}

const flow = createProcess({ type: 'flow' });

function flowOptions(target: Parameters<typeof prepareTarget>[0], samples: number, solver = 'flow-euler'): BossCostOptions {
  return { process: flow, model: mixtureModel(prepareTarget(target)), solver: { name: solver as 'flow-euler' }, tStart: flow.defaultTStart, tEnd: flow.defaultTEnd, kMax: 40, samples, seed: 3 };
}

describe('Bellman DP (specs §14 item 4)', () => {
  it('finds the brute-force optimum with exactly K jumps on random matrices, and its path costs what it reports', () => {
    const random = lcg(7);
    for (let trial = 0; trial < 12; trial++) {
      const kMax = 5 + (trial % 6);
      const cost = new Float64Array((kMax + 1) ** 2);
      // random costs, some far from any monotone structure
      for (let k = 0; k < kMax; k++) for (let j = k + 1; j <= kMax; j++) cost[k * (kMax + 1) + j] = random() * (trial % 2 ? (j - k) ** 2 : 1);
      for (let K = 1; K <= kMax; K++) {
        const path = bellmanPath(cost, kMax, K);
        expect(path.indices.length).toBe(K + 1);
        expect(path.indices[0]).toBe(0);
        expect(path.indices[K]).toBe(kMax);
        for (let m = 1; m <= K; m++) expect(path.indices[m]).toBeGreaterThan(path.indices[m - 1]);
        expect(path.cost).toBeCloseTo(bruteForce(cost, kMax, K), 12);
        expect(pathCost(cost, kMax, path.indices)).toBeCloseTo(path.cost, 12);
      }
    }
  });

  it('refuses K outside 1 … K_max', () => {
    const cost = new Float64Array(16);
    expect(() => bellmanPath(cost, 3, 0)).toThrow(/1 ≤ K ≤ kMax/);
    expect(() => bellmanPath(cost, 3, 4)).toThrow(/1 ≤ K ≤ kMax \(3\)/);
  });
});

describe('one-jump cost matrix (specs §14 items 1–3)', () => {
  const target = { type: 'preset', name: 'ring8' } as const;
  const options = flowOptions(target, 64);
  const matrix = bossCostMatrix(options);
  const n1 = options.kMax + 1;

  it('anchors are uniform in t for flow, from tStart to tEnd', () => {
    const anchors = bossAnchors(flow, 0.999, 0.001, 4);
    expect(anchors.map((t) => +t.toFixed(12))).toEqual([0.999, 0.7495, 0.5, 0.2505, 0.001]);
  });

  it('is the Euler jump x_k + v_k(τ_j − τ_k) against the teacher, with v = (x − D)/t, and zero for one anchor step', () => {
    expect(matrix.jumps).toBe('linear');
    const { frames, anchors } = bossTeacher(options);
    const model = options.model;
    const d = model.dim;
    for (const [k, j] of [[0, 1], [0, 40], [5, 9], [20, 33], [39, 40]]) {
      const D = new Float64Array(frames[k].length);
      model.predict(frames[k], options.samples, anchors[k], flow.alpha(anchors[k]), flow.sigma(anchors[k]), 'data', D);
      let s = 0;
      for (let i = 0; i < D.length; i++) {
        const v = (frames[k][i] - D[i]) / anchors[k];
        const r = frames[k][i] + v * (anchors[j] - anchors[k]) - frames[j][i];
        s += r * r;
      }
      const expected = s / options.samples;
      expect(matrix.cost[k * n1 + j]).toBeCloseTo(expected, 12);
      if (j === k + 1) expect(matrix.cost[k * n1 + j]).toBeLessThan(1e-24 * d);
      else expect(matrix.cost[k * n1 + j]).toBeGreaterThan(0);
    }
  });

  it('finds the linear form of Euler-type steps and none for two-stage ones', () => {
    const s = 0.6;
    const jump = linearJump(jumpProgram({ name: 'flow-euler' }, flow, s, 0.4), s, flow.alpha(s), flow.sigma(s));
    // x + (τ_j − τ_k)(x − D)/τ_k
    expect(jump!.a).toBeCloseTo(1 + (0.4 - 0.6) / 0.6, 14);
    expect(jump!.b).toBeCloseTo(-(0.4 - 0.6) / 0.6, 14);
    expect(linearJump(jumpProgram({ name: 'flow-heun' }, flow, s, 0.4), s, flow.alpha(s), flow.sigma(s))).toBeNull();
    const vp = createProcess({ type: 'vp-linear' });
    expect(linearJump(jumpProgram({ name: 'ddim' }, vp, 0.8, 0.5), 0.8, vp.alpha(0.8), vp.sigma(0.8))).not.toBeNull();
    expect(linearJump(jumpProgram({ name: 'euler-ancestral' }, vp, 0.8, 0.5), 0.8, vp.alpha(0.8), vp.sigma(0.8))).toBeNull();
  });

  it('steps other single-step solvers (flow-heun): its own one-anchor steps cost nothing, longer jumps do', () => {
    const heun = bossCostMatrix({ ...flowOptions(target, 16, 'flow-heun'), kMax: 12 });
    expect(heun.jumps).toBe('stepped');
    for (let k = 0; k < 12; k++) expect(heun.cost[k * 13 + k + 1]).toBeLessThan(1e-26);
    expect(heun.cost[0 * 13 + 12]).toBeGreaterThan(heun.cost[0 * 13 + 6]);
  });

  it('the Bellman grid is never worse than the uniform grid in the cost it optimises, and strictly better at 4, 6, 8 jumps', () => {
    for (let K = 1; K <= options.kMax; K++) {
      const summary = bossSummary(matrix, flow, K);
      expect(summary.optimalCost).toBeLessThanOrEqual(summary.uniformCost * (1 + 1e-12));
      if ([4, 6, 8].includes(K)) {
        expect(summary.optimalCost).toBeLessThan(0.9 * summary.uniformCost);
        expect(summary.indices).not.toEqual(uniformIndices(options.kMax, K));
      }
    }
    // with K = K_max every anchor is used
    expect(bossSummary(matrix, flow, options.kMax).indices).toEqual(uniformIndices(options.kMax, options.kMax));
  });

  it('on glyphs16 (a 256-D flow GMM) the optimal steps are small at both ends and larger in the middle (BOSS Tables, §14)', () => {
    const glyphs = bossCostMatrix({ ...flowOptions({ type: 'glyphs16', ...GLYPH_DEFAULTS }, 128), kMax: 100 });
    for (const K of [6, 8]) {
      const { times } = bossSummary(glyphs, flow, K);
      const steps = times.slice(1).map((t, i) => times[i] - t);
      const largest = Math.max(...steps);
      const at = steps.indexOf(largest);
      expect(at).toBeGreaterThan(0);
      expect(at).toBeLessThan(K - 1);
      expect(steps[0]).toBeLessThan(0.6 * largest);
      expect(steps[K - 1]).toBeLessThan(0.6 * largest);
    }
  });
});

describe('the boss schedule in the spec', () => {
  const base = { version: 1, kind: 'sample', process: { type: 'flow' }, target: { type: 'preset', name: 'ring8' }, solver: { name: 'flow-euler' }, n: 64 } as const;

  it('fills its defaults and resolves to the Bellman grid of the spec’s solver, cached per (model, solver, K, kMax, samples, seed)', () => {
    const spec = parseSpec({ ...base, schedule: { type: 'boss', kMax: 30, samples: 32 }, nfe: 6 });
    expect(spec.schedule).toEqual({ type: 'boss', kMax: 30, samples: 32 });
    const process = makeProcess(spec.process);
    const program = fixedProgram(buildSpecProgram(spec, process));
    const request = specBossRequest(spec, process);
    const matrix = cachedBossCostMatrix(request);
    expect(cachedBossCostMatrix(specBossRequest(spec, process))).toBe(matrix);
    expect(program.times).toEqual(bellmanPath(matrix.cost, 30, 6).indices.map((i) => matrix.anchors[i]));
    expect(program.nfe).toBe(6);
    expect(bossGrid(request, 1)).toEqual([spec.tStart, spec.tEnd]);
    // another seed is another teacher
    expect(cachedBossCostMatrix(specBossRequest({ ...spec, seed: 1 }, process))).not.toBe(matrix);
    expect(parseSpec({ ...base, schedule: { type: 'boss' }, nfe: 6 }).schedule).toEqual({ type: 'boss', kMax: 100, samples: 256 });
  });

  it('serves every solver: two-stage, multistep and σ-space solvers on flow, VP and EDM (K = steps, not NFE)', () => {
    const cases = [
      { ...base, solver: { name: 'flow-heun' }, nfe: 8 },
      { ...base, process: { type: 'vp-linear' }, solver: { name: 'dpmpp-2m' }, nfe: 6 },
      { ...base, process: { type: 'edm' }, solver: { name: 'euler' }, nfe: 5 },
      { ...base, solver: { name: 'unipc' }, nfe: 5, schedule: { type: 'boss', kMax: 20, samples: 16, solver: { name: 'flow-euler' } } },
    ];
    for (const c of cases) {
      const spec = parseSpec({ schedule: { type: 'boss', kMax: 20, samples: 16 }, ...c });
      const program = fixedProgram(buildSpecProgram(spec));
      const steps = spec.solver.name === 'flow-heun' ? 4 : spec.nfe!;
      expect(program.times.length).toBe(steps + 1);
      expect(program.times[0]).toBe(spec.tStart);
      expect(program.times[steps]).toBe(spec.tEnd);
      for (let i = 1; i <= steps; i++) expect(program.times[i]).toBeLessThan(program.times[i - 1]);
    }
  });

  it('every solver on every process (property test): a strictly decreasing grid from tStart to tEnd and finite samples, or a budget refusal', () => {
    let refused = 0;
    SOLVER_NAMES.forEach((name, i) => {
      const ptype = PROCESS_TYPES[i % PROCESS_TYPES.length];
      const nfe = 2 + ((7 * i) % 11);
      const spec = parseSpec({ ...base, process: { type: ptype }, solver: { name }, schedule: { type: 'boss', kMax: 16, samples: 8 }, nfe, n: 8, seed: i });
      const process = makeProcess(spec.process);
      // adaptive, PC and stochastic solvers take the deterministic first-order solver's costs
      const teacher = specBossRequest(spec, process).solver.name;
      if ((BOSS_UNSUITED_FAMILIES as readonly string[]).includes(SOLVERS[name].family)) expect(teacher).toBe(ptype === 'flow' ? 'flow-euler' : 'ddim');
      else expect(teacher).toBe(name);
      let program;
      try {
        program = buildSpecProgram(spec, process);
      } catch (error) {
        expect(error, `${name} on ${ptype} at ${nfe} NFE`).toBeInstanceOf(BudgetError);
        refused++;
        return;
      }
      const x = runProgramCpu(program, mixtureModel(prepareTarget(spec.target)), fillNormal(new Float64Array(16), 8, 2, i, 0), { seed: i });
      expect(x.x.every(Number.isFinite), `${name} on ${ptype}`).toBe(true);
      if (!isDriven(program)) {
        const positive = program.times.filter((t) => t > 0);
        expect(positive[0]).toBe(spec.tStart);
        for (let m = 1; m < positive.length; m++) expect(positive[m]).toBeLessThan(positive[m - 1]);
      }
    });
    expect(refused).toBeLessThan(4);
  });

  it('refuses bad input naming the field, the value and the allowed range', () => {
    const spec = (schedule: object, budget: object = { nfe: 6 }) => ({ ...base, schedule: { type: 'boss', ...schedule }, ...budget });
    expect(specProblems(spec({ kMax: 1 }))[0]).toMatch(/^schedule\.kMax: got 1; .*>=\s*2/);
    expect(specProblems(spec({ kMax: 5000 }))[0]).toMatch(/^schedule\.kMax: got 5000; .*<=\s*1000/);
    expect(specProblems(spec({ kMax: 10.5 }))[0]).toMatch(/^schedule\.kMax: got 10\.5; .*int/i);
    expect(specProblems(spec({ samples: 1 }))[0]).toMatch(/^schedule\.samples: got 1; .*>=\s*2/);
    expect(specProblems(spec({ kMax: 10 }, { nfe: 12 }))).toEqual(['schedule.kMax: got 10; must be at least nfe (12): a boss grid picks its steps among kMax + 1 anchors']);
    expect(specProblems(spec({ kMax: 10 }, { steps: 12 }))[0]).toMatch(/^schedule\.type: got "boss"; boss: 12 steps need kMax ≥ 12 \(got kMax = 10\)/);
    expect(specProblems(spec({ solver: { name: 'pc' } }))[0]).toMatch(/^schedule\.solver: .*deterministic fixed-grid solver/);
    expect(specProblems(spec({ solver: { name: 'euler-ancestral' } }))[0]).toMatch(/^schedule\.solver: .*deterministic fixed-grid solver/);
    expect(specProblems(spec({ solver: { name: 'nope' } }))[0]).toMatch(/^schedule\.solver\.name: got "nope"/);
    expect(specProblems(spec({ rho: 3 }))[0]).toMatch(/unknown field\(s\) "rho"/);
  });
});

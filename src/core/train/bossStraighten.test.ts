// BOSS straightening (training.md §3.5): the teacher's Bellman path against an independent RF-time Euler + brute-force
// path search, the loss and its gradient against direct evaluation and finite differences, and the fine-tuning itself
// (the student's K-step error falls below the teacher's on the same Bellman steps; the teacher is not touched).

import { describe, expect, it } from 'vitest';
import { bossGrid } from '../sampling/boss.ts';
import { prepareTarget } from '../sampling/experiment.ts';
import { createProcess } from '../sampling/process.ts';
import { learnedDenoiser } from '../spec/learnedModel.ts';
import { type ModelFile, MODEL_FORMAT, MODEL_FORMAT_VERSION, taskTimeInput } from '../spec/modelFile.ts';
import { TRAIN_TIME_EMBEDDING } from '../spec/trainSpec.ts';
import { trainGenerativeModel } from './loop.ts';
import { RngStream, fillNormal } from '../util/rng.ts';
import { mlpLayout, mlpLoss, mlpLossAndGradients, mlpPredict } from './mlp.ts';
import { allPairs, bossBatch, bossKStepComparison, bossPairNoise, bossPairSet, bossStraighten, bossStraightenPlan, offlineChoice } from './bossStraighten.ts';

/** a small flow-matching teacher on ring8 (float64 CPU trainer, a few hundred steps) */
function smallTeacher(): ModelFile {
  const target = { type: 'preset' as const, name: 'ring8' as const };
  const config = { dataDim: 2, outputDim: 2, width: 16, depth: 2, activation: 'silu' as const, timeEmbedding: TRAIN_TIME_EMBEDDING };
  const optimizer = { name: 'adam' as const, lr: 3e-3 };
  const run = trainGenerativeModel({ mixture: prepareTarget(target), loss: 'flow-matching', model: config, optimizer, steps: 300, batch: 128, seed: 3 });
  return {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    kind: 'mlp',
    task: 'flow-matching',
    config,
    params: run.params,
    timeInput: taskTimeInput('flow-matching'),
    trainedOn: { target, steps: 300, batch: 128, seed: 3, optimizer },
    loss: { final: run.losses[299], last100: run.losses[299], validation: null },
  };
}
const teacher = smallTeacher();
const layout = mlpLayout(teacher.config);
const EPS = 1e-3;

/** RF Euler written out in the RF convention (τ: 0 = noise → 1 = data, x ← x + Δτ·v(x, τ)), every state kept */
function rfEulerFrames(model: ModelFile, taus: number[], noise: Float64Array): Float64Array[] {
  const rows = noise.length / 2;
  const frames = [noise.slice()];
  let x = noise.slice();
  for (let j = 0; j + 1 < taus.length; j++) {
    const v = mlpPredict(layout, model.params, x, new Float64Array(rows).fill(taus[j]), rows);
    const next = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) next[i] = x[i] + (taus[j + 1] - taus[j]) * v[i];
    frames.push(next);
    x = next;
  }
  return frames;
}

describe('BOSS straightening: the teacher plan', () => {
  it('the cost matrix and Bellman path equal an RF-time Euler teacher, its costs and a brute-force search over all K-jump paths', () => {
    const kMax = 12;
    const K = 3;
    const M = 64;
    const plan = bossStraightenPlan(teacher, { K, kMax, trajectories: M, seed: 5 });
    // the fine grid in RF time: uniform on [ε, 1 − ε] (the flow process's default range, t = 1 − τ)
    const taus = Array.from({ length: kMax + 1 }, (_, j) => EPS + (j / kMax) * (1 - 2 * EPS));
    plan.anchors.forEach((t, j) => expect(Math.abs(1 - t - taus[j])).toBeLessThan(1e-15));
    // the cost matrix's teacher noise: BOSS_TEACHER_NOISE_STEP (1) of the initial-noise stream
    const noise = fillNormal(new Float64Array(M * 2), M, 2, 5, RngStream.initialNoise, 1);
    const frames = rfEulerFrames(teacher, taus, noise);
    const cost = (i: number, j: number) => {
      const v = mlpPredict(layout, teacher.params, frames[i], new Float64Array(M).fill(taus[i]), M);
      let s = 0;
      for (let r = 0; r < M * 2; r++) s += (frames[j][r] - (frames[i][r] + (taus[j] - taus[i]) * v[r])) ** 2;
      return s / M;
    };
    let worst = 0;
    for (let i = 0; i < kMax; i++) for (let j = i + 2; j <= kMax; j++) worst = Math.max(worst, Math.abs(plan.matrix.cost[i * (kMax + 1) + j] - cost(i, j)) / cost(i, j));
    expect(worst).toBeLessThan(1e-9);
    // brute force over 0 < a < b < K_max
    let best = { cost: Infinity, indices: [] as number[] };
    for (let a = 1; a < kMax; a++) for (let b = a + 1; b < kMax; b++) {
      const c = cost(0, a) + cost(a, b) + cost(b, kMax);
      if (c < best.cost) best = { cost: c, indices: [0, a, b, kMax] };
    }
    expect(plan.path.indices).toEqual(best.indices);
    expect(Math.abs(plan.path.cost - best.cost) / best.cost).toBeLessThan(1e-9);
    expect(plan.times).toEqual(best.indices.map((i) => plan.anchors[i]));
    plan.rfTimes.forEach((tau, m) => expect(Math.abs(tau - taus[best.indices[m]])).toBeLessThan(1e-15));
    // and the sampler's boss schedule (the exact-model path logic) on the same model, range and teacher gives the same grid
    const process = createProcess({ type: 'flow' });
    const grid = bossGrid({ process, modelKey: 'teacher', model: () => learnedDenoiser(teacher), solver: { name: 'flow-euler' }, tStart: process.defaultTStart, tEnd: process.defaultTEnd, kMax, samples: M, seed: 5 }, K);
    expect(plan.times).toEqual(grid);
  });

  it('refuses a score-matching teacher by name', () => {
    expect(() => bossStraightenPlan({ ...teacher, task: 'score-matching' }, { K: 2, kMax: 4, trajectories: 4, seed: 0 })).toThrow(/teacher: a score-matching model; BOSS straightening fine-tunes a flow-matching/);
  });
});

describe('BOSS straightening: the loss (§3.5.5)', () => {
  const plan = bossStraightenPlan(teacher, { K: 4, kMax: 16, trajectories: 32, seed: 1 });
  const noise = bossPairNoise(40, 2, 1, 0);
  const pairs = bossPairSet(teacher, plan, noise);
  const choice = offlineChoice(64, 40, 4, 1, 0);
  const batch = bossBatch(pairs, plan, choice);

  it('the pair frames are the RF Euler teacher at the Bellman indices; the loss is ‖v_θ(z_k, τ_k) − chord‖² mean-reduced', () => {
    const taus = plan.anchors.map((t) => 1 - t);
    const frames = rfEulerFrames(teacher, taus, noise);
    plan.path.indices.forEach((idx, m) => {
      let worst = 0;
      for (let r = 0; r < noise.length; r++) worst = Math.max(worst, Math.abs(pairs.frames[m][r] - frames[idx][r]));
      expect(worst).toBeLessThan(1e-12);
    });
    let s = 0;
    for (let i = 0; i < 64; i++) {
      const r = choice.row[i];
      const k = choice.jump[i];
      const a = frames[plan.path.indices[k]];
      const b = frames[plan.path.indices[k + 1]];
      const z = Float64Array.of(a[2 * r], a[2 * r + 1]);
      const v = mlpPredict(layout, teacher.params, z, Float64Array.of(taus[plan.path.indices[k]]), 1);
      const dTau = taus[plan.path.indices[k + 1]] - taus[plan.path.indices[k]];
      for (let j = 0; j < 2; j++) s += (v[j] - (b[2 * r + j] - a[2 * r + j]) / dTau) ** 2;
    }
    expect(Math.abs(mlpLoss(layout, teacher.params, batch) - s / 128)).toBeLessThan(1e-12 * (s / 128));
  });

  it('a pair set over more rows than one teacher chunk (4096) equals the rows run on their own', () => {
    const small = bossStraightenPlan(teacher, { K: 2, kMax: 4, trajectories: 8, seed: 1 });
    const many = bossPairNoise(4100, 2, 9, 0);
    const whole = bossPairSet(teacher, small, many);
    const tail = bossPairSet(teacher, small, many.slice(4090 * 2));
    for (let m = 0; m < 3; m++) expect(Array.from(whole.frames[m].subarray(4090 * 2))).toEqual(Array.from(tail.frames[m]));
  });

  it('its gradient equals central finite differences (float64, relative error < 1e-6)', () => {
    const params = teacher.params.slice();
    const { gradients } = mlpLossAndGradients(layout, params, batch);
    const h = 1e-6;
    for (let n = 0; n < 40; n++) {
      const p = (n * 97) % params.length;
      const saved = params[p];
      params[p] = saved + h;
      const up = mlpLoss(layout, params, batch);
      params[p] = saved - h;
      const down = mlpLoss(layout, params, batch);
      params[p] = saved;
      const fd = (up - down) / (2 * h);
      expect(Math.abs(fd - gradients[p])).toBeLessThan(1e-6 * Math.max(1e-3, Math.abs(fd)));
    }
  });

  it('the held-out set is every (noise, jump) pair of the last rows', () => {
    const all = allPairs(36, 4, 4);
    expect(Array.from(all.row)).toEqual([36, 36, 36, 36, 37, 37, 37, 37, 38, 38, 38, 38, 39, 39, 39, 39]);
    expect(Array.from(all.jump)).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
  });
});

describe('BOSS straightening: fine-tuning', () => {
  const options = { K: 3, kMax: 20, trajectories: 128, noises: 400, heldOut: 0.1, optimizer: { name: 'adam' as const, lr: 1e-3 }, steps: 300, batch: 128, seed: 2, evalEvery: 100 };
  const xT = fillNormal(new Float64Array(512 * 2), 512, 2, 11, RngStream.initialNoise, 0);

  it('offline: the student’s K-step error on the Bellman steps falls below the teacher’s; the teacher is bitwise unchanged', () => {
    const before = new Uint8Array(teacher.params.slice().buffer);
    const result = bossStraighten(teacher, { ...options, pairs: 'offline' });
    expect(new Uint8Array(teacher.params.buffer)).toEqual(before);
    expect(result.student).not.toBe(teacher.params);
    expect(result.heldOutNoises).toBe(40);
    expect(result.evalLosses.map((e) => e.step)).toEqual([0, 1, 100, 200, 300]);
    const first = result.evalLosses[0].loss;
    const last = result.evalLosses[result.evalLosses.length - 1].loss;
    expect(last).toBeLessThan(0.5 * first);
    const comparison = bossKStepComparison(teacher, { ...teacher, params: result.student }, result.plan, xT);
    expect(comparison.rmse.studentBellman).toBeLessThan(0.7 * comparison.rmse.teacherBellman);
    expect(new Uint8Array(teacher.params.buffer)).toEqual(before);
  });

  it('online: fresh noise every batch; the held-out loss falls too and the run differs from the offline one', () => {
    const online = bossStraighten(teacher, { ...options, steps: 100, pairs: 'online' });
    const offline = bossStraighten(teacher, { ...options, steps: 100, pairs: 'offline' });
    expect(online.evalLosses[0].loss).toBe(offline.evalLosses[0].loss);
    expect(online.evalLosses[online.evalLosses.length - 1].loss).toBeLessThan(0.8 * online.evalLosses[0].loss);
    expect(online.losses[5]).not.toBe(offline.losses[5]);
  });
});

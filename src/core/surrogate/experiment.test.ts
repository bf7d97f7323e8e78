import { describe, expect, it } from 'vitest';
import { BURGERS_DATA_DEFAULTS, SURROGATE_STREAMS, generatePairs, meanRelativeL2 } from './burgersData.ts';
import { type SurrogateExperimentInput, epochPermutation, resolveSurrogateExperimentConfig, runSurrogateExperiment } from './experiment.ts';

const tiny: SurrogateExperimentInput = {
  seed: 3,
  data: { n: 32, pairsPerSimulation: 8 },
  model: { type: 'fno', width: 4, layers: 2, modes: 8, activation: 'gelu' },
  batch: 8,
  steps: 24,
  evalEvery: 8,
  offline: { simulations: 2 },
  online: { ensemble: 4, capacity: 64 },
  validation: { simulations: 2 },
  arms: ['offline', 'online', 'online-fresh'],
};

describe('Burgers pairs (training.md §5.2)', () => {
  it('pairs chain along each trajectory, and validation simulations are disjoint from training ones (§7 item 8)', () => {
    const config = { ...BURGERS_DATA_DEFAULTS, n: 32, pairsPerSimulation: 4 };
    const train = generatePairs(config, 0, SURROGATE_STREAMS.trainingSimulations, 0, 3);
    const validation = generatePairs(config, 0, SURROGATE_STREAMS.validationSimulations, 0, 3);
    // u(t+Δt) of pair i is u(t) of pair i+1 within a simulation
    for (let i = 0; i + 1 < train.count; i++) {
      if (train.simulationIndex[i] !== train.simulationIndex[i + 1]) continue;
      expect(Array.from(train.targets.subarray(i * 32, (i + 1) * 32))).toEqual(Array.from(train.inputs.subarray((i + 1) * 32, (i + 2) * 32)));
    }
    // hash check: no validation state appears among the training states
    const key = (a: Float64Array, i: number) => Array.from(a.subarray(i * 32, (i + 1) * 32), (v) => v.toPrecision(12)).join(',');
    const trainKeys = new Set<string>();
    for (let i = 0; i < train.count; i++) trainKeys.add(key(train.inputs, i)).add(key(train.targets, i));
    for (let i = 0; i < validation.count; i++) {
      expect(trainKeys.has(key(validation.inputs, i))).toBe(false);
      expect(trainKeys.has(key(validation.targets, i))).toBe(false);
    }
    // the persistence predictor has a non-trivial error (something to learn)
    expect(meanRelativeL2(validation.inputs, validation.targets, 32)).toBeGreaterThan(0.02);
  });

  it('epoch permutations are permutations, different per epoch', () => {
    const a = epochPermutation(50, 1, 0);
    const b = epochPermutation(50, 1, 1);
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });
});

describe('runSurrogateExperiment', () => {
  it('rejects bad input with a message naming the field, value and range', () => {
    expect(() => resolveSurrogateExperimentConfig({ batch: 0 })).toThrow(/batch = 0; must be an integer ≥ 1/);
    expect(() => resolveSurrogateExperimentConfig({ online: { capacity: 10 } })).toThrow(/online.watermark = 128; must be an integer in \[1, capacity = 10\]/);
    expect(() => resolveSurrogateExperimentConfig({ data: { n: 48 } })).toThrow(/data.n = 48/);
    expect(() => resolveSurrogateExperimentConfig({ optimizer: { name: 'kfac' } })).toThrow(/optimizer.name = "kfac"/);
    expect(() => resolveSurrogateExperimentConfig({ arms: ['offline', 'streaming' as never] })).toThrow(/arms = "streaming"/);
  });

  it('is deterministic: the same seed gives the same curves (wall times aside)', () => {
    const a = runSurrogateExperiment(tiny);
    const b = runSurrogateExperiment(tiny);
    for (const arm of tiny.arms!) {
      const strip = (r: typeof a) => r.arms[arm]!.curve.map(({ wallMs: _, ...rest }) => rest);
      expect(strip(a)).toEqual(strip(b));
      expect(Array.from(a.arms[arm]!.params)).toEqual(Array.from(b.arms[arm]!.params));
    }
    // all arms start from the same init (same held-out error at step 0) and evaluate at the same samples seen
    expect(new Set(tiny.arms!.map((arm) => a.arms[arm]!.curve[0].heldOutRelL2)).size).toBe(1);
    expect(a.atEqualSamplesSeen.map((r) => r.samplesSeen)).toEqual([0, 64, 128, 192]);
    const c = runSurrogateExperiment({ ...tiny, seed: 4 });
    expect(c.arms.online!.final.heldOutRelL2).not.toBe(a.arms.online!.final.heldOutRelL2);
  });

  it('accounts samples: seen = steps·B; unique = S·pairs offline, reservoir puts online, steps·B fresh', () => {
    const r = runSurrogateExperiment(tiny);
    const { offline, online } = r.arms;
    const fresh = r.arms['online-fresh']!;
    expect(offline!.final.samplesSeen).toBe(24 * 8);
    expect(offline!.final.uniqueSamples).toBe(2 * 8);
    expect(fresh.final.uniqueSamples).toBe(24 * 8);
    const stats = online!.reservoir!;
    expect(stats.gets).toBe(24 * 8);
    expect(online!.final.uniqueSamples).toBe(stats.puts);
    expect(stats.fill).toBeGreaterThanOrEqual(stats.watermark); // nothing trained before the watermark
    expect(stats.watermark).toBe(Math.max(4 * 8, 2 * 4));
    expect(stats.seenHistogram.reduce((a, b) => a + b, 0)).toBe(stats.fill);
    for (const arm of Object.values(r.arms)) {
      expect(arm!.curve.every((p, i) => i === 0 || p.wallMs >= arm!.curve[i - 1].wallMs)).toBe(true);
      expect(arm!.throughput.solverPairsPerSecond).toBeGreaterThan(0);
      expect(arm!.throughput.trainerSamplesPerSecond).toBeGreaterThan(0);
    }
  });

  it('end to end: both arms train below the persistence error; reports the held-out errors at equal samples seen', () => {
    // ≈ 10 s on a 2-core machine: FNO w 12, 2 blocks, K 9 on N = 64; 240 steps of B 16 (3840 samples seen);
    // offline: 8 simulations × 16 pairs = 128 pairs (30 epochs); online: E 8, reservoir C 256, W 64
    const started = performance.now();
    const r = runSurrogateExperiment({
      seed: 0,
      model: { type: 'fno', width: 12, layers: 2, modes: 16, activation: 'gelu' },
      batch: 16,
      steps: 240,
      evalEvery: 80,
      offline: { simulations: 8 },
      online: { ensemble: 8, capacity: 256 },
      validation: { simulations: 12 },
      arms: ['offline', 'online'],
    });
    const offline = r.arms.offline!;
    const online = r.arms.online!;
    const fmt = (x: number) => x.toFixed(4);
    console.log(
      `surrogate e2e (FNO ${r.model.parameterCount} params, Burgers N 64, ${r.validation.pairs} held-out pairs): ` +
        `persistence relL2 ${fmt(r.validation.identityRelL2)}; at ${offline.final.samplesSeen} samples seen: ` +
        `offline ${fmt(offline.final.heldOutRelL2)} (${offline.final.uniqueSamples} unique), online ${fmt(online.final.heldOutRelL2)} (${online.final.uniqueSamples} unique); ` +
        `curve ${r.atEqualSamplesSeen.map((p) => `${p.samplesSeen}: ${fmt(p.offline!)}/${fmt(p.online!)}`).join(', ')}; ` +
        `solver ${online.throughput.solverPairsPerSecond.toFixed(0)} pairs/s, trainer ${online.throughput.trainerSamplesPerSecond.toFixed(0)} samples/s; ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(offline.final.samplesSeen).toBe(online.final.samplesSeen);
    // both train: below the persistence predictor u(t+Δt) ≈ u(t), and well below their step-0 error
    expect(offline.final.heldOutRelL2).toBeLessThan(r.validation.identityRelL2);
    expect(online.final.heldOutRelL2).toBeLessThan(r.validation.identityRelL2);
    expect(offline.final.heldOutRelL2).toBeLessThan(0.2 * offline.curve[0].heldOutRelL2);
    expect(online.final.heldOutRelL2).toBeLessThan(0.2 * online.curve[0].heldOutRelL2);
  });
});

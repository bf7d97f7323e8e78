// One-off measurement of the online-versus-offline surrogate experiment at a meaningful size (not a test):
//   npx tsx src/core/surrogate/measureExperiment.ts ['{"steps":1200,"model":{"type":"mlp",...}}'] [--json out.json]
// Prints the held-out relative L2 of each arm at equal samples seen, unique samples, wall times and throughputs.

import { writeFileSync } from 'node:fs';
import { type SurrogateExperimentInput, runSurrogateExperiment } from './experiment.ts';

const args = process.argv.slice(2);
const jsonAt = args.indexOf('--json');
const out = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
const overrides = args.find((a, i) => a.startsWith('{') && i !== jsonAt + 1);
const input: SurrogateExperimentInput = { steps: 1200, evalEvery: 100, ...(overrides ? (JSON.parse(overrides) as SurrogateExperimentInput) : {}) };

const started = performance.now();
const result = runSurrogateExperiment(input, {
  onPoint: (arm, p) => console.error(`${arm} step ${p.step} seen ${p.samplesSeen} unique ${p.uniqueSamples} wall ${(p.wallMs / 1000).toFixed(1)} s relL2 ${p.heldOutRelL2.toFixed(5)}`),
});
const f = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(5));
const c = result.config;
console.log(
  `model ${JSON.stringify(c.model)} (${result.model.parameterCount} parameters), optimizer ${JSON.stringify(c.optimizer)}, B ${c.batch}, ${c.steps} steps, seed ${c.seed}`,
);
console.log(
  `Burgers N ${c.data.n}, ν ∈ [${c.data.nuRange}], Δt ${c.data.dt * c.data.stride}, ${c.data.pairsPerSimulation} pairs/simulation; offline S ${c.offline.simulations}; ` +
    `online E ${c.online.ensemble}, C ${c.online.capacity}, W ${c.online.watermark}; validation ${result.validation.pairs} pairs from ${result.validation.simulations} independent simulations`,
);
console.log(`persistence predictor u(t+Δt) ≈ u(t): relL2 ${f(result.validation.identityRelL2)}`);
console.log(['samples seen', ...c.arms].join('\t'));
for (const row of result.atEqualSamplesSeen) console.log([row.samplesSeen, ...c.arms.map((a) => f(row[a]))].join('\t'));
for (const arm of Object.values(result.arms)) {
  const a = arm!;
  const best = Math.min(...a.curve.map((p) => p.heldOutRelL2));
  console.log(
    `${a.arm}: final relL2 ${f(a.final.heldOutRelL2)} (best ${f(best)}), unique ${a.final.uniqueSamples}, wall ${(a.final.wallMs / 1000).toFixed(1)} s ` +
      `(+ setup ${(a.timing.setupMs / 1000).toFixed(1)} s), solver ${(a.timing.solverMs / 1000).toFixed(1)} s = ${a.throughput.solverPairsPerSecond.toFixed(0)} pairs/s, ` +
      `trainer ${(a.timing.trainMs / 1000).toFixed(1)} s = ${a.throughput.trainerSamplesPerSecond.toFixed(0)} samples/s` +
      (a.reservoir ? `; reservoir puts ${a.reservoir.puts}, evictions ${a.reservoir.evictions}, deferred ${a.reservoir.deferred}, seen histogram ${a.reservoir.seenHistogram.join(' ')}` : ''),
  );
}
console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
if (out) writeFileSync(out, JSON.stringify({ ...result, arms: Object.fromEntries(Object.entries(result.arms).map(([k, v]) => [k, { ...v, params: undefined }])) }, null, 1));

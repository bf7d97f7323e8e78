// Issue 7's figure: a flow model learned on ring8 (float64 CPU trainer, a budget of about a minute on a 2-core
// machine), sampled by a 50-step flow-heun (NFE 100) through `stepscope sweep --backend cpu --seeds 3`, with MMD²
// against exact ring8 samples next to the sweep's null band: nullBands.mmd2, two independent exact sets compared per
// seed, drawn by the quality chart as its 95% interval over the seeds (ui/qualityMetrics.ts band()).
//
// The bar is "MMD² within 2× of the null band". At this budget it is NOT reached, and this test does not
// pretend otherwise: it prints the measured ratio and checks only what holds. Measured on the 2-core machine under
// load (config below; 2000 Adam steps, constant η 2·10⁻³, trained in 89 s; the whole test 231 s): MMD² 0.0387 (seeds
// 0.0394, 0.0399, 0.0367) against the null band [−0.0028, 0.0043] (3 seeds' t-interval; values −0.0008, 0.0020,
// 0.0010): 9.1× its top, where the bar is 2×. With 5 seeds the band's top is 0.0018 (21×). The exact model with the
// same solver and noise: −0.0002, inside the bar. Longer training with a cosine-decayed learning rate (3000 steps of
// B 256, η 3·10⁻³ → 0; outside this budget, and loop.ts has no schedule) reached 0.023. What holds: all 8 modes
// carry their mass (mode-mass error 0.049, exact 0.019), and the learned model's error is a floor well above the
// exact model's.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scratchDir, writeJson } from './testing.ts';

const BIN = fileURLToPath(new URL('../../bin/stepscope.mjs', import.meta.url));
/** the figure's processes can take minutes on a loaded machine: longer than testing.ts runCli's limit */
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 1_500_000 });

const ring8 = { type: 'preset', name: 'ring8' };
/** the figure's training: 19-64-64-64-2 SiLU, Adam η 2e-3, 2000 steps of B = 256 (about a minute of float64 CPU time) */
const RING8_FIGURE_TRAIN = {
  version: 1,
  kind: 'train',
  task: 'flow-matching',
  target: ring8,
  model: { type: 'mlp', width: 64, depth: 3 },
  optimizer: { name: 'adam', lr: 2e-3 },
  steps: 2000,
  batch: 256,
  seed: 0,
};
const sample = { version: 1, kind: 'sample', process: { type: 'flow' }, target: ring8, solver: { name: 'flow-heun' }, schedule: { type: 'time-uniform' }, steps: 50, n: 4096 };

interface Curves {
  nullBands: { mmd2: { mean: number; ci95: [number, number]; values: number[] } };
  curves: { solver: string; points: { nfe: number; mmd2: number; modeMass: number; stats: { mmd2: { values: number[] } } }[] }[];
}

function sweep(dir: string, name: string, spec: unknown): Curves {
  const result = run(['sweep', '--spec', writeJson(dir, `${name}.json`, spec), '--nfe', '100', '--solvers', 'flow-heun', '--seeds', '3', '--out', join(dir, `${name}-curves.json`), '--backend', 'cpu']);
  expect(result.stderr).not.toMatch(/stepscope: (?!note)/);
  expect(result.status).toBe(0);
  return JSON.parse(readFileSync(join(dir, `${name}-curves.json`), 'utf8')) as Curves;
}

describe('issue 7 figure: a learned ring8 flow with a 50-step flow-heun', () => {
  it('trains in about a minute and samples all 8 modes; MMD² against the null band is measured and printed', { timeout: 3_000_000 }, () => {
    const dir = scratchDir();
    const train = run(['train', '--spec', writeJson(dir, 'train.json', RING8_FIGURE_TRAIN), '--out', join(dir, 'model.json'), '--log', join(dir, 'log.csv'), '--backend', 'cpu']);
    expect(train.status).toBe(0);
    const log = readFileSync(join(dir, 'log.csv'), 'utf8').trimEnd().split('\n');
    const trainSeconds = Number(log[log.length - 1].split(',')[3]) / 1000;
    const model = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));

    const learned = sweep(dir, 'learned', { ...sample, model: { type: 'mlp', file: 'model.json' } });
    const exact = sweep(dir, 'exact', sample);
    const point = learned.curves[0].points[0];
    const exactPoint = exact.curves[0].points[0];
    const band = learned.nullBands.mmd2;
    const top = band.ci95[1];
    console.log(
      `ring8 figure: trained ${RING8_FIGURE_TRAIN.steps} steps in ${trainSeconds.toFixed(1)} s (validation loss ${model.loss.validation.toFixed(4)}); ` +
        `flow-heun NFE ${point.nfe}: MMD² ${point.mmd2.toExponential(3)} (seeds ${point.stats.mmd2.values.map((v) => v.toExponential(2)).join(', ')}), ` +
        `null band [${band.ci95.map((v) => v.toExponential(2)).join(', ')}] (values ${band.values.map((v) => v.toExponential(2)).join(', ')}), ` +
        `MMD²/top = ${(point.mmd2 / top).toFixed(1)} (issue bar: ≤ 2, ${point.mmd2 <= 2 * top ? 'reached' : 'not reached'}); exact model ${exactPoint.mmd2.toExponential(3)}; ` +
        `mode-mass error ${point.modeMass.toFixed(3)} (exact model ${exactPoint.modeMass.toFixed(3)})`,
    );
    // the same exact reference sets behind both sweeps: the null bands agree
    expect(exact.nullBands.mmd2.values).toEqual(band.values);
    // the exact model is inside the bar; the learned one is a floor above it, but a sampler of ring8
    expect(exactPoint.mmd2).toBeLessThan(2 * top);
    expect(point.mmd2).toBeGreaterThan(exactPoint.mmd2);
    expect(point.mmd2).toBeLessThan(0.08);
    // ½Σ|π̂_k − π_k| < 0.1: every mode carries roughly its 1/8 (a dropped mode alone would give 0.125)
    expect(point.modeMass).toBeLessThan(0.1);
  });
});

// A finite dataset as the target (specs §15.3): the exact denoiser is a softmax-weighted average of the data,
// and the exact probability-flow ODE memorises: samples land on the training points.
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../spec/spec.ts';
import { specProblems } from '../spec/testing.ts';
import { fillNormal } from '../util/rng.ts';
import { buildSpecProgram, mixtureModel, resolveExperiment } from './experiment.ts';
import { mixtureDenoise } from './gmm.ts';
import { runProgramCpu } from './interpreter.ts';

const points = [[0.5, 0.2], [-0.7, 0.4], [0.1, -0.9], [0.8, -0.5], [-0.3, -0.2]];
const spec = parseSpec({ version: 1, kind: 'sample', process: { type: 'vp-linear' }, target: { type: 'points', points }, solver: { name: 'dpmpp-2m' }, schedule: { type: 'logsnr' }, nfe: 50, n: 40, seed: 1, tEnd: 1e-4 });

describe('points target', () => {
  const { mixture } = resolveExperiment(spec);
  it('denoises with the softmax formula of §15.3', () => {
    const x = Float64Array.from([0.3, 0.1]);
    const [alpha, sigma] = [0.8, 0.6];
    const logits = points.map((y) => -((x[0] - alpha * y[0]) ** 2 + (x[1] - alpha * y[1]) ** 2) / (2 * sigma * sigma));
    const max = Math.max(...logits);
    const w = logits.map((l) => Math.exp(l - max));
    const total = w.reduce((a, b) => a + b);
    const expected = [0, 1].map((j) => points.reduce((s, y, i) => s + (w[i] / total) * y[j], 0));
    const out = new Float64Array(2);
    mixtureDenoise(mixture, x, 1, alpha, sigma, out);
    expect(out[0]).toBeCloseTo(expected[0], 14);
    expect(out[1]).toBeCloseTo(expected[1], 14);
  });
  it('memorises: on a grid that ends at σ = 0 every sample is a training point (to 1e-9)', () => {
    const z = fillNormal(new Float64Array(80), 40, 2, 1, 0);
    const x = runProgramCpu(buildSpecProgram({ ...spec, schedule: parseSpec({ ...spec, schedule: { type: 'karras' } }).schedule }), mixtureModel(mixture), z).x;
    for (let p = 0; p < 40; p++) {
      const nearest = Math.min(...points.map((y) => Math.hypot(x[2 * p] - y[0], x[2 * p + 1] - y[1])));
      expect(nearest).toBeLessThan(1e-9);
    }
  });
  it('refuses ragged datasets, naming the point', () => {
    expect(specProblems({ ...spec, target: { type: 'points', points: [[0, 0], [1, 2, 3]] } })).toEqual(['target.points.1: got [1,2,3]; has dimension 3, expected 2 like points[0]']);
  });
});

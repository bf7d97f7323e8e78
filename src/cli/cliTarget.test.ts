// `--points data.npy|data.csv` and `--target target.json` replace the spec's target in `sample` and `sweep`;
// a bad file is refused with exit code 2, a message naming what is wrong, and nothing written.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy, serializeNpy } from '../core/io/npy.ts';
import { DEFAULT_SPEC, MAX_COMPONENTS } from '../core/spec/spec.ts';
import { runCli, scratchDir, writeJson } from './testing.ts';

// a grid that ends at σ = 0, so that the exact denoiser of a dataset puts every sample on a data point (§15.3)
const spec = { ...DEFAULT_SPEC, schedule: { type: 'karras' }, nfe: 20, n: 64, seed: 4 };
const dataset = [[1, 1], [-1, 1], [0, -1], [0.5, 0]];

function write(dir: string, name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** for each sample (rows of an (n, d) .npy): the nearest dataset point and the distance to it */
function nearestData(path: string, points: number[][]): { index: number; distance: number }[] {
  const { shape, data } = parseNpy(new Uint8Array(readFileSync(path)));
  const [n, d] = shape;
  return Array.from({ length: n }, (_, p) => {
    const distances = points.map((y) => Math.hypot(...y.map((v, j) => data[p * d + j] - v)));
    const distance = Math.min(...distances);
    return { index: distances.indexOf(distance), distance };
  });
}

function expectRejected(args: (dir: string) => string[], pattern: RegExp) {
  const dir = scratchDir();
  const result = runCli(args(dir));
  expect(result.stderr).toMatch(pattern);
  expect(result.status).toBe(2);
  expect(readdirSync(dir).filter((f) => f.startsWith('out'))).toEqual([]);
}

describe('stepscope --points / --target', () => {
  it('sample --points data.csv: the samples memorise the dataset (each lands on a data point)', () => {
    const dir = scratchDir();
    const csv = write(dir, 'data.csv', `x,y\n${dataset.map((p) => p.join(',')).join('\n')}\n`);
    const out = join(dir, 'out.npy');
    const metrics = join(dir, 'out.json');
    const result = runCli(['sample', '--spec', writeJson(dir, 'spec.json', spec), '--points', csv, '--out', out, '--metrics', metrics, '--backend', 'cpu']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(readFileSync(metrics, 'utf8')).spec.target).toEqual({ type: 'points', points: dataset });
    const nearest = nearestData(out, dataset);
    expect(nearest).toHaveLength(64);
    expect(Math.max(...nearest.map((x) => x.distance))).toBeLessThan(1e-6);
    // and they spread over the data (each point holds about a quarter), not collapsed onto one point
    expect(new Set(nearest.map((x) => x.index)).size).toBe(dataset.length);
  });

  it('sample --points data.npy (float32) gives the same dataset', () => {
    const dir = scratchDir();
    const npy = write(dir, 'data.npy', serializeNpy(Float32Array.from(dataset.flat()), [4, 2]));
    const metrics = join(dir, 'out.json');
    const result = runCli(['sample', '--spec', writeJson(dir, 'spec.json', spec), '--points', npy, '--out', join(dir, 'out.npy'), '--metrics', metrics, '--backend', 'cpu']);
    expect(result.status).toBe(0);
    expect(JSON.parse(readFileSync(metrics, 'utf8')).spec.target).toEqual({ type: 'points', points: dataset });
    expect(Math.max(...nearestData(join(dir, 'out.npy'), dataset).map((x) => x.distance))).toBeLessThan(1e-6);
  });

  it('sweep --target mixture.json runs on that mixture', () => {
    const dir = scratchDir();
    const gmm = { type: 'gmm', weights: [1, 2], means: [[0, 0.5], [1, -1]], covs: [[[0.05, 0], [0, 0.05]], [[0.1, 0.02], [0.02, 0.1]]] };
    const result = runCli(['sweep', '--spec', writeJson(dir, 'spec.json', { ...spec, schedule: { type: 'logsnr' } }), '--target', writeJson(dir, 'mixture.json', gmm), '--nfe', '3', '--solvers', 'ddim', '--out', join(dir, 'out.json'), '--backend', 'cpu']);
    expect(result.status).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(report.spec.target).toEqual(gmm);
    expect(Number.isFinite(report.curves[0].points[0].mmd2)).toBe(true);
  });

  describe('bad files: exit code 2, a message naming what is wrong, nothing written', () => {
    const sample = (dir: string, ...extra: string[]) => ['sample', '--spec', writeJson(dir, 'spec.json', spec), ...extra, '--out', join(dir, 'out.npy'), '--backend', 'cpu'];
    it('a NaN in a CSV', () => {
      expectRejected((dir) => sample(dir, '--points', write(dir, 'nan.csv', '1,2\n3,nan\n')), /--points: '.*nan\.csv': line 2, column 2: got "nan"; allowed: finite numbers/);
    });
    it('ragged CSV rows', () => {
      expectRejected((dir) => sample(dir, '--points', write(dir, 'ragged.csv', '1,2\n3,4,5\n')), /--points: '.*ragged\.csv': line 2: 3 columns; expected 2 like line 1/);
    });
    it('too many points in a .npy', () => {
      const n = MAX_COMPONENTS + 1;
      expectRejected((dir) => sample(dir, '--points', write(dir, 'big.npy', serializeNpy(new Float64Array(2 * n), [n, 2]))), new RegExp(`--points: '.*big\\.npy': ${n} points; allowed: at most ${MAX_COMPONENTS}`));
    });
    it('a .npy that is not (N, d), an unsupported extension, a missing file', () => {
      expectRejected((dir) => sample(dir, '--points', write(dir, 'cube.npy', serializeNpy(new Float64Array(8), [2, 2, 2]))), /--points: '.*cube\.npy': shape \(2, 2, 2\); allowed: a 2-D array \(N, d\)/);
      expectRejected((dir) => sample(dir, '--points', write(dir, 'data.txt', '1,2\n')), /--points: '.*data\.txt': unsupported file type '\.txt'; allowed: \.npy, \.csv/);
      expectRejected((dir) => sample(dir, '--points', join(dir, 'missing.csv')), /--points: cannot read '.*missing\.csv'/);
      expectRejected((dir) => sample(dir, '--points', writeJson(dir, 't.json', { type: 'points', points: [[0, 0]] })), /--points: '.*t\.json' is JSON; allowed: a \.npy or \.csv dataset \(a JSON target object goes to --target\)/);
    });
    it('an invalid mixture, and a file that is not JSON', () => {
      const gmm = { type: 'gmm', weights: [1, -2], means: [[0, 0], [1, 1]], covs: [[[1, 0], [0, 1]], [[1, 0], [0, 1]]] };
      expectRejected((dir) => sample(dir, '--target', writeJson(dir, 'mix.json', gmm)), /--target: '.*mix\.json' is not a valid target: target\.weights\.1: got -2/);
      expectRejected((dir) => sample(dir, '--target', writeJson(dir, 'mix.json', '{"type": "gmm",')), /--target: '.*mix\.json' is not valid JSON/);
    });
    it('--points and --target together; a bad --points in a sweep', () => {
      expectRejected((dir) => sample(dir, '--points', write(dir, 'a.csv', '1,2\n'), '--target', writeJson(dir, 't.json', { type: 'preset', name: 'ring8' })), /--points and --target both replace the target; give one of them/);
      expectRejected(
        (dir) => ['sweep', '--spec', writeJson(dir, 'spec.json', spec), '--points', write(dir, 'bad.csv', 'x,y\n1,oops\n'), '--nfe', '2', '--out', join(dir, 'out.json'), '--csv', join(dir, 'out.csv'), '--backend', 'cpu'],
        /--points: '.*bad\.csv': line 2, column 2: got "oops"/,
      );
    });
  });
});

// `stepscope train` end to end on a tiny config, its refusals, and sampling with the learned model (issue 7).
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../core/io/npy.ts';
import { parseModelFileText } from '../core/spec/modelFile.ts';
import { runCli, scratchDir, writeJson } from './testing.ts';

const ring8 = { type: 'preset', name: 'ring8' };
const tiny = { version: 1, kind: 'train', task: 'flow-matching', target: ring8, model: { type: 'mlp', width: 16, depth: 2 }, steps: 12, batch: 32, seed: 3 };
const sampleSpec = { version: 1, kind: 'sample', process: { type: 'flow' }, target: ring8, model: { type: 'mlp', file: 'model.json' }, solver: { name: 'flow-heun' }, schedule: { type: 'time-uniform' }, steps: 4, n: 64 };

/** the files a command left in `dir` besides the inputs the test wrote */
const outputs = (dir: string, inputs: string[]) => readdirSync(dir).filter((f) => !inputs.includes(f));

function expectRefused(spec: unknown, status: number, pattern: RegExp, extra: string[] = []) {
  const dir = scratchDir();
  const result = runCli(['train', '--spec', writeJson(dir, 'train.json', spec), '--out', join(dir, 'model.json'), '--log', join(dir, 'log.csv'), ...extra]);
  expect(result.stderr).toMatch(pattern);
  expect(result.status).toBe(status);
  expect(outputs(dir, ['train.json'])).toEqual([]);
}

describe('stepscope train', () => {
  it('trains a tiny flow model and writes the model file and a log with one row per step', () => {
    const dir = scratchDir();
    const result = runCli(['train', '--spec', writeJson(dir, 'train.json', tiny), '--out', join(dir, 'model.json'), '--log', join(dir, 'log.csv'), '--backend', 'cpu']);
    expect(result.stderr).not.toMatch(/stepscope:/);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^trained flow-matching MLP 19-16-16-2 \(\d+ parameters\) on \{"type":"preset","name":"ring8"\} with adam: 12 steps × 32/);
    const model = parseModelFileText(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(model.config).toEqual({ dataDim: 2, outputDim: 2, width: 16, depth: 2, activation: 'silu', timeEmbedding: { kind: 'sinusoidal', frequencies: 8, includeLinear: true } });
    expect(model.trainedOn).toMatchObject({ target: ring8, steps: 12, batch: 32, seed: 3, optimizer: { name: 'adam', lr: 1e-3, beta1: 0.9 } });
    expect(model.timeInput).toEqual({ kind: 'rf-time', min: 1e-3, max: 1 });
    const lines = readFileSync(join(dir, 'log.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('step,loss,samples_seen,wall_ms');
    expect(lines).toHaveLength(13);
    const rows = lines.slice(1).map((l) => l.split(',').map(Number));
    rows.forEach(([step, loss, seen, wall], i) => {
      expect(step).toBe(i + 1);
      expect(loss).toBeGreaterThan(0);
      expect(seen).toBe((i + 1) * 32);
      expect(wall).toBeGreaterThanOrEqual(i > 0 ? rows[i - 1][3] : 0);
    });
    expect(model.loss.final).toBe(rows[11][1]);
    // the same spec and seed train the same parameters (counter-based RNG), with the default backend (cpu)
    const again = runCli(['train', '--spec', join(dir, 'train.json'), '--out', join(dir, 'again.json')]);
    expect(again.status).toBe(0);
    expect(parseModelFileText(readFileSync(join(dir, 'again.json'), 'utf8')).params).toEqual(model.params);
  });

  it('refuses bad input with exit code 2 and writes nothing', () => {
    expectRefused({ ...tiny, task: 'flow' }, 2, /--spec: .* is not a valid spec:\n {2}task: got "flow"; allowed: "flow-matching", "score-matching", "surrogate"/);
    expectRefused({ ...tiny, optimizer: { name: 'adam', lr: 0 } }, 2, /optimizer\.lr: got 0; .*>0/);
    expectRefused({ ...tiny, model: { type: 'mlp', width: 16, depth: -1 } }, 2, /model\.depth: got -1; .*>=0/);
    expectRefused({ ...tiny, target: { type: 'preset', name: 'ring' } }, 2, /target\.name: got "ring"; allowed: "ring8"/);
    expectRefused('{"version": 1,', 2, /--spec: .* is not valid JSON/);
    expectRefused(tiny, 2, /--backend: got 'tpu'; allowed: gpu, cpu/, ['--backend', 'tpu']);
    expectRefused(tiny, 2, /unknown option --epochs/, ['--epochs', '3']);
    const dir = scratchDir();
    const missing = runCli(['train', '--spec', writeJson(dir, 'train.json', tiny), '--out', join(dir, 'nope', 'model.json')]);
    expect([missing.status, missing.stderr]).toEqual([2, expect.stringMatching(/--out: directory '.*nope' does not exist/)]);
    expect(runCli(['train', '--spec', join(dir, 'train.json')]).stderr).toMatch(/--out is required for 'train'/);
  });

  it('refuses what the GPU trainer does not have with exit code 1, before any work (no adapter needed to refuse)', () => {
    expectRefused({ ...tiny, task: 'score-matching' }, 1, /--backend gpu: task 'score-matching': the GPU trainer runs task flow-matching only; use --backend cpu/, ['--backend', 'gpu']);
    expectRefused({ ...tiny, optimizer: { name: 'mkor' } }, 1, /--backend gpu: optimizer 'mkor': the GPU trainer has adam and sgd/, ['--backend', 'gpu']);
    expectRefused({ ...tiny, target: { type: 'glyphs16' } }, 1, /--backend gpu: the target has dimension 256; the GPU trainer takes at most 16/, ['--backend', 'gpu']);
  });

  it('lrDecay: step decay of the learning rate, recorded in the model file; bad values refused naming the field', () => {
    const dir = scratchDir();
    const decayed = { ...tiny, optimizer: { name: 'sgd', lr: 0.05, momentum: 0 }, lrDecay: { every: 5, factor: 0.5 } };
    const run = (spec: unknown, name: string) => {
      const result = runCli(['train', '--spec', writeJson(dir, `${name}.json`, spec), '--out', join(dir, `${name}-model.json`), '--backend', 'cpu']);
      expect(result.status, result.stderr).toBe(0);
      return parseModelFileText(readFileSync(join(dir, `${name}-model.json`), 'utf8'));
    };
    const model = run(decayed, 'decayed');
    expect(model.trainedOn.lrDecay).toEqual({ every: 5, factor: 0.5 });
    // plain SGD (no momentum) with η_t = 0.05·0.5^⌊t/5⌋ differs from the constant rate after step 5 only
    const constant = run({ ...decayed, lrDecay: undefined }, 'constant');
    expect(constant.trainedOn.lrDecay).toBeUndefined();
    expect(model.params).not.toEqual(constant.params);
    expect(run({ ...decayed, steps: 5 }, 'five').params).toEqual(run({ ...decayed, lrDecay: undefined, steps: 5 }, 'five-constant').params);
    expectRefused({ ...tiny, lrDecay: { every: 0, factor: 0.5 } }, 2, /lrDecay\.every: got 0; .*>=1/);
    expectRefused({ ...tiny, lrDecay: { every: 10, factor: 1.5 } }, 2, /lrDecay\.factor: got 1\.5; .*<=1/);
    expectRefused({ ...tiny, lrDecay: { every: 10, gamma: 0.5 } }, 2, /lrDecay: .*gamma/);
  });

  it("task 'surrogate': online vs offline on Burgers writes the result (errors at equal samples seen) and a log with the held-out error at evaluations", () => {
    const dir = scratchDir();
    const surrogate = {
      version: 1,
      kind: 'train',
      task: 'surrogate',
      target: { equation: 'burgers', model: { type: 'fno', width: 4, layers: 1, modes: 4, activation: 'gelu' }, evalEvery: 10, offline: { simulations: 2 }, online: { ensemble: 2, capacity: 32 }, validation: { simulations: 2 } },
      steps: 20,
      batch: 4,
      seed: 0,
    };
    const result = runCli(['train', '--spec', writeJson(dir, 'surrogate.json', surrogate), '--out', join(dir, 'r.json'), '--log', join(dir, 'log.csv')]);
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(report.format).toBe('stepscope-surrogate-experiment');
    expect(report.atEqualSamplesSeen.map((r: { samplesSeen: number }) => r.samplesSeen)).toEqual([0, 40, 80]);
    for (const row of report.atEqualSamplesSeen) for (const arm of ['offline', 'online']) expect(Number.isFinite(row[arm])).toBe(true);
    expect(report.arms.online.params.length).toBe(report.model.parameterCount);
    const log = readFileSync(join(dir, 'log.csv'), 'utf8').trim().split('\n');
    expect(log[0]).toBe('arm,step,loss,samples_seen,wall_ms,held_out_rel_l2');
    expect(log).toHaveLength(1 + 2 * 20);
    // the held-out error where it was measured: steps 10 and 20 of each arm, equal to the result's
    const withError = log.slice(1).map((l) => l.split(',')).filter((c) => c[5] !== '');
    expect(withError.map((c) => `${c[0]}:${c[1]}`)).toEqual(['offline:10', 'offline:20', 'online:10', 'online:20']);
    expect(Number(withError[1][5])).toBe(report.atEqualSamplesSeen[2].offline);
    expect(withError.map((c) => Number(c[3]))).toEqual([40, 80, 40, 80]);
    // its settings are checked by name before any work
    expectRefused({ ...surrogate, target: { ...surrogate.target, online: { ensemble: 2, capacity: 8 } } }, 2, /target\.online\.watermark = 16; must be an integer in \[1, capacity = 8\]/);
    expectRefused({ ...surrogate, target: { ...surrogate.target, equation: 'ks' } }, 2, /target\.equation: got "ks"; allowed: "burgers"/);
    expectRefused({ ...surrogate, target: { ...surrogate.target, epochs: 3 } }, 2, /target: unknown field\(s\) "epochs" for task 'surrogate'/);
  });
});

describe('a learned model as the sampler model', () => {
  it('samples through the CLI on the CPU (model file relative to the spec), and is refused on the GPU or when broken', () => {
    const dir = scratchDir();
    expect(runCli(['train', '--spec', writeJson(dir, 'train.json', { ...tiny, steps: 30 }), '--out', join(dir, 'model.json')]).status).toBe(0);
    const spec = writeJson(dir, 'sample.json', sampleSpec);
    const result = runCli(['sample', '--spec', spec, '--out', join(dir, 'x.npy'), '--metrics', join(dir, 'm.json'), '--backend', 'cpu']);
    expect(result.stderr).not.toMatch(/stepscope: (?!note)/);
    expect(result.status).toBe(0);
    const samples = parseNpy(new Uint8Array(readFileSync(join(dir, 'x.npy'))));
    expect(samples.shape).toEqual([64, 2]);
    const metrics = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
    expect(metrics.spec.model).toEqual({ type: 'mlp', file: 'model.json' });
    // 30 steps of a 16-wide net is far from the target: the exact reference sets measure it
    expect(metrics.metrics.mmd2).toBeGreaterThan(10 * Math.abs(metrics.metrics.nulls.mmd2));
    // the exact model from the same noise: a different result
    const exact = runCli(['sample', '--spec', writeJson(dir, 'exact.json', { ...sampleSpec, model: { type: 'exact' } }), '--out', join(dir, 'y.npy'), '--backend', 'cpu']);
    expect(exact.status).toBe(0);
    expect(Array.from(parseNpy(new Uint8Array(readFileSync(join(dir, 'y.npy')))).data)).not.toEqual(Array.from(samples.data));
    // a sweep with the learned model
    const sweep = runCli(['sweep', '--spec', spec, '--nfe', '4,8', '--solvers', 'flow-euler,flow-heun', '--out', join(dir, 'curves.json'), '--backend', 'cpu']);
    expect(sweep.status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'curves.json'), 'utf8')).curves.map((c: { points: unknown[] }) => c.points.length)).toEqual([2, 2]);

    // the GPU backend (the default) refuses learned models before any work: exit 1, nothing written
    const gpu = runCli(['sample', '--spec', spec, '--out', join(dir, 'out-gpu.npy')]);
    expect([gpu.status, gpu.stderr]).toEqual([1, expect.stringMatching(/learned models \("model":\{"type":"mlp"\}\) sample on the CPU for now: run with --backend cpu/)]);
    expect(existsSync(join(dir, 'out-gpu.npy'))).toBe(false);
    // a missing or broken model file is bad input naming the file
    const missing = runCli(['sample', '--spec', writeJson(dir, 'missing.json', { ...sampleSpec, model: { type: 'mlp', file: 'none.json' } }), '--out', join(dir, 'out-missing.npy'), '--backend', 'cpu']);
    expect([missing.status, missing.stderr]).toEqual([2, expect.stringMatching(/--spec: model\.file 'none\.json' \(.*none\.json\) cannot be read/)]);
    const model = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    writeFileSync(join(dir, 'short.json'), JSON.stringify({ ...model, params: model.params.slice(2) }));
    const short = runCli(['sample', '--spec', writeJson(dir, 'short-spec.json', { ...sampleSpec, model: { type: 'mlp', file: 'short.json' } }), '--out', join(dir, 'out-short.npy'), '--backend', 'cpu']);
    expect([short.status, short.stderr]).toEqual([2, expect.stringMatching(/model\.file 'short\.json' .* is not a usable model file:\n {2}params: got \d+ numbers; the layout of config \(19-16-16-2\) needs \d+/)]);
    // a 2D model on a 3D target
    const wrongDim = { ...sampleSpec, target: { type: 'gmm', weights: [1], means: [[0, 0, 0]], covs: [[[1, 0, 0], [0, 1, 0], [0, 0, 1]]] } };
    const dim = runCli(['sample', '--spec', writeJson(dir, 'dim.json', wrongDim), '--out', join(dir, 'out-dim.npy'), '--backend', 'cpu']);
    expect([dim.status, dim.stderr]).toEqual([2, expect.stringMatching(/model\.file 'model\.json' is a 2-dimensional model; the spec's target has dimension 3/)]);
    expect(readdirSync(dir).filter((f) => f.startsWith('out-'))).toEqual([]);
  });
});

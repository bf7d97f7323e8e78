// Saved runs' file format and comparison (the IndexedDB part runs in the browser: e2e/links.e2e.ts).
import { describe, expect, it } from 'vitest';
import { DEFAULT_SPEC, parseSpec } from '../core/spec/spec.ts';
import { RunsError, compareRuns, exportRunsFile, newRunId, parseRunsFile, type SavedRun } from './runs.ts';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';
const runA: SavedRun = {
  id: 'a1',
  name: 'DPM++ 10',
  savedAt: '2026-01-02T03:04:05.000Z',
  spec: DEFAULT_SPEC,
  results: [{ index: 0, label: 'DPM-Solver++(2M)', solver: 'dpmpp-2m', nfe: 10, wallMs: 12.5, metrics: { mmd2: 0.002, energy: 0.01, rmse: 0.05, nll: null } }],
  thumbnail: PNG,
};
const runB: SavedRun = { ...runA, id: 'b2', name: 'DDIM 10', spec: parseSpec({ ...DEFAULT_SPEC, solver: { name: 'ddim' } }), results: [{ index: 0, label: 'DDIM', solver: 'ddim', nfe: 10, wallMs: 10, metrics: { mmd2: 0.008, rmse: 0.1 } }] };
delete (runB as Partial<SavedRun>).thumbnail;

function problemsOf(text: string): string[] {
  try {
    parseRunsFile(text, "'runs.json'");
  } catch (error) {
    if (error instanceof RunsError) return error.problems;
    throw error;
  }
  throw new Error('accepted');
}

describe('saved runs file', () => {
  it('round-trips runs through the export file', () => {
    expect(parseRunsFile(exportRunsFile([runA, runB]))).toEqual([runA, runB]);
  });

  it('refuses a bad file as a whole, naming the run, field, value and what is allowed', () => {
    const file = (runs: unknown[]) => JSON.stringify({ format: 'stepscope-runs', version: 1, runs });
    expect(problemsOf('{oops')[0]).toMatch(/^'runs\.json': not JSON/);
    expect(problemsOf(JSON.stringify({ format: 'other', version: 1, runs: [] }))[0]).toMatch(/'runs\.json': format: got "other"; allowed: "stepscope-runs"/);
    expect(problemsOf(file([runA, { ...runB, name: '' }]))).toEqual(["'runs.json': runs[1].name: got \"\"; must not be empty"]);
    expect(problemsOf(file([{ ...runA, spec: { ...DEFAULT_SPEC, nfe: 0 } }]))[0]).toMatch(/^'runs\.json': runs\[0\]\.spec\.nfe: got 0; /);
    expect(problemsOf(file([{ ...runA, thumbnail: 'javascript:alert(1)' }]))[0]).toMatch(/runs\[0\]\.thumbnail: got "javascript:alert\(1\)"; must be a PNG data URL/);
    expect(problemsOf(file([{ ...runA, results: [{ ...runA.results[0], metrics: { mmd2: 'x' } }] }]))[0]).toMatch(/runs\[0\]\.results\.0\.metrics\.mmd2: got "x"/);
    expect(problemsOf(file([{ ...runA, extra: 1 }]))[0]).toMatch(/runs\[0\]: unknown field\(s\) "extra"/);
  });

  it('compares two runs metric by metric, per configuration, with the ratio b/a', () => {
    // the same configuration at another index (another spec's own solver): paired by its label
    const rows = compareRuns(runA, { ...runB, results: [{ ...runB.results[0], index: 1, label: 'DPM-Solver++(2M)', solver: 'dpmpp-2m', wallMs: 20, metrics: { mmd2: 0.004, rmse: 0.05 } }] });
    const dpm = { label: 'DPM-Solver++(2M)', indexA: 0, indexB: 1, solver: 'dpmpp-2m' };
    expect(rows.find((r) => r.metric === 'mmd2')).toEqual({ ...dpm, metric: 'mmd2', a: 0.002, b: 0.004, ratio: 2 });
    expect(rows.find((r) => r.metric === 'energy')).toEqual({ ...dpm, metric: 'energy', a: 0.01, b: null, ratio: null });
    // a metric neither run has is not a row; a configuration only one run has is one row per metric with a gap
    expect(rows.some((r) => r.metric === 'fdRf')).toBe(false);
    const mixed = compareRuns(runA, runB);
    expect(mixed.filter((r) => r.metric === 'mmd2')).toEqual([
      { label: 'DPM-Solver++(2M)', indexA: 0, indexB: null, solver: 'dpmpp-2m', metric: 'mmd2', a: 0.002, b: null, ratio: null },
      { label: 'DDIM', indexA: null, indexB: 0, solver: 'ddim', metric: 'mmd2', a: null, b: 0.008, ratio: null },
    ]);
  });

  it('keeps two configurations with the same solver apart, in a saved run and in the comparison', () => {
    const twoDdim = (id: string, karras: number, logsnr: number): SavedRun => ({
      ...runB,
      id,
      spec: parseSpec({ ...DEFAULT_SPEC, solver: { name: 'ddim' }, compare: [{ solver: { name: 'ddim' }, schedule: { type: 'karras' } }] }),
      results: [
        { index: 0, label: 'DDIM', solver: 'ddim', nfe: 10, wallMs: 10, metrics: { mmd2: logsnr } },
        { index: 1, label: 'DDIM · Karras (EDM)', solver: 'ddim', nfe: 10, wallMs: 11, metrics: { mmd2: karras } },
      ],
    });
    const a = twoDdim('a', 0.03, 0.01);
    const b = twoDdim('b', 0.06, 0.04);
    // both results survive the file (and so IndexedDB, which stores the same validated record)
    const [back] = parseRunsFile(exportRunsFile([a]));
    expect(back.results.map((r) => [r.index, r.label, r.metrics.mmd2])).toEqual([
      [0, 'DDIM', 0.01],
      [1, 'DDIM · Karras (EDM)', 0.03],
    ]);
    // one row each in the comparison, each with its own numbers
    expect(compareRuns(a, b).filter((r) => r.metric === 'mmd2')).toEqual([
      { label: 'DDIM', indexA: 0, indexB: 0, solver: 'ddim', metric: 'mmd2', a: 0.01, b: 0.04, ratio: 4 },
      { label: 'DDIM · Karras (EDM)', indexA: 1, indexB: 1, solver: 'ddim', metric: 'mmd2', a: 0.03, b: 0.06, ratio: 2 },
    ]);
    // two configurations with the same label (another ρ, say) still get one row each, the k-th paired with the k-th
    const same = (run: SavedRun): SavedRun => ({ ...run, results: run.results.map((r) => ({ ...r, label: 'DDIM' })) });
    expect(compareRuns(same(a), same(b)).filter((r) => r.metric === 'mmd2').map((r) => [r.indexA, r.indexB, r.a, r.b])).toEqual([
      [0, 0, 0.01, 0.04],
      [1, 1, 0.03, 0.06],
    ]);
  });

  it('reads a run saved before configurations were kept: each result at its position, labelled by its solver', () => {
    const old = { ...runA, results: [{ solver: 'dpmpp-2m', nfe: 10, wallMs: 1, metrics: { mmd2: 0.002 } }, { solver: 'ddim', nfe: 10, wallMs: 1, metrics: { mmd2: 0.008 } }] };
    const [run] = parseRunsFile(JSON.stringify({ format: 'stepscope-runs', version: 1, runs: [old] }));
    expect(run.results.map((r) => [r.index, r.label, r.solver])).toEqual([
      [0, 'DPM-Solver++(2M)', 'dpmpp-2m'],
      [1, 'DDIM', 'ddim'],
    ]);
    // and it compares with a new run of the same configurations
    expect(compareRuns(run, runB).find((r) => r.metric === 'mmd2' && r.label === 'DDIM')).toEqual({ label: 'DDIM', indexA: 1, indexB: 0, solver: 'ddim', metric: 'mmd2', a: 0.008, b: 0.008, ratio: 1 });
  });

  it('refuses a result with a bad configuration index, naming the field', () => {
    const file = JSON.stringify({ format: 'stepscope-runs', version: 1, runs: [{ ...runA, results: [{ ...runA.results[0], index: -1 }] }] });
    expect(problemsOf(file)[0]).toMatch(/runs\[0\]\.results\.0\.index: got -1/);
  });

  it('makes distinct ids', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newRunId(0)));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });
});

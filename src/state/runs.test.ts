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
  results: [{ solver: 'dpmpp-2m', nfe: 10, wallMs: 12.5, metrics: { mmd2: 0.002, energy: 0.01, rmse: 0.05, nll: null } }],
  thumbnail: PNG,
};
const runB: SavedRun = { ...runA, id: 'b2', name: 'DDIM 10', spec: parseSpec({ ...DEFAULT_SPEC, solver: { name: 'ddim' } }), results: [{ solver: 'ddim', nfe: 10, wallMs: 10, metrics: { mmd2: 0.008, rmse: 0.1 } }] };
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

  it('compares two runs metric by metric, per solver, with the ratio b/a', () => {
    const rows = compareRuns(runA, { ...runB, results: [{ solver: 'dpmpp-2m', nfe: 10, wallMs: 20, metrics: { mmd2: 0.004, rmse: 0.05 } }] });
    expect(rows.find((r) => r.metric === 'mmd2')).toEqual({ solver: 'dpmpp-2m', metric: 'mmd2', a: 0.002, b: 0.004, ratio: 2 });
    expect(rows.find((r) => r.metric === 'energy')).toEqual({ solver: 'dpmpp-2m', metric: 'energy', a: 0.01, b: null, ratio: null });
    // a metric neither run has is not a row; a solver only one run has is one row per metric with a gap
    expect(rows.some((r) => r.metric === 'fdRf')).toBe(false);
    const mixed = compareRuns(runA, runB);
    expect(mixed.filter((r) => r.metric === 'mmd2')).toEqual([
      { solver: 'dpmpp-2m', metric: 'mmd2', a: 0.002, b: null, ratio: null },
      { solver: 'ddim', metric: 'mmd2', a: null, b: 0.008, ratio: null },
    ]);
  });

  it('makes distinct ids', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newRunId(0)));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });
});

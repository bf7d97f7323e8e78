// Lessons (issue #8): every bundled lesson parses with valid specs and checks; a malformed lesson is refused with the
// line and the field; the checks decide what they say on tables whose answer is known.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LessonError, logLogSlope, parseLesson } from './lesson.ts';

const DIR = join(__dirname, '../../../public/lessons');
const FRONT = '---\nid: t\ntitle: T\nclaim: C\nsource: S\n---\n';
const samplerFigure = (extra: Record<string, unknown> = {}, checks: unknown[] = [{ below: { metric: 'rmse', a: 0, b: 1 } }]) =>
  JSON.stringify({
    sampler: {
      base: { target: { type: 'preset', name: 'ring8' }, n: 256 },
      axis: { label: 'NFE', path: 'nfe', values: [4, 8, 16] },
      series: [
        { label: 'A', set: { solver: { name: 'dpmpp-2m' } } },
        { label: 'B', set: { solver: { name: 'ddim' } } },
      ],
      metrics: ['rmse'],
      checks,
      ...extra,
    },
  });
const lesson = (figure: string, before = 'Some text.\n') => `${FRONT}${before}\`\`\`stepscope\n${figure}\n\`\`\`\nAfter.\n`;
const refusal = (text: string): string => {
  try {
    parseLesson(text, 'x.md');
  } catch (error) {
    expect(error).toBeInstanceOf(LessonError);
    return (error as Error).message;
  }
  throw new Error('the lesson was accepted');
};

describe('bundled lessons', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.md'));
  const index = JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8')) as { lessons: string[] };

  it('at least 10, each listed once in index.json under its file name', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    expect([...index.lessons].sort()).toEqual(files.map((f) => f.replace(/\.md$/, '')).sort());
  });

  it.each(files)('%s parses: its id is its file name, it states a claim and a source, and every figure has checks', (file) => {
    const parsed = parseLesson(readFileSync(join(DIR, file), 'utf8'), file);
    expect(parsed.id).toBe(file.replace(/\.md$/, ''));
    expect(parsed.claim.length).toBeGreaterThan(40);
    expect(parsed.source.length).toBeGreaterThan(10);
    expect(parsed.figures.length).toBeGreaterThan(0);
    expect(parsed.blocks.some((b) => b.type === 'text')).toBe(true);
    for (const figure of parsed.figures) {
      const axis = figure.kind === 'sampler' ? figure.claim.axis : figure.pde.axis;
      const series = figure.kind === 'sampler' ? figure.claim.series : figure.pde.series;
      // every spec of the figure was built (and validated) at every axis value
      for (const s of series) for (const x of axis.values) expect(s.at(x)).toBeTruthy();
    }
  });
});

describe('the lesson format', () => {
  it('splits text and figures in file order and compiles a sampler figure into runnable specs', () => {
    const parsed = parseLesson(lesson(samplerFigure()), 'x.md');
    expect(parsed.blocks.map((b) => b.type)).toEqual(['text', 'figure', 'text']);
    expect(parsed).toMatchObject({ id: 't', title: 'T', claim: 'C', source: 'S' });
    const figure = parsed.figures[0];
    if (figure.kind !== 'sampler') throw new Error('a sampler figure');
    const spec = figure.claim.series[1].at(8);
    expect(spec.nfe).toBe(8);
    expect(spec.solver.name).toBe('ddim');
    expect(spec.n).toBe(256);
  });

  it('sets a nested axis field (schedule.s) on each series', () => {
    const figure = JSON.stringify({
      sampler: {
        base: { process: { type: 'flow' }, target: { type: 'preset', name: 'ring8' }, schedule: { type: 'shift', s: 1 }, nfe: 5 },
        axis: { label: 's', path: 'schedule.s', values: [0.5, 1, 2] },
        series: [{ label: 'Euler', set: { solver: { name: 'flow-euler' } } }],
        metrics: ['mmd2'],
        checks: [{ optimum: { metric: 'mmd2', series: 0 } }],
      },
    });
    const parsed = parseLesson(lesson(figure), 'x.md').figures[0];
    if (parsed.kind !== 'sampler') throw new Error('a sampler figure');
    expect(parsed.claim.series[0].at(2).schedule).toMatchObject({ type: 'shift', s: 2 });
    expect(parsed.claim.series[0].at(0.5).schedule).toMatchObject({ type: 'shift', s: 0.5 });
  });

  it('refuses malformed files with the file, the line and what is wrong', () => {
    expect(refusal('no front matter\n')).toMatch(/^x\.md:1: a lesson starts with a front matter/);
    expect(refusal('---\nid: t\n')).toMatch(/no closing "---"/);
    expect(refusal('---\nid: t\ntitle: T\nclaim: C\n---\n')).toMatch(/^x\.md:2: front matter: source: got nothing/);
    expect(refusal('---\nid: Bad Id\ntitle: T\nclaim: C\nsource: S\n---\n')).toMatch(/id: got "Bad Id"; lower-case letters/);
    expect(refusal('---\nid: t\ntitle: [unclosed\n---\n')).toMatch(/^x\.md:\d+: front matter: /);
    expect(refusal(`${FRONT}only text\n`)).toMatch(/at least one ```stepscope figure/);
    expect(refusal(`${FRONT}\`\`\`stepscope\n{}\n`)).toMatch(/^x\.md:7: a ```stepscope block is never closed/);
    // JSON errors point at the block's first line
    expect(refusal(lesson('{ "claim": ', 'line 7\nline 8\n'))).toMatch(/^x\.md:10: figure 1: not valid JSON/);
    expect(refusal(lesson('{ "claim": "no-such-claim" }'))).toMatch(/claim: got "no-such-claim"; allowed: v3-gmm, boss-flow/);
    expect(refusal(lesson('{ "chart": 1 }'))).toMatch(/needs one of "claim", "sampler" or "pde"; got the field\(s\) "chart"/);
  });

  it('names the series, the axis value and the spec field of a bad spec', () => {
    const bad = samplerFigure().replace('"name":"ddim"', '"name":"euler-maruyama-typo"');
    expect(refusal(lesson(bad))).toMatch(/sampler\.series\.1 \(B\) at nfe = 4: solver/);
    const pde = JSON.stringify({ pde: { series: [{ label: 'KS', preset: 'ks-kassam-trefethen', set: { dt: -1 } }], metrics: ['maxAbs'], checks: [{ finite: { series: 0 } }] } });
    expect(refusal(lesson(pde))).toMatch(/pde\.series\.0 \(KS\): dt: got -1/);
    const preset = JSON.stringify({ pde: { series: [{ label: 'KS', preset: 'no-such-preset' }], metrics: ['maxAbs'], checks: [{ finite: { series: 0 } }] } });
    expect(refusal(lesson(preset))).toMatch(/pde\.series\.0\.preset: got "no-such-preset"/);
  });

  it('refuses checks on a series, metric or axis value the figure does not have', () => {
    expect(refusal(lesson(samplerFigure({}, [{ below: { metric: 'rmse', a: 0, b: 2 } }])))).toMatch(/checks\.0\.below\.b: got 2; the figure has series 0 … 1/);
    expect(refusal(lesson(samplerFigure({}, [{ below: { metric: 'mmd2', a: 0, b: 1 } }])))).toMatch(/checks\.0\.below\.metric: got "mmd2"; the figure measures rmse/);
    expect(refusal(lesson(samplerFigure({}, [{ bound: { metric: 'rmse', series: 0, at: [5], max: 1 } }])))).toMatch(/checks\.0\.bound\.at: got 5; the axis has 4, 8, 16/);
    expect(refusal(lesson(samplerFigure({}, [{ finite: { series: 0 } }])))).toMatch(/only PDE figures have blow-ups/);
    expect(refusal(lesson(samplerFigure({ metrics: ['nearest'] }, [{ bound: { metric: 'nearest', series: 0, max: 1 } }])))).toMatch(/'nearest' needs a series whose target is a dataset/);
  });
});

describe('figure checks', () => {
  const figureWith = (checks: unknown[], axis = [4, 8, 16]) => {
    const text = lesson(samplerFigure({ axis: { label: 'NFE', path: 'nfe', values: axis } }, checks));
    const figure = parseLesson(text, 'x.md').figures[0];
    if (figure.kind !== 'sampler') throw new Error('a sampler figure');
    return (table: number[][]) => figure.claim.checks(table.map((row) => row.map((rmse) => ({ rmse, mmd2: NaN, fdRf: NaN, outside: NaN, nearest: NaN }))));
  };

  it('below holds where a < b, point by point', () => {
    const checks = figureWith([{ below: { metric: 'rmse', a: 0, b: 1 } }]);
    expect(checks([[1, 1, 1], [2, 0.5, 2]]).map((c) => c.holds)).toEqual([true, false, true]);
    expect(checks([[NaN, 1, 1], [2, 2, 2]])[0].holds).toBe(false);
  });

  it('order: error ∝ NFE^−2 measures 2 against a step count; a bound and an interior optimum decide on the numbers', () => {
    const order = figureWith([{ order: { metric: 'rmse', series: 0, axisIs: 'step count', min: 1.9, max: 2.1 } }]);
    const quadratic = [4, 8, 16].map((n) => 3 / n ** 2);
    expect(order([quadratic, quadratic])[0].holds).toBe(true);
    expect(order([[4, 8, 16].map((n) => 1 / n), quadratic])[0].holds).toBe(false);
    expect(logLogSlope([0.1, 0.05, 0.025], [0.1, 0.05, 0.025].map((h) => 7 * h ** 4))).toBeCloseTo(4, 12);
    const bound = figureWith([{ bound: { metric: 'rmse', series: 1, at: [8], max: 0.5 } }]);
    expect(bound([[9, 9, 9], [9, 0.4, 9]])[0].holds).toBe(true);
    expect(bound([[9, 9, 9], [9, 0.6, 9]])[0].holds).toBe(false);
    const optimum = figureWith([{ optimum: { metric: 'rmse', series: 0 } }]);
    expect(optimum([[1, 0.5, 1], [0, 0, 0]])[0].holds).toBe(true);
    expect(optimum([[1, 0.5, 0.2], [0, 0, 0]])[0].holds).toBe(false);
    expect(optimum([[1, 0.95, 1], [0, 0, 0]])[0].holds).toBe(false);
  });
});

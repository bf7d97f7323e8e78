import { describe, expect, it } from 'vitest';
import { buildSpecProgram } from '../core/sampling/experiment.ts';
import { DEFAULT_SPEC, parseSpec } from '../core/spec/spec.ts';
import { summariseEms } from '../views/emsChart.ts';
import { computeBoss, computeV3, peekBoss, peekV3 } from './methodData.ts';

describe('methodData', () => {
  it('BOSS: pending until the cost matrix is cached, then the path the run uses, no worse than uniform', () => {
    const spec = parseSpec({ ...DEFAULT_SPEC, process: { type: 'flow' }, tStart: undefined, tEnd: undefined, solver: { name: 'flow-euler' }, schedule: { type: 'boss', kMax: 24, samples: 64 }, nfe: 5 });
    expect(peekBoss(spec).status).toBe('pending');
    const lookup = computeBoss(spec);
    if (lookup.status !== 'ready') throw new Error(JSON.stringify(lookup));
    expect(peekBoss(spec).status).toBe('ready');
    const v = lookup.view;
    expect(v.K).toBe(5);
    expect(v.indices[0]).toBe(0);
    expect(v.indices[5]).toBe(24);
    expect(v.optimalCost).toBeLessThanOrEqual(v.uniformCost);
    expect((buildSpecProgram(spec) as { times: number[] }).times).toEqual(v.times);
    expect(peekBoss(DEFAULT_SPEC).status).toBe('off');
  });

  it('v3: the statistics the solver uses, pending for a 2-D target until computed', () => {
    const spec = parseSpec({ ...DEFAULT_SPEC, solver: { name: 'dpm-solver-v3', emsPoints: 60, emsSamples: 128 }, nfe: 6 });
    expect(peekV3(spec).status).toBe('pending');
    const lookup = computeV3(spec);
    if (lookup.status !== 'ready') throw new Error(JSON.stringify(lookup));
    const ems = lookup.ems;
    expect(ems.points).toBe(60);
    // building the program now hits the same cache entry (no second computation)
    buildSpecProgram(spec);
    expect(peekV3(spec)).toEqual({ status: 'ready', ems });
    const l = summariseEms({ lambdas: ems.lambdas, values: ems.l, dim: ems.dim });
    expect(Math.min(...l.min)).toBeGreaterThan(0);
    expect(Math.max(...l.max)).toBeLessThanOrEqual(1 + 1e-12);
    expect(l.mean.every((m, j) => l.min[j] <= m && m <= l.max[j])).toBe(true);
  });

  it('v3: a glyphs16 target without cached statistics waits for a run', () => {
    const spec = parseSpec({ ...DEFAULT_SPEC, target: { type: 'glyphs16' }, solver: { name: 'dpm-solver-v3' } });
    expect(peekV3(spec).status).toBe('absent');
  });
});

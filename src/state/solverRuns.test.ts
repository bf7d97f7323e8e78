import { describe, expect, it } from 'vitest';
import { DEFAULT_SPEC, parseSpec } from '../core/spec/spec.ts';
import { ownNoiseSeed, solverRunSpec } from './solverRuns.ts';

describe('solverRunSpec (the "same noise" toggle)', () => {
  const spec = parseSpec({ ...DEFAULT_SPEC, solver: { name: 'dpmpp-2m', solverType: 'taylor' }, seed: 7 });
  const shown = ['dpmpp-2m', 'ddim', 'unipc'] as const;

  it('on: every solver runs the spec itself (its seed), the spec’s own solver with its options', () => {
    expect(solverRunSpec(spec, [...shown], 'dpmpp-2m', true)).toEqual(spec);
    expect(solverRunSpec(spec, [...shown], 'ddim', true)).toEqual({ ...spec, solver: { name: 'ddim' } });
    expect(solverRunSpec(spec, [...shown], 'unipc', true).seed).toBe(7);
  });

  it('off: the solver at index k gets seed + k; the spec’s own solver keeps the spec’s seed', () => {
    expect(solverRunSpec(spec, [...shown], 'dpmpp-2m', false)).toEqual(spec);
    expect(solverRunSpec(spec, [...shown], 'ddim', false).seed).toBe(8);
    expect(solverRunSpec(spec, [...shown], 'unipc', false)).toEqual({ ...spec, solver: { name: 'unipc' }, seed: 9 });
    expect(ownNoiseSeed(0xffffffff, 2)).toBe(1);
  });
});

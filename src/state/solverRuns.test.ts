import { describe, expect, it } from 'vitest';
import { DEFAULT_SPEC, configurationSpecs, parseSpec } from '../core/spec/spec.ts';
import { configurationRunSpec, ownNoiseSeed } from './solverRuns.ts';

describe('configurationRunSpec (the "same noise" toggle)', () => {
  const spec = parseSpec({
    ...DEFAULT_SPEC,
    solver: { name: 'dpmpp-2m', solverType: 'taylor' },
    seed: 7,
    compare: [{ solver: { name: 'ddim' } }, { solver: { name: 'unipc', order: 2 }, schedule: { type: 'karras' } }],
  });
  const [own, ddim, unipc] = configurationSpecs(spec);

  it('on: every configuration runs its own spec with the spec’s seed', () => {
    expect(configurationRunSpec(own, 0, true)).toEqual(own);
    expect(configurationRunSpec(ddim, 1, true)).toEqual({ ...own, solver: { name: 'ddim' } });
    expect(configurationRunSpec(unipc, 2, true).seed).toBe(7);
  });

  it('off: the configuration at index k gets seed + k; the spec’s own keeps the spec’s seed', () => {
    expect(configurationRunSpec(own, 0, false)).toEqual(own);
    expect(configurationRunSpec(ddim, 1, false).seed).toBe(8);
    expect(configurationRunSpec(unipc, 2, false)).toEqual({ ...own, solver: { name: 'unipc', order: 2 }, schedule: { type: 'karras', rho: 7, appendZero: true }, seed: 9 });
    expect(ownNoiseSeed(0xffffffff, 2)).toBe(1);
  });
});

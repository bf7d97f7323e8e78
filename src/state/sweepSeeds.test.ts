import { describe, expect, it } from 'vitest';
import { DEFAULT_SPEC } from '../core/spec/spec.ts';
import { createAppStore, defaultSweepSeeds, effectiveSweepSeeds } from './store.ts';

describe('sweep seeds', () => {
  it('default to 1 on a software adapter and the CPU fallback, 3 on a hardware GPU', () => {
    expect(defaultSweepSeeds({ status: 'software', backend: 'gpu' })).toBe(1);
    expect(defaultSweepSeeds({ status: 'ok', backend: 'gpu' })).toBe(3);
    expect(defaultSweepSeeds({ status: 'ok', backend: 'cpu' })).toBe(1);
    expect(defaultSweepSeeds({ status: 'none', backend: 'cpu' })).toBe(1);
  });

  it('a chosen count replaces the default, and null restores it', () => {
    const store = createAppStore(DEFAULT_SPEC);
    store.getState().setGpu({ status: 'ok', backend: 'gpu' });
    expect(effectiveSweepSeeds(store.getState())).toBe(3);
    store.getState().setSweepSeeds(2);
    expect(effectiveSweepSeeds(store.getState())).toBe(2);
    store.getState().setSweepSeeds(null);
    expect(effectiveSweepSeeds(store.getState())).toBe(3);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_SPEC, SpecError } from '../core/spec/spec.ts';
import { createAppStore, shownSolvers } from './store.ts';

describe('app store', () => {
  it('takes a valid spec through the schema and rejects an invalid one without changing anything', () => {
    const store = createAppStore(DEFAULT_SPEC);
    const before = store.getState().spec;
    expect(() => store.getState().setSpec({ ...DEFAULT_SPEC, nfe: -3 })).toThrow(SpecError);
    expect(store.getState().spec).toBe(before);
    const next = store.getState().setSpec({ ...DEFAULT_SPEC, seed: 7 });
    expect(store.getState().spec).toEqual(next);
    expect(store.getState().spec.seed).toBe(7);
  });

  it('shows the spec solver first, then the compared ones', () => {
    const store = createAppStore(DEFAULT_SPEC);
    expect(shownSolvers(store.getState())).toEqual(['dpmpp-2m', 'ddim']);
    store.getState().setCompare('ddim', false);
    expect(shownSolvers(store.getState())).toEqual(['dpmpp-2m']);
  });

  it('replaces notices that share a key', () => {
    const store = createAppStore(DEFAULT_SPEC);
    store.getState().pushNotice({ level: 'warning', key: 'url', text: 'a' });
    store.getState().pushNotice({ level: 'warning', key: 'url', text: 'b' });
    expect(store.getState().notices.map((n) => n.text)).toEqual(['b']);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_SPEC, MAX_COMPONENTS, SpecError } from '../core/spec/spec.ts';
import { createAppStore } from './store.ts';

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

  it('dragging is UI state beside the spec: setting it leaves the spec as it is', () => {
    const store = createAppStore(DEFAULT_SPEC);
    expect(store.getState().dragging).toBe(false);
    store.getState().setDragging(true);
    expect(store.getState().dragging).toBe(true);
    expect(store.getState().spec).toBe(DEFAULT_SPEC);
  });

  it('replaces notices that share a key', () => {
    const store = createAppStore(DEFAULT_SPEC);
    store.getState().pushNotice({ level: 'warning', key: 'url', text: 'a' });
    store.getState().pushNotice({ level: 'warning', key: 'url', text: 'b' });
    expect(store.getState().notices.map((n) => n.text)).toEqual(['b']);
  });

  it('drawing a dataset: add, undo, clear, at most MAX_COMPONENTS points, and the spec untouched until used', () => {
    const store = createAppStore(DEFAULT_SPEC);
    const s = () => store.getState();
    s().startDrawing([[0, 0]]);
    expect(s().draw).toEqual({ active: true, points: [[0, 0]] });
    expect(s().addDrawnPoint([1, 2])).toBe(true);
    expect(s().addDrawnPoint([3, 4])).toBe(true);
    s().undoDrawnPoint();
    expect(s().draw.points).toEqual([[0, 0], [1, 2]]);
    s().clearDrawnPoints();
    expect(s().draw).toEqual({ active: true, points: [] });
    for (let i = 0; i < MAX_COMPONENTS; i++) expect(s().addDrawnPoint([i, 0])).toBe(true);
    expect(s().addDrawnPoint([-1, -1])).toBe(false);
    expect(s().draw.points).toHaveLength(MAX_COMPONENTS);
    expect(s().spec).toBe(DEFAULT_SPEC);
    s().stopDrawing();
    expect(s().draw).toEqual({ active: false, points: [] });
  });
});

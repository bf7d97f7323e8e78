import { describe, expect, it } from 'vitest';
import { DEFAULT_SPEC, parseSpec, type SampleSpec } from '../core/spec/spec.ts';
import { autoSweepAllowed, flowViewProblem, targetDimension } from './targetInfo.ts';

const target = (t: unknown): SampleSpec['target'] => parseSpec({ ...DEFAULT_SPEC, target: t }).target;
const diagonalGmm = (d: number) => target({ type: 'gmm', weights: [1], means: [new Array(d).fill(0)], covs: [Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)))] });

describe('targetDimension', () => {
  it('is 2 for presets, 256 for glyphs16, and the data dimension otherwise', () => {
    expect(targetDimension(target({ type: 'preset', name: 'grid25' }))).toBe(2);
    expect(targetDimension(target({ type: 'glyphs16', components: 3 }))).toBe(256);
    expect(targetDimension(diagonalGmm(5))).toBe(5);
    expect(targetDimension(target({ type: 'points', points: [[0, 1, 2]] }))).toBe(3);
  });
});

describe('flowViewProblem', () => {
  it('keeps the flow view for 2-D targets and for low-dimensional ones (their first two coordinates)', () => {
    expect(flowViewProblem(target({ type: 'preset', name: 'ring8' }))).toBeNull();
    expect(flowViewProblem(target({ type: 'points', points: [[0], [1]] }))).toBeNull();
    expect(flowViewProblem(diagonalGmm(16))).toBeNull();
  });

  it('replaces it for image targets and above 16 dimensions, saying why', () => {
    expect(flowViewProblem(target({ type: 'glyphs16' }))).toMatch(/256-dimensional images/);
    expect(flowViewProblem(diagonalGmm(17))).toMatch(/17 dimensions/);
  });
});

describe('autoSweepAllowed', () => {
  const glyphs = target({ type: 'glyphs16' });
  const ring = target({ type: 'preset', name: 'ring8' });
  it('sweeps by itself on a GPU, except an image target on a software adapter; never on the CPU fallback', () => {
    expect(autoSweepAllowed('gpu', false, glyphs)).toBe(true);
    expect(autoSweepAllowed('gpu', true, ring)).toBe(true);
    expect(autoSweepAllowed('gpu', true, glyphs)).toBe(false);
    expect(autoSweepAllowed('cpu', false, ring)).toBe(false);
    expect(autoSweepAllowed('cpu', false, glyphs)).toBe(false);
  });
});

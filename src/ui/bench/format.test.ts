// The benchmark page's number formats and its link (issue #9).

import { describe, expect, it } from 'vitest';
import { labFromSearch } from '../../state/pdeUrl.ts';
import { benchUrl } from './benchUrl.ts';
import { formatBytes, formatGbPerS, formatMs, formatPercent } from './format.ts';

describe('benchmark page formats', () => {
  it('three significant digits, SI units', () => {
    expect(formatMs(65.58326)).toBe('65.6');
    expect(formatMs(0.41234)).toBe('0.412');
    expect(formatMs(1720.1)).toBe('1720');
    expect(formatBytes(16_777_216)).toBe('16.8 MB');
    expect(formatBytes(4_816_896)).toBe('4.82 MB');
    expect(formatBytes(1_500_000_000)).toBe('1.50 GB');
    expect(formatBytes(2048)).toBe('2.05 kB');
    expect(formatBytes(12)).toBe('12 B');
    expect(formatGbPerS(3.5002933)).toBe('3.50');
    expect(formatGbPerS(0.063953)).toBe('0.0640');
    expect(formatPercent(0.018271)).toBe('1.83 %');
    expect(formatPercent(0.92444)).toBe('92.4 %');
    expect(formatPercent(0)).toBe('0 %');
  });
});

describe('benchmark page link', () => {
  it('?lab=bench opens the benchmark; other values stay on their labs', () => {
    const url = benchUrl('http://127.0.0.1:4173/?spec=abc&lab=pde#x');
    expect(url).toBe('http://127.0.0.1:4173/?lab=bench');
    expect(labFromSearch(new URL(url).search)).toBe('bench');
    expect(labFromSearch('?lab=pde')).toBe('pde');
    expect(labFromSearch('?lab=benchmark')).toBe('samplers');
    expect(labFromSearch('')).toBe('samplers');
  });
});

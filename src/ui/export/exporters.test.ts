import { describe, expect, it } from 'vitest';
import { parseNpy } from '../../core/io/npy.ts';
import { csvText, exportFileName, npyBlob } from './exporters.ts';
import { gridTable, qualityTable, seriesTable, timeSeriesTable } from './viewData.ts';
import { QUALITY_METRICS } from '../qualityMetrics.ts';
import type { SweepCurve } from '../../engine/sampling.ts';

describe('export file names', () => {
  it('say what they hold in lower-case words', () => {
    expect(exportFileName(['quality', 'ring8', 'mmd2'], 'svg')).toBe('stepscope-quality-ring8-mmd2.svg');
    expect(exportFileName(['trajectory', 'ring8', 'DPM-Solver++(2M)', null, ''], 'npy')).toBe('stepscope-trajectory-ring8-dpm-solver-2m.npy');
    expect(exportFileName(['pde', 'heat', 'field', 't0.05'], 'npy')).toBe('stepscope-pde-heat-field-t0.05.npy');
  });
});

describe('CSV', () => {
  it('writes numbers in their round-trip form, null as empty, quotes what needs quoting', () => {
    const text = csvText(['a', 'b', 'c'], [[0.1 + 0.2, null, 'x,"y"'], [Infinity, -0, 1e-300]]);
    expect(text).toBe('a,b,c\r\n0.30000000000000004,,"x,""y"""\r\nInfinity,0,1e-300\r\n');
    expect(Number(text.split('\r\n')[1].split(',')[0])).toBe(0.1 + 0.2);
  });
  it('refuses a row that does not match the header', () => {
    expect(() => csvText(['a', 'b'], [[1]])).toThrow(/row 0 has 1 fields, the header 2/);
  });
});

describe('tables behind the views', () => {
  // two configurations with the same solver (DDIM on two schedules), then one without a label
  const curves: (SweepCurve & { label?: string })[] = [
    { solver: 'ddim', label: 'DDIM', points: [{ nfe: 4, mmd2: 0.5, energy: 0.2, rmse: 0.3, wallMs: 7 }, { nfe: 8, mmd2: 0.1, energy: 0.05, rmse: 0.1, wallMs: 9 }] },
    { solver: 'ddim', label: 'DDIM · Karras (EDM)', points: [{ nfe: 8, mmd2: 0.2, energy: 0.07, rmse: 0.15, wallMs: 9 }] },
    { solver: 'dpmpp-2m', points: [{ nfe: 4, mmd2: 0.25, energy: 0.1, rmse: 0.2, wallMs: 8 }] },
  ];
  it('quality: one row per configuration and NFE, every metric unscaled', () => {
    const metrics = QUALITY_METRICS.filter((m) => ['mmd2', 'energy', 'rmse'].includes(m.id));
    const table = qualityTable(curves, metrics);
    expect(table.header).toEqual(['configuration', 'label', 'solver', 'nfe', ...metrics.map((m) => m.id), 'wall_ms']);
    expect(table.rows).toHaveLength(4);
    expect(table.rows.map((row) => row.slice(0, 4))).toEqual([
      [0, 'DDIM', 'ddim', 4],
      [0, 'DDIM', 'ddim', 8],
      [1, 'DDIM · Karras (EDM)', 'ddim', 8],
      [2, 'dpmpp-2m', 'dpmpp-2m', 4],
    ]);
    // the two DDIM rows at 8 NFE keep their own numbers
    expect([table.rows[1], table.rows[2]].map((row) => row[table.header.indexOf('mmd2')])).toEqual([0.1, 0.2]);
    expect(table.rows[1][table.header.indexOf('rmse')]).toBe(0.1);
  });
  it('grid, series and time series: long format', () => {
    expect(gridTable([{ solver: 'ddim', t: [1, 0.5], sigma: [10, 1], lambda: [-2, Infinity] }]).rows).toEqual([
      [0, 'ddim', 'ddim', 0, 1, 10, -2],
      [0, 'ddim', 'ddim', 1, 0.5, 1, Infinity],
    ]);
    // a configuration keeps its index and label (those before it had no grid and were left out)
    expect(gridTable([{ index: 2, label: 'DDIM · Karras', solver: 'ddim', t: [1], sigma: [10], lambda: [-2] }]).rows).toEqual([[2, 'DDIM · Karras', 'ddim', 0, 1, 10, -2]]);
    expect(seriesTable('NFE', [4, 8], [{ label: 'a', values: [1, null] }]).rows).toEqual([
      ['a', 4, 1],
      ['a', 8, null],
    ]);
    expect(timeSeriesTable([{ run: 'primary', stepper: 'rk4', series: [{ id: 'mass', times: [0, 1], values: [2, 2] }] }]).rows).toHaveLength(2);
  });
});

describe('.npy', () => {
  it('round-trips through the parser with its shape', async () => {
    const data = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const parsed = parseNpy(new Uint8Array(await npyBlob(data, [3, 2]).arrayBuffer()));
    expect(parsed.shape).toEqual([3, 2]);
    expect(Array.from(parsed.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

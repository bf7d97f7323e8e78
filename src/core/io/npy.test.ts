import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NpyError, parseNpy, serializeNpy } from './npy.ts';

// fixtures written by NumPy 2.4 (np.save), committed as bytes
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

describe('.npy files', () => {
  it('reads files written by NumPy (float64 and float32)', () => {
    const a = parseNpy(fixture('numpy_f8_3x2.npy'));
    expect(a.dtype).toBe('float64');
    expect(a.shape).toEqual([3, 2]);
    expect(Array.from(a.data)).toEqual([1.5, -2.0, 3.25, 1e-300, -0, 7.0]);
    const b = parseNpy(fixture('numpy_f4_2x3.npy'));
    expect(b.dtype).toBe('float32');
    expect(b.shape).toEqual([2, 3]);
    expect(Array.from(b.data)).toEqual([0.1, 0.2, 0.3, -1, -2, -3].map(Math.fround));
  });

  it('writes byte-identical files to NumPy for the same array', () => {
    expect(serializeNpy(Float64Array.from([1.5, -2.0, 3.25, 1e-300, -0, 7.0]), [3, 2])).toEqual(fixture('numpy_f8_3x2.npy'));
    expect(serializeNpy(Float32Array.from([0.1, 0.2, 0.3, -1, -2, -3]), [2, 3])).toEqual(fixture('numpy_f4_2x3.npy'));
  });

  it('reads from a Node Buffer that is a view into a larger pool', () => {
    const file = fixture('numpy_f8_3x2.npy');
    const pool = Buffer.alloc(file.length + 100, 7);
    pool.set(file, 50);
    expect(Array.from(parseNpy(pool.subarray(50, 50 + file.length)).data)).toEqual([1.5, -2.0, 3.25, 1e-300, -0, 7.0]);
  });

  it('round-trips 3D arrays', () => {
    const data = Float32Array.from({ length: 24 }, (_, i) => i / 7);
    const back = parseNpy(serializeNpy(data, [2, 3, 4]));
    expect(back.shape).toEqual([2, 3, 4]);
    expect(back.data).toEqual(data);
  });

  it('rejects what it cannot read, saying why', () => {
    expect(() => parseNpy(fixture('numpy_f8_fortran.npy'))).toThrow(/Fortran-order/);
    expect(() => parseNpy(fixture('numpy_i4.npy'))).toThrow(/dtype <i4 is not supported/);
    expect(() => parseNpy(new TextEncoder().encode('hello, world'))).toThrow(NpyError);
    const truncated = fixture('numpy_f8_3x2.npy').slice(0, 150);
    expect(() => parseNpy(truncated)).toThrow(/needs 48/);
  });
});

// A user's dataset or target file: what is read, and that every refusal names the file, the place, the
// value and what is allowed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_COMPONENTS, MAX_DIM, parseSpec, DEFAULT_SPEC } from '../spec/spec.ts';
import { DatasetError, MAX_FILE_BYTES, parseDatasetCsv, parseDatasetFile, parseDatasetNpy, parseTargetFile, parseTargetJson } from './dataset.ts';
import { serializeNpy } from './npy.ts';

// integer and big-endian fixtures written by NumPy 2.4 (np.save, np.savetxt), committed as bytes
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const utf8 = (text: string) => new TextEncoder().encode(text);

/** the message of the DatasetError that `fn` throws (fails the test when it throws nothing or something else) */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DatasetError);
    return (error as Error).message;
  }
  throw new Error('the input was accepted');
}

describe('datasets from .npy', () => {
  it('reads float64 exactly', () => {
    const bytes = serializeNpy(Float64Array.from([0.1, -2, 1 / 3, 1e-300]), [2, 2]);
    expect(parseDatasetNpy(bytes, 'a.npy')).toEqual({ type: 'points', points: [[0.1, -2], [1 / 3, 1e-300]] });
  });
  it('reads float32 as the shortest decimals that are the same float32 values', () => {
    const values = [0.1, -0.7, 3.25, 1e-7, 123456.789, -0];
    const points = parseDatasetNpy(serializeNpy(Float32Array.from(values), [3, 2]), 'a.npy').points;
    expect(points).toEqual([[0.1, -0.7], [3.25, 1e-7], [123456.79, -0]]);
    // the same float32 data, so nothing of the file is lost
    expect(points.flat().map(Math.fround)).toEqual(values.map(Math.fround));
  });
  it('reads NumPy integer arrays (int32, int64, uint8)', () => {
    expect(parseDatasetNpy(fixture('dataset_i4_3x2.npy'), 'i4.npy').points).toEqual([[0, 1], [-2, 3], [4, -5]]);
    expect(parseDatasetNpy(fixture('dataset_i8_2x2.npy'), 'i8.npy').points).toEqual([[7, -8], [2 ** 53, 0]]);
    expect(parseDatasetNpy(fixture('dataset_u1_2x3.npy'), 'u1.npy').points).toEqual([[0, 128, 255], [1, 2, 3]]);
    for (const dtype of ['i1', 'i2', 'u2', 'u4', 'u8']) expect(parseDatasetNpy(fixture(`dataset_${dtype}_2x2.npy`), `${dtype}.npy`).points, dtype).toEqual([[0, 1], [2, 100]]);
  });
  it('takes the limits of the points target: 1 × MAX_DIM and MAX_COMPONENTS × 1', () => {
    expect(parseDatasetNpy(serializeNpy(new Float64Array(MAX_DIM).fill(1), [1, MAX_DIM]), 'a.npy').points[0]).toHaveLength(MAX_DIM);
    expect(parseDatasetNpy(serializeNpy(new Float64Array(MAX_COMPONENTS), [MAX_COMPONENTS, 1]), 'a.npy').points).toHaveLength(MAX_COMPONENTS);
  });
  it('refuses NaN and infinities, naming the row and column', () => {
    const nan = serializeNpy(Float64Array.from([0, 1, 2, NaN]), [2, 2]);
    expect(refusal(() => parseDatasetNpy(nan, 'd.npy'))).toBe("'d.npy': row 1, column 1 (0-based, as NumPy counts): got NaN; allowed: finite numbers");
    const inf = serializeNpy(Float32Array.from([0, -Infinity, 2, 3]), [2, 2]);
    expect(refusal(() => parseDatasetNpy(inf, 'd.npy'))).toBe("'d.npy': row 0, column 1 (0-based, as NumPy counts): got -Infinity; allowed: finite numbers");
  });
  it('refuses too many points and too many dimensions, naming the limit', () => {
    const many = serializeNpy(new Float64Array((MAX_COMPONENTS + 1) * 2), [MAX_COMPONENTS + 1, 2]);
    expect(refusal(() => parseDatasetNpy(many, 'big.npy'))).toMatch(new RegExp(`^'big\\.npy': ${MAX_COMPONENTS + 1} points; allowed: at most ${MAX_COMPONENTS} `));
    const wide = serializeNpy(new Float64Array(MAX_DIM + 1), [1, MAX_DIM + 1]);
    expect(refusal(() => parseDatasetNpy(wide, 'wide.npy'))).toBe(`'wide.npy': points of dimension ${MAX_DIM + 1}; allowed: 1 to ${MAX_DIM} coordinates per point`);
    expect(refusal(() => parseDatasetNpy(serializeNpy(new Float64Array(0), [0, 2]), 'e.npy'))).toBe(`'e.npy': no points; allowed: 1 to ${MAX_COMPONENTS} points`);
  });
  it('refuses arrays that are not (N, d), unsupported dtypes and broken files, saying what is allowed', () => {
    expect(refusal(() => parseDatasetNpy(fixture('numpy_i4.npy'), 'v.npy'))).toBe("'v.npy': shape (4,); allowed: a 2-D array (N, d) of N points in d dimensions (for 1-D data save x.reshape(-1, 1))");
    expect(refusal(() => parseDatasetNpy(serializeNpy(new Float64Array(8), [2, 2, 2]), 'c.npy'))).toMatch(/^'c\.npy': shape \(2, 2, 2\); allowed: a 2-D array \(N, d\)/);
    expect(refusal(() => parseDatasetNpy(fixture('dataset_f8_be.npy'), 'be.npy'))).toMatch(/^'be\.npy': dtype >f8 is not supported \(big-endian.*\(allowed: little-endian float32, float64, int8, uint8, .*uint64\)$/);
    expect(refusal(() => parseDatasetNpy(fixture('numpy_f8_fortran.npy'), 'f.npy'))).toMatch(/^'f\.npy': Fortran-order arrays are not supported/);
    expect(refusal(() => parseDatasetNpy(utf8('x,y\n1,2\n'), 'wrong.npy'))).toMatch(/^'wrong\.npy': not a \.npy file/);
  });
});

describe('datasets from CSV', () => {
  it('reads numeric columns without a header', () => {
    expect(parseDatasetCsv('0.5,-1\n2e-3, 4 \n-.25,+3.\n', 'a.csv')).toEqual({ type: 'points', points: [[0.5, -1], [0.002, 4], [-0.25, 3]] });
  });
  it('reads a header line, quoted fields, CRLF, a BOM and blank lines', () => {
    expect(parseDatasetCsv('\uFEFF"x","y"\r\n1,2\r\n\r\n"3",4\r\n', 'a.csv').points).toEqual([[1, 2], [3, 4]]);
  });
  it("reads NumPy's savetxt output (a # header line, full-precision exponents)", () => {
    expect(parseDatasetFile('saved.csv', fixture('dataset_savetxt.csv')).points).toEqual([[0.5, -1.25], [1e-3, 2], [3, -4.5]]);
  });
  it('reads one-dimensional data', () => {
    expect(parseDatasetCsv('value\n1\n-2\n', 'a.csv').points).toEqual([[1], [-2]]);
  });
  it('refuses ragged rows, naming the line and the expected width', () => {
    expect(refusal(() => parseDatasetCsv('1,2\n3,4\n5,6,7\n', 'r.csv'))).toBe("'r.csv': line 3: 3 columns; expected 2 like line 1 (every point needs the same dimension)");
    expect(refusal(() => parseDatasetCsv('x,y\n1,2\n3\n', 'r.csv'))).toBe("'r.csv': line 3: 1 columns; expected 2 like the header (line 1) (every point needs the same dimension)");
  });
  it('refuses NaN, infinities and overflow, naming the line, column and value', () => {
    expect(refusal(() => parseDatasetCsv('1,2\n3,NaN\n', 'n.csv'))).toBe('\'n.csv\': line 2, column 2: got "NaN"; allowed: finite numbers');
    expect(refusal(() => parseDatasetCsv('x,y\n-inf,2\n', 'n.csv'))).toBe('\'n.csv\': line 2, column 1: got "-inf"; allowed: finite numbers');
    expect(refusal(() => parseDatasetCsv('1,1e999\n', 'n.csv'))).toBe('\'n.csv\': line 1, column 2: got "1e999", which overflows to Infinity; allowed: finite numbers');
    // a line of only NaNs is data, not a header
    expect(refusal(() => parseDatasetCsv('nan,nan\n', 'n.csv'))).toMatch(/line 1, column 1: got "nan"; allowed: finite numbers/);
  });
  it('refuses text and empty fields, naming the line, column and value', () => {
    expect(refusal(() => parseDatasetCsv('1,2\n3,abc\n', 't.csv'))).toBe('\'t.csv\': line 2, column 2: got "abc"; allowed: a number like 0.5, -2 or 1e-3 (columns are separated by commas)');
    expect(refusal(() => parseDatasetCsv('1;2\n', 't.csv'))).toMatch(/line 1, column 1: got "1;2"; allowed: a number .*separated by commas/);
    expect(refusal(() => parseDatasetCsv('1,,2\n', 't.csv'))).toBe("'t.csv': line 1, column 2: empty; allowed: a number (columns are separated by commas)");
  });
  it('refuses too many points and dimensions, and files without data, naming the limit', () => {
    const rows = Array.from({ length: MAX_COMPONENTS + 1 }, (_, i) => `${i},0`).join('\n');
    expect(refusal(() => parseDatasetCsv(rows, 'big.csv'))).toMatch(new RegExp(`^'big\\.csv': ${MAX_COMPONENTS + 1} points; allowed: at most ${MAX_COMPONENTS} `));
    expect(parseDatasetCsv(rows.split('\n').slice(1).join('\n'), 'ok.csv').points).toHaveLength(MAX_COMPONENTS);
    const wide = Array.from({ length: MAX_DIM + 1 }, () => '1').join(',');
    expect(refusal(() => parseDatasetCsv(wide, 'wide.csv'))).toBe(`'wide.csv': points of dimension ${MAX_DIM + 1}; allowed: 1 to ${MAX_DIM} coordinates per point`);
    expect(refusal(() => parseDatasetCsv('x,y\n', 'h.csv'))).toBe(`'h.csv': no points; allowed: 1 to ${MAX_COMPONENTS} points`);
    expect(refusal(() => parseDatasetCsv('', 'e.csv'))).toBe(`'e.csv': no points; allowed: 1 to ${MAX_COMPONENTS} points`);
  });
});

describe('target files by name', () => {
  const gmm = { type: 'gmm', weights: [1, 3], means: [[0, 0], [1, 1]], covs: [[[0.1, 0], [0, 0.1]], [[0.2, 0.05], [0.05, 0.2]]] };
  it('reads a JSON target (gmm, points, preset) through the spec schema', () => {
    expect(parseTargetFile('mix.json', utf8(JSON.stringify(gmm)))).toEqual(gmm);
    expect(parseTargetJson('{"type":"points","points":[[1,2],[3,4]]}', 'p.json')).toEqual({ type: 'points', points: [[1, 2], [3, 4]] });
    expect(parseTargetJson('{"type":"preset","name":"grid25"}', 'p.json')).toEqual({ type: 'preset', name: 'grid25' });
    // and the result is a target the spec takes
    expect(parseSpec({ ...DEFAULT_SPEC, target: parseTargetJson(JSON.stringify(gmm), 'mix.json') }).target).toEqual(gmm);
  });
  it('refuses invalid targets, naming the field, the value and what is allowed', () => {
    expect(refusal(() => parseTargetJson(JSON.stringify({ ...gmm, weights: [1, -3] }), 'mix.json'))).toMatch(/^'mix\.json' is not a valid target: target\.weights\.1: got -3; .*>\s*0/);
    expect(refusal(() => parseTargetJson(JSON.stringify({ ...gmm, covs: [gmm.covs[0], [[1, 0], [0, -1]]] }), 'mix.json'))).toMatch(/target\.covs\.1: got \[\[1,0\],\[0,-1\]\]; must be positive semi-definite/);
    expect(refusal(() => parseTargetJson('{"type":"cloud"}', 'c.json'))).toMatch(/^'c\.json' is not a valid target: target\.type: got "cloud"/);
    expect(refusal(() => parseTargetJson('{"type":"points","points":[[0,0],[1,2,3]]}', 'p.json'))).toMatch(/target\.points\.1: got \[1,2,3\]; has dimension 3, expected 2/);
    expect(refusal(() => parseTargetJson('{"type": "gmm",', 'bad.json'))).toMatch(/^'bad\.json' is not valid JSON: /);
    expect(refusal(() => parseTargetJson(JSON.stringify({ ...DEFAULT_SPEC }), 'spec.json'))).toMatch(/^'spec\.json' is a whole spec; allowed: a target object/);
  });
  it('chooses the parser by extension (any case) and refuses other files', () => {
    expect(parseTargetFile('DATA.CSV', utf8('1,2\n')).type).toBe('points');
    expect(parseTargetFile('data.npy', serializeNpy(Float64Array.from([1, 2]), [1, 2]))).toEqual({ type: 'points', points: [[1, 2]] });
    expect(refusal(() => parseTargetFile('data.txt', utf8('1,2')))).toBe("'data.txt': unsupported file type '.txt'; allowed: .json, .npy, .csv");
    expect(refusal(() => parseDatasetFile('target.json', utf8('{}')))).toBe("'target.json': unsupported file type '.json'; allowed: .npy, .csv");
    expect(refusal(() => parseTargetFile('data.csv', Uint8Array.from([0x31, 0x2c, 0xff])))).toBe("'data.csv': not UTF-8 text");
    expect(refusal(() => parseTargetFile('huge.csv', new Uint8Array(MAX_FILE_BYTES + 1)))).toMatch(new RegExp(`^'huge\\.csv': ${MAX_FILE_BYTES + 1} bytes; allowed: at most ${MAX_FILE_BYTES} `));
  });
});

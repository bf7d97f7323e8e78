// A user's own target from a file (issue #3). A dataset of points (.npy or .csv) becomes the `points` target,
// whose exact denoiser memorises (specs §15.3); a JSON file holds any target object (preset, gmm, points),
// validated by the spec's own schema. One parser for the CLI (--points, --target) and the page's upload.
// Pure TypeScript over bytes; no file system, no DOM. Every error names the file, where in it (row and
// column, or the field), the value found and what is allowed.

import { MAX_COMPONENTS, MAX_DIM, SpecError, parseTarget, type SampleSpec } from '../spec/spec.ts';
import { NpyError, parseNpyNumbers } from './npy.ts';

export type Target = SampleSpec['target'];
export type PointsTarget = Extract<Target, { type: 'points' }>;

export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}

/** files a dataset comes in */
export const DATASET_EXTENSIONS = ['.npy', '.csv'] as const;
/** files a target comes in: a dataset, or a JSON target object */
export const TARGET_FILE_EXTENSIONS = ['.json', ...DATASET_EXTENSIONS] as const;

/**
 * Refused before parsing: the largest dataset (256 points × 16 coordinates) is a few hundred kB even as
 * verbose CSV, so a bigger file is a wrong file, and reading it would only stall the page.
 */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

/** a value as a message shows it: quoted, and cut when long */
function shown(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot).toLowerCase();
}

/** N points of dimension d against the `points` target's limits (the spec's MAX_COMPONENTS and MAX_DIM) */
function checkSize(file: string, n: number, d: number): void {
  if (n === 0) throw new DatasetError(`'${file}': no points; allowed: 1 to ${MAX_COMPONENTS} points`);
  if (n > MAX_COMPONENTS)
    throw new DatasetError(`'${file}': ${n} points; allowed: at most ${MAX_COMPONENTS} (the exact denoiser sums over every point; subsample the data)`);
  if (d < 1 || d > MAX_DIM) throw new DatasetError(`'${file}': points of dimension ${d}; allowed: 1 to ${MAX_DIM} coordinates per point`);
}

/** Refuses a file over MAX_FILE_BYTES (a page checks a chosen file's size before reading it). */
export function checkFileSize(file: string, byteLength: number): void {
  if (byteLength > MAX_FILE_BYTES)
    throw new DatasetError(`'${file}': ${byteLength} bytes; allowed: at most ${MAX_FILE_BYTES} (${MAX_FILE_BYTES / 1024 / 1024} MiB; a dataset holds at most ${MAX_COMPONENTS} points)`);
}

/**
 * The shortest decimal that reads back as the same float32. A float32 file's values widened to float64
 * print as 0.10000000149011612; the short form is the number the user saved, and keeps the share link short.
 */
function shortestFloat32(x: number): number {
  if (x === 0) return x; // keeps −0
  for (let digits = 1; digits < 10; digits++) {
    const candidate = Number(x.toPrecision(digits));
    if (Math.fround(candidate) === x) return candidate;
  }
  return x;
}

// -------------------------------------------------------------------------------------------------- .npy

/** Points from a .npy file: a 2-D array (N, d) of any float or integer dtype, C order. */
export function parseDatasetNpy(bytes: Uint8Array, file: string): PointsTarget {
  checkFileSize(file, bytes.length);
  let array;
  try {
    array = parseNpyNumbers(bytes);
  } catch (error) {
    if (error instanceof NpyError) throw new DatasetError(`'${file}': ${error.message}`);
    throw error;
  }
  const { shape, data, dtype } = array;
  if (shape.length !== 2)
    throw new DatasetError(`'${file}': shape (${shape.join(', ')}${shape.length === 1 ? ',' : ''}); allowed: a 2-D array (N, d) of N points in d dimensions${shape.length === 1 ? ' (for 1-D data save x.reshape(-1, 1))' : ''}`);
  const [n, d] = shape;
  checkSize(file, n, d);
  const points: number[][] = [];
  for (let i = 0; i < n; i++) {
    const point: number[] = [];
    for (let j = 0; j < d; j++) {
      const value = data[i * d + j];
      if (!Number.isFinite(value)) throw new DatasetError(`'${file}': row ${i}, column ${j} (0-based, as NumPy counts): got ${value}; allowed: finite numbers`);
      point.push(dtype === 'float32' ? shortestFloat32(value) : value);
    }
    points.push(point);
  }
  return { type: 'points', points };
}

// -------------------------------------------------------------------------------------------------- .csv

/** a decimal number as people and NumPy's savetxt write it */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** spellings of non-finite values (NumPy, pandas, R, spreadsheets): a number, but refused as one */
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;
/** a field meant as a number, even a malformed one (`1;2`, `3.4.5`): such a line is data, never a header */
const NUMBER_LIKE = /^[+-]?\.?\d/;

function fieldsOf(line: string): string[] {
  // quotes around a field (a spreadsheet's header "x","y") are not part of it
  return line.split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1').trim());
}

/**
 * Points from CSV text: one point per line, comma-separated numeric columns. The first line is a header
 * when none of its fields starts like a number (`x,y`); lines starting with `#` (NumPy's savetxt header) and blank
 * lines are skipped. Lines are counted from 1, as editors show them.
 */
export function parseDatasetCsv(text: string, file: string): PointsTarget {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const points: number[][] = [];
  /** how many columns every data line must have, and the line that set it */
  let columns: { count: number; from: string } | null = null;
  let sawContent = false;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    const lineNo = index + 1;
    if (line === '' || line.startsWith('#')) continue;
    const fields = fieldsOf(line);
    if (!sawContent) {
      sawContent = true;
      if (!fields.some((f) => NUMBER_LIKE.test(f) || NON_FINITE.test(f))) {
        columns = { count: fields.length, from: `the header (line ${lineNo})` };
        continue;
      }
    }
    if (columns && fields.length !== columns.count)
      throw new DatasetError(`'${file}': line ${lineNo}: ${fields.length} columns; expected ${columns.count} like ${columns.from} (every point needs the same dimension)`);
    columns ??= { count: fields.length, from: `line ${lineNo}` };
    if (fields.length > MAX_DIM) checkSize(file, 1, fields.length);
    const point = fields.map((field, c) => {
      const where = `'${file}': line ${lineNo}, column ${c + 1}`;
      if (field === '') throw new DatasetError(`${where}: empty; allowed: a number (columns are separated by commas)`);
      if (NON_FINITE.test(field)) throw new DatasetError(`${where}: got ${shown(field)}; allowed: finite numbers`);
      if (!NUMBER.test(field)) throw new DatasetError(`${where}: got ${shown(field)}; allowed: a number like 0.5, -2 or 1e-3 (columns are separated by commas)`);
      const value = Number(field);
      if (!Number.isFinite(value)) throw new DatasetError(`${where}: got ${shown(field)}, which overflows to ${value}; allowed: finite numbers`);
      return value;
    });
    points.push(point);
  }
  checkSize(file, points.length, columns?.count ?? 0);
  return { type: 'points', points };
}

// ------------------------------------------------------------------------------------------------- .json

/** A target object (preset, gmm or points) from JSON text, validated by the spec's schema. */
export function parseTargetJson(text: string, file: string): Target {
  let input: unknown;
  try {
    input = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new DatasetError(`'${file}' is not valid JSON: ${(error as Error).message}`);
  }
  if (input !== null && typeof input === 'object' && 'target' in input && 'kind' in input)
    throw new DatasetError(`'${file}' is a whole spec; allowed: a target object such as {"type": "gmm", "weights": …} (the spec's "target" field)`);
  try {
    return parseTarget(input);
  } catch (error) {
    if (error instanceof SpecError) throw new DatasetError(`'${file}' is not a valid target: ${error.problems.join('; ')}`);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------- by name

function decodeText(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DatasetError(`'${file}': not UTF-8 text`);
  }
}

/** A dataset file (.npy or .csv, by its name) as the `points` target. */
export function parseDatasetFile(file: string, bytes: Uint8Array): PointsTarget {
  const ext = extensionOf(file);
  if (ext === '.npy') return parseDatasetNpy(bytes, file);
  if (ext === '.csv') {
    checkFileSize(file, bytes.length);
    return parseDatasetCsv(decodeText(bytes, file), file);
  }
  throw new DatasetError(`'${file}': unsupported file type ${ext ? `'${ext}'` : '(no extension)'}; allowed: ${DATASET_EXTENSIONS.join(', ')}`);
}

/** A target file (.json target object, or a .npy/.csv dataset, by its name). */
export function parseTargetFile(file: string, bytes: Uint8Array): Target {
  const ext = extensionOf(file);
  if (ext === '.json') {
    checkFileSize(file, bytes.length);
    return parseTargetJson(decodeText(bytes, file), file);
  }
  if ((DATASET_EXTENSIONS as readonly string[]).includes(ext)) return parseDatasetFile(file, bytes);
  throw new DatasetError(`'${file}': unsupported file type ${ext ? `'${ext}'` : '(no extension)'}; allowed: ${TARGET_FILE_EXTENSIONS.join(', ')}`);
}

// NumPy .npy files (format versions 1.0–3.0), little-endian float32/float64, C order: the format in which
// arrays cross the CLI boundary (DESIGN §3). Datasets may also be integer arrays (parseNpyNumbers).
// Pure TypeScript over bytes; no file system here.

export interface NpyArray {
  dtype: 'float32' | 'float64';
  shape: number[];
  data: Float32Array | Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export class NpyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NpyError';
  }
}

interface NpyHeader {
  descr: string;
  shape: number[];
  /** values in the array (the product of the shape) */
  count: number;
  dataStart: number;
}

/** The header of a .npy file (magic, version, dict); throws NpyError saying what is wrong. */
function parseHeader(bytes: Uint8Array): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new NpyError('not a .npy file (missing the \\x93NUMPY magic string)');
  const major = bytes[6];
  if (major < 1 || major > 3) throw new NpyError(`unsupported .npy format version ${major}.${bytes[7]} (supported: 1.0, 2.0, 3.0)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  if (headerStart + headerLength > bytes.length) throw new NpyError('truncated .npy header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new NpyError(`malformed .npy header: ${header.trim()}`);
  if (fortran === 'True') throw new NpyError("Fortran-order arrays are not supported: save with np.ascontiguousarray (C order)");
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      if (!/^\d+$/.test(s)) throw new NpyError(`malformed shape (${shapeText}) in .npy header`);
      return Number(s);
    });
  return { descr, shape, count: shape.reduce((a, b) => a * b, 1), dataStart: headerStart + headerLength };
}

/** A copy of the data bytes (Node's Buffer.slice would be a view into a shared pool), after checking their length. */
function dataBytes(bytes: Uint8Array, header: NpyHeader, itemSize: number, dtype: string): Uint8Array<ArrayBuffer> {
  const { shape, count, dataStart } = header;
  if (bytes.length - dataStart !== count * itemSize)
    throw new NpyError(`.npy data has ${bytes.length - dataStart} bytes, but shape (${shape.join(', ')}) of ${dtype} needs ${count * itemSize}`);
  const copy = new Uint8Array(count * itemSize);
  copy.set(bytes.subarray(dataStart, dataStart + count * itemSize));
  return copy;
}

/** Parse a .npy file; throws NpyError saying what is wrong and what is supported. */
export function parseNpy(bytes: Uint8Array): NpyArray {
  const header = parseHeader(bytes);
  const { descr, shape } = header;
  const dtype = descr === '<f4' ? 'float32' : descr === '<f8' ? 'float64' : null;
  if (!dtype) throw new NpyError(`dtype ${descr} is not supported (allowed: little-endian float32 '<f4' or float64 '<f8')`);
  const copy = dataBytes(bytes, header, dtype === 'float32' ? 4 : 8, dtype);
  const data = dtype === 'float32' ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer);
  return { dtype, shape, data };
}

/**
 * The numeric dtypes a dataset file may hold (NumPy's descr → name and bytes per value). Integers are
 * common in hand-made data (np.array([[0, 1], [2, 3]]) is int64); they are read exactly as float64
 * (up to 2^53, far beyond any coordinate a target uses).
 */
const NUMERIC_DTYPES: Record<string, { name: string; size: number; read: (view: DataView, offset: number) => number }> = {
  '<f4': { name: 'float32', size: 4, read: (v, o) => v.getFloat32(o, true) },
  '<f8': { name: 'float64', size: 8, read: (v, o) => v.getFloat64(o, true) },
  '|i1': { name: 'int8', size: 1, read: (v, o) => v.getInt8(o) },
  '|u1': { name: 'uint8', size: 1, read: (v, o) => v.getUint8(o) },
  '<i2': { name: 'int16', size: 2, read: (v, o) => v.getInt16(o, true) },
  '<u2': { name: 'uint16', size: 2, read: (v, o) => v.getUint16(o, true) },
  '<i4': { name: 'int32', size: 4, read: (v, o) => v.getInt32(o, true) },
  '<u4': { name: 'uint32', size: 4, read: (v, o) => v.getUint32(o, true) },
  '<i8': { name: 'int64', size: 8, read: (v, o) => Number(v.getBigInt64(o, true)) },
  '<u8': { name: 'uint64', size: 8, read: (v, o) => Number(v.getBigUint64(o, true)) },
};

export interface NpyNumbers {
  /** the file's dtype by name (float32, float64, int8 … uint64) */
  dtype: string;
  shape: number[];
  /** every value as float64, C order */
  data: Float64Array;
}

/** Parse a .npy file of any little-endian float or integer dtype into float64; throws NpyError naming what is allowed. */
export function parseNpyNumbers(bytes: Uint8Array): NpyNumbers {
  const header = parseHeader(bytes);
  const dtype = NUMERIC_DTYPES[header.descr.replace(/^=/, '<')];
  if (!dtype) {
    const allowed = Object.values(NUMERIC_DTYPES).map((d) => d.name).join(', ');
    const hint = header.descr.startsWith('>') ? ' (big-endian: convert with x.astype(x.dtype.newbyteorder("<")))' : '';
    throw new NpyError(`dtype ${header.descr} is not supported${hint} (allowed: little-endian ${allowed})`);
  }
  const copy = dataBytes(bytes, header, dtype.size, dtype.name);
  const view = new DataView(copy.buffer);
  const data = new Float64Array(header.count);
  for (let i = 0; i < header.count; i++) data[i] = dtype.read(view, i * dtype.size);
  return { dtype: dtype.name, shape: header.shape, data };
}

/** Serialise a C-order little-endian float array as a version 1.0 .npy file. */
export function serializeNpy(data: Float32Array | Float64Array, shape: number[]): Uint8Array<ArrayBuffer> {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new NpyError(`shape (${shape.join(', ')}) holds ${count} values, data has ${data.length}`);
  const descr = data instanceof Float32Array ? '<f4' : '<f8';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // pad with spaces so that the data starts on a 64-byte boundary; the header ends with '\n'
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  // typed arrays are little-endian on every platform WebGPU runs on
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

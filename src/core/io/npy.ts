// NumPy .npy files (format versions 1.0–3.0), little-endian float32/float64, C order: the format in which
// arrays cross the CLI boundary (DESIGN §3). Pure TypeScript over bytes; no file system here.

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

/** Parse a .npy file; throws NpyError saying what is wrong and what is supported. */
export function parseNpy(bytes: Uint8Array): NpyArray {
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
  const dtype = descr === '<f4' ? 'float32' : descr === '<f8' ? 'float64' : null;
  if (!dtype) throw new NpyError(`dtype ${descr} is not supported (allowed: little-endian float32 '<f4' or float64 '<f8')`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      if (!/^\d+$/.test(s)) throw new NpyError(`malformed shape (${shapeText}) in .npy header`);
      return Number(s);
    });
  const count = shape.reduce((a, b) => a * b, 1);
  const itemSize = dtype === 'float32' ? 4 : 8;
  const dataStart = headerStart + headerLength;
  if (bytes.length - dataStart !== count * itemSize)
    throw new NpyError(`.npy data has ${bytes.length - dataStart} bytes, but shape (${shape.join(', ')}) of ${dtype} needs ${count * itemSize}`);
  // copy (Node's Buffer.slice would be a view into a shared pool)
  const copy = new Uint8Array(count * itemSize);
  copy.set(bytes.subarray(dataStart, dataStart + count * itemSize));
  const data = dtype === 'float32' ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer);
  return { dtype, shape, data };
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

// Real-data FFT by the half-length trick (specs/pde.md §9.1), over C-order arrays [rows][n] of f32 with the rows
// an (a, b) grid of the other axes (a = b = 1 in 1D). The real array, read as complex z = x_even + i x_odd, is an
// array [rows][n/2] of vec2<f32>; its complex FFT Z over every axis gives E = FFT(x_even) and O = FFT(x_odd) by
// Hermitian symmetry (E[K, k] = conj(E[−K, −k])), and X[K, k] = E[K, k] + W_n^k O[K, k] for k = 0 … n/2
// (numpy's rfftn layout [rows][n/2 + 1]). The inverse undoes the last step before an inverse complex FFT.
// Twiddles W_T^m come from the float64 table (T = n tw_stride).

struct RealParams {
  /** n/2: the complex row length */
  half: u32,
  /** rows per array: a · b */
  rows: u32,
  a: u32,
  b: u32,
  /** values to write in the whole dispatch */
  count: u32,
  grid_x: u32,
  tw_stride: u32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> p: RealParams;
@group(0) @binding(1) var<storage, read> twiddles: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read> src: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read_write> dst: array<vec2<f32>>;

fn cmul(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}

fn conj(v: vec2<f32>) -> vec2<f32> {
  return vec2<f32>(v.x, -v.y);
}

/** the row at −K (indices negated modulo each axis) of the row at K = (r / b, r % b), in the same array */
fn negated_row(r: u32) -> u32 {
  let i = r / p.b;
  let j = r % p.b;
  return ((p.a - i) % p.a) * p.b + (p.b - j) % p.b;
}

/** forward: Z [batch][rows][n/2] → X [batch][rows][n/2 + 1] */
@compute @workgroup_size(256)
fn r2c_post(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.y * (p.grid_x * 256u) + id.x;
  if (i >= p.count) {
    return;
  }
  let width = p.half + 1u;
  let k = i % width;
  let row = i / width;
  let array_start = (row / p.rows) * p.rows;
  let r = row - array_start;
  let z = src[row * p.half + k % p.half];
  let zm = conj(src[(array_start + negated_row(r)) * p.half + (p.half - k) % p.half]);
  let e = 0.5 * (z + zm);
  let d = 0.5 * (z - zm);
  // O = (Z − conj Z(−K, −k)) / (2i)
  let o = vec2<f32>(d.y, -d.x);
  dst[i] = e + cmul(twiddles[k * p.tw_stride], o);
}

/** inverse: X [batch][rows][n/2 + 1] → Z [batch][rows][n/2], whose inverse complex FFT is x read as complex */
@compute @workgroup_size(256)
fn c2r_pre(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.y * (p.grid_x * 256u) + id.x;
  if (i >= p.count) {
    return;
  }
  let width = p.half + 1u;
  let k = i % p.half;
  let row = i / p.half;
  let array_start = (row / p.rows) * p.rows;
  let r = row - array_start;
  let x = src[row * width + k];
  let xm = conj(src[(array_start + negated_row(r)) * width + p.half - k]);
  let e = 0.5 * (x + xm);
  // O = (X − conj X(−K, n/2 − k)) W_n^{−k} / 2, and Z = E + i O
  let o = cmul(0.5 * (x - xm), conj(twiddles[k * p.tw_stride]));
  dst[i] = e + vec2<f32>(-o.y, o.x);
}

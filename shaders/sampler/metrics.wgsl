// Sample metrics on the GPU (specs/samplers.md §17.3), twin of src/core/metrics/distance.ts.
// Each thread reduces one row of the pairwise matrices in f32 (in chunks of 64 terms, to keep the rounding error
// of long sums small): the multi-bandwidth RBF kernel (MMD²) and the Euclidean distance (energy distance) in the
// same pass. The CPU adds the rows in float64. Only these row sums are read back.

const MAX_BANDWIDTHS: u32 = 8u;
const CHUNK: u32 = 64u;

struct MetricParams {
  x_offset: u32,   // generated samples: register offset in `regs`
  m: u32,          // generated count
  n_ref: u32,      // reference count
  dim: u32,
  bandwidths: u32, // number of RBF bandwidths used
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
  inv_two_b2: array<vec4f, 2>, // 1 / (2 b²) per bandwidth
}

@group(0) @binding(0) var<uniform> params: MetricParams;
@group(0) @binding(1) var<storage, read> regs: array<f32>;
@group(0) @binding(2) var<storage, read> reference: array<f32>;
@group(0) @binding(3) var<storage, read_write> rows: array<f32>;

// Σ_b exp(−d2 / (2 b²)) over the bandwidths, as two vec4 exps against the packed 1/(2b²), unused lanes selected
// away (a select, so even a NaN there cannot leak in). Constant indices only: SwiftShader (the software adapter)
// spent ~30× the rest of the metric on a loop indexing the uniform array dynamically (measured: 2M pairs, 600 ms
// with that loop, 20 ms without any kernel sum, ~70 ms with this form).
fn rbf_sum(d2: f32) -> f32 {
  let lanes = vec4u(0u, 1u, 2u, 3u);
  let used0 = lanes < vec4u(params.bandwidths);
  let used1 = lanes + 4u < vec4u(params.bandwidths);
  let e = select(vec4f(0.0), exp(-d2 * params.inv_two_b2[0]), used0) + select(vec4f(0.0), exp(-d2 * params.inv_two_b2[1]), used1);
  return e.x + e.y + e.z + e.w;
}

fn gen_point(i: u32, c: u32) -> f32 {
  return regs[params.x_offset + i * params.dim + c];
}

fn ref_point(i: u32, c: u32) -> f32 {
  return reference[i * params.dim + c];
}

// The pair terms (k(a, b), ‖a − b‖) of squared distance d2; zero for the left-out diagonal pair
fn pair_terms(d2: f32, diagonal: bool) -> vec2f {
  return select(vec2f(rbf_sum(d2), sqrt(d2)), vec2f(0.0), diagonal);
}

// point i of the generated set (from_reference = false) or of the reference set
fn point(from_reference: bool, i: u32, c: u32) -> f32 {
  if (from_reference) {
    return ref_point(i, c);
  }
  return gen_point(i, c);
}

// Σ_j pair_terms(a_i, b_j) over the `count` points of set b, leaving out j = i when `skip_diagonal`, in chunks of
// CHUNK terms (a nested loop rather than a flush test per term)
fn pair_row_sums(a_is_reference: bool, i: u32, b_is_reference: bool, count: u32, skip_diagonal: bool) -> vec2f {
  var total = vec2f(0.0);
  for (var j0 = 0u; j0 < count; j0 += CHUNK) {
    var chunk = vec2f(0.0);
    for (var j = j0; j < min(j0 + CHUNK, count); j++) {
      var d2 = 0.0;
      for (var c = 0u; c < params.dim; c++) {
        let diff = point(a_is_reference, i, c) - point(b_is_reference, j, c);
        d2 += diff * diff;
      }
      chunk += pair_terms(d2, skip_diagonal && j == i);
    }
    total += chunk;
  }
  return total;
}

// rows[4i..4i+3] = Σ_{j≠i} k(x_i, x_j), Σ_j k(x_i, y_j), Σ_{j≠i} ‖x_i − x_j‖, Σ_j ‖x_i − y_j‖ for generated i < m
@compute @workgroup_size(64)
fn mmd_generated_rows(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= params.m) {
    return;
  }
  let xx = pair_row_sums(false, i, false, params.m, true);
  let xy = pair_row_sums(false, i, true, params.n_ref, false);
  rows[4u * i] = xx.x;
  rows[4u * i + 1u] = xy.x;
  rows[4u * i + 2u] = xx.y;
  rows[4u * i + 3u] = xy.y;
}

// rows[2i], rows[2i+1] = Σ_{j≠i} k(y_i, y_j), Σ_{j≠i} ‖y_i − y_j‖ for reference points (once per reference set)
@compute @workgroup_size(64)
fn mmd_reference_rows(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= params.n_ref) {
    return;
  }
  let yy = pair_row_sums(true, i, true, params.n_ref, true);
  rows[2u * i] = yy.x;
  rows[2u * i + 1u] = yy.y;
}

// rows[i] = ‖x_i − x*_i‖², x* the same-noise reference solution (stored in `reference`)
@compute @workgroup_size(64)
fn squared_error_rows(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= params.m) {
    return;
  }
  var s = 0.0;
  for (var c = 0u; c < params.dim; c++) {
    let diff = gen_point(i, c) - ref_point(i, c);
    s += diff * diff;
  }
  rows[i] = s;
}

// ---- dim ≤ 4: four rows per thread ---------------------------------------------------------------------------
// The same row sums for low-dimensional targets (the 2D presets), each thread taking four consecutive points i:
// every point j is loaded once for four pairs and the loop runs a quarter as often. Points are vec4 (coordinates
// past dim are 0, so they add nothing to the distance).

fn padded4(v: vec4f) -> vec4f {
  return select(vec4f(0.0), v, vec4u(0u, 1u, 2u, 3u) < vec4u(params.dim));
}

fn gen4(i: u32) -> vec4f {
  let b = params.x_offset + i * params.dim;
  return padded4(vec4f(regs[b], regs[b + 1u], regs[b + 2u], regs[b + 3u]));
}

fn ref4(i: u32) -> vec4f {
  let b = i * params.dim;
  return padded4(vec4f(reference[b], reference[b + 1u], reference[b + 2u], reference[b + 3u]));
}

fn terms4(a: vec4f, b: vec4f, diagonal: bool) -> vec2f {
  let diff = a - b;
  return pair_terms(dot(diff, diff), diagonal);
}

/** four rows' (kernel, distance) sums */
struct Rows4 {
  r0: vec2f,
  r1: vec2f,
  r2: vec2f,
  r3: vec2f,
}

// points first … first + 3 against the generated (b_is_reference = false; leaving out j = i) or reference points
fn rows4(first: u32, b_is_reference: bool, count: u32) -> Rows4 {
  let a0 = gen4(first);
  let a1 = gen4(first + 1u);
  let a2 = gen4(first + 2u);
  let a3 = gen4(first + 3u);
  let skip = !b_is_reference;
  var total = Rows4(vec2f(0.0), vec2f(0.0), vec2f(0.0), vec2f(0.0));
  for (var j0 = 0u; j0 < count; j0 += CHUNK) {
    var chunk = Rows4(vec2f(0.0), vec2f(0.0), vec2f(0.0), vec2f(0.0));
    for (var j = j0; j < min(j0 + CHUNK, count); j++) {
      var b: vec4f;
      if (b_is_reference) {
        b = ref4(j);
      } else {
        b = gen4(j);
      }
      chunk.r0 += terms4(a0, b, skip && j == first);
      chunk.r1 += terms4(a1, b, skip && j == first + 1u);
      chunk.r2 += terms4(a2, b, skip && j == first + 2u);
      chunk.r3 += terms4(a3, b, skip && j == first + 3u);
    }
    total = Rows4(total.r0 + chunk.r0, total.r1 + chunk.r1, total.r2 + chunk.r2, total.r3 + chunk.r3);
  }
  return total;
}

fn write_generated_row(i: u32, xx: vec2f, xy: vec2f) {
  if (i < params.m) {
    rows[4u * i] = xx.x;
    rows[4u * i + 1u] = xy.x;
    rows[4u * i + 2u] = xx.y;
    rows[4u * i + 3u] = xy.y;
  }
}

// mmd_generated_rows for dim ≤ 4, thread g taking the points 4g … 4g + 3 (rows past m are not written: what their
// reads return, robust access keeps in bounds, is discarded)
@compute @workgroup_size(64)
fn mmd_generated_rows_small(@builtin(global_invocation_id) gid: vec3u) {
  let first = gid.x * 4u;
  if (first >= params.m) {
    return;
  }
  let xx = rows4(first, false, params.m);
  let xy = rows4(first, true, params.n_ref);
  write_generated_row(first, xx.r0, xy.r0);
  write_generated_row(first + 1u, xx.r1, xy.r1);
  write_generated_row(first + 2u, xx.r2, xy.r2);
  write_generated_row(first + 3u, xx.r3, xy.r3);
}

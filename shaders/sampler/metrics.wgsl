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

fn rbf_sum(d2: f32) -> f32 {
  var s = 0.0;
  for (var b = 0u; b < params.bandwidths; b++) {
    s += exp(-d2 * params.inv_two_b2[b / 4u][b % 4u]);
  }
  return s;
}

fn gen_point(i: u32, c: u32) -> f32 {
  return regs[params.x_offset + i * params.dim + c];
}

fn ref_point(i: u32, c: u32) -> f32 {
  return reference[i * params.dim + c];
}

// point i of the generated set (from_reference = false) or of the reference set
fn point(from_reference: bool, i: u32, c: u32) -> f32 {
  if (from_reference) {
    return ref_point(i, c);
  }
  return gen_point(i, c);
}

// (Σ_j k(a_i, b_j), Σ_j ‖a_i − b_j‖) over the `count` points of set b, leaving out j = i when `skip_diagonal`
fn pair_row_sums(a_is_reference: bool, i: u32, b_is_reference: bool, count: u32, skip_diagonal: bool) -> vec2f {
  var total = vec2f(0.0);
  var chunk = vec2f(0.0);
  for (var j = 0u; j < count; j++) {
    if (!(skip_diagonal && j == i)) {
      var d2 = 0.0;
      for (var c = 0u; c < params.dim; c++) {
        let diff = point(a_is_reference, i, c) - point(b_is_reference, j, c);
        d2 += diff * diff;
      }
      chunk += vec2f(rbf_sum(d2), sqrt(d2));
    }
    if (j % CHUNK == CHUNK - 1u) {
      total += chunk;
      chunk = vec2f(0.0);
    }
  }
  return total + chunk;
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

// Sample metrics on the GPU (specs/samplers.md §17.3), twin of src/core/metrics/distance.ts.
// Each thread reduces one row of the pairwise matrices in f32 (in chunks of 64 terms, to keep the rounding error
// of long sums small): the multi-bandwidth RBF kernel (MMD²) and the Euclidean distance (energy distance) in the
// same pass. The CPU adds the rows in float64. Only these row sums are read back. On SwiftShader (the CI machine's
// adapter) the 2D pass at m = n_ref = 4096 went from 616 to ~210 ms with the runs of halvings in rbf_sum, loading
// only POINT_DIM coordinates and the half rows of half_row_sums4; it runs once per live run of every configuration.

const CHUNK: u32 = 64u;

struct MetricParams {
  x_offset: u32,        // generated samples: register offset in `regs`
  m: u32,               // generated count
  n_ref: u32,           // reference count
  dim: u32,
  chain_length: vec2u,  // bandwidths in each of the two runs of halvings (0: the run is unused)
  chain_base: vec2f,    // 1 / (2 b²) of each run's widest bandwidth b (core/metrics/distance.ts bandwidthChains)
}

@group(0) @binding(0) var<uniform> params: MetricParams;
@group(0) @binding(1) var<storage, read> regs: array<f32>;
@group(0) @binding(2) var<storage, read> reference: array<f32>;
@group(0) @binding(3) var<storage, read_write> rows: array<f32>;

// Σ_b exp(−d2 / (2 b²)) over the bandwidths, which come as (at most) two runs b, b/2, b/4 of halvings: with
// e = exp(−d2 / (2 b²)) the run's terms are e, e⁴, e¹⁶, so a pair costs two exps and four squarings instead of one
// exp per bandwidth. SwiftShader (the software adapter) spends most of this pass in exp: with the six direct exps the
// pass took 662 ms for m = n_ref = 4096 in 2D, with the runs 374 ms. Unused terms are selected away (a select, so
// even a NaN there cannot leak in); constant indices only (a loop indexing the uniform dynamically cost ~30× on
// SwiftShader).
fn rbf_sum(d2: f32) -> f32 {
  let e1 = exp(-d2 * params.chain_base);
  let e2 = e1 * e1;
  let e4 = e2 * e2;
  let e8 = e4 * e4;
  let e16 = e8 * e8;
  let len = params.chain_length;
  let e = select(vec2f(0.0), e1, len >= vec2u(1u)) + select(vec2f(0.0), e4, len >= vec2u(2u)) + select(vec2f(0.0), e16, len >= vec2u(3u));
  return e.x + e.y;
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
// past dim are 0, so they add nothing to the distance). POINT_DIM = params.dim, fixed per pipeline so that only
// the point's own coordinates are loaded: on SwiftShader every load of a point j is a four-lane gather, and in 2D
// loading 2 coordinates instead of 4 saved ~11% of the pass's CPU time.
override POINT_DIM: u32 = 4u;

fn gen4(i: u32) -> vec4f {
  let b = params.x_offset + i * POINT_DIM;
  var v = vec4f(regs[b], select(0.0, regs[b + 1u], POINT_DIM > 1u), 0.0, 0.0);
  if (POINT_DIM > 2u) {
    v.z = regs[b + 2u];
  }
  if (POINT_DIM > 3u) {
    v.w = regs[b + 3u];
  }
  return v;
}

fn ref4(i: u32) -> vec4f {
  let b = i * POINT_DIM;
  var v = vec4f(reference[b], select(0.0, reference[b + 1u], POINT_DIM > 1u), 0.0, 0.0);
  if (POINT_DIM > 2u) {
    v.z = reference[b + 2u];
  }
  if (POINT_DIM > 3u) {
    v.w = reference[b + 3u];
  }
  return v;
}

fn terms4(a: vec4f, b: vec4f) -> vec2f {
  let diff = a - b;
  let d2 = dot(diff, diff);
  return vec2f(rbf_sum(d2), sqrt(d2));
}

/** four rows' (kernel, distance) sums */
struct Rows4 {
  r0: vec2f,
  r1: vec2f,
  r2: vec2f,
  r3: vec2f,
}

// points first … first + 3 against the reference points
fn rows4_reference(first: u32) -> Rows4 {
  let a0 = gen4(first);
  let a1 = gen4(first + 1u);
  let a2 = gen4(first + 2u);
  let a3 = gen4(first + 3u);
  var total = Rows4(vec2f(0.0), vec2f(0.0), vec2f(0.0), vec2f(0.0));
  for (var j0 = 0u; j0 < params.n_ref; j0 += CHUNK) {
    var chunk = Rows4(vec2f(0.0), vec2f(0.0), vec2f(0.0), vec2f(0.0));
    for (var j = j0; j < min(j0 + CHUNK, params.n_ref); j++) {
      let b = ref4(j);
      chunk.r0 += terms4(a0, b);
      chunk.r1 += terms4(a1, b);
      chunk.r2 += terms4(a2, b);
      chunk.r3 += terms4(a3, b);
    }
    total = Rows4(total.r0 + chunk.r0, total.r1 + chunk.r1, total.r2 + chunk.r2, total.r3 + chunk.r3);
  }
  return total;
}

// The pair terms of a and the generated point at cyclic offset o from it, weighted for half_row_sums4: o in
// 1 … h = ⌊m/2⌋ counts (o − 1 < h in u32: an offset below 1 wraps past h), with weight ½ at o = m/2 for even m
fn half_row_terms4(a: vec4f, b: vec4f, o: u32, h: u32, even: bool) -> vec2f {
  let diff = a - b;
  let d2 = dot(diff, diff);
  let weight = select(1.0, 0.5, even && o == h);
  return select(vec2f(0.0), vec2f(rbf_sum(d2), sqrt(d2)) * weight, o - 1u < h);
}

// Points first … first + 3 against the generated points at cyclic offsets 1 … ⌊m/2⌋ (point i + o mod m). Every
// unordered pair {i, j} is met exactly once (for even m the pairs at offset m/2 are met from both ends, so they
// weigh ½), so the sum over all rows is Σ_{i<j}: half of Σ_{i≠j}, with half the pair evaluations of full rows.
// Thread's rows first + q take offset o = t − q at step t = 1 … h + 3.
fn half_row_sums4(first: u32) -> Rows4 {
  let m = params.m;
  let h = m / 2u;
  let even = (m & 1u) == 0u;
  let a0 = gen4(first);
  let a1 = gen4(first + 1u);
  let a2 = gen4(first + 2u);
  let a3 = gen4(first + 3u);
  var total = Rows4(vec2f(0.0), vec2f(0.0), vec2f(0.0), vec2f(0.0));
  for (var t0 = 1u; t0 <= h + 3u; t0 += CHUNK) {
    var chunk = Rows4(vec2f(0.0), vec2f(0.0), vec2f(0.0), vec2f(0.0));
    for (var t = t0; t < min(t0 + CHUNK, h + 4u); t++) {
      // first + t < 2m wherever a row counts (row i < m, offset ≤ m/2): one conditional subtraction wraps it
      let j = first + t;
      let b = gen4(select(j, j - m, j >= m));
      chunk.r0 += half_row_terms4(a0, b, t, h, even);
      chunk.r1 += half_row_terms4(a1, b, t - 1u, h, even);
      chunk.r2 += half_row_terms4(a2, b, t - 2u, h, even);
      chunk.r3 += half_row_terms4(a3, b, t - 3u, h, even);
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

// mmd_generated_rows for dim ≤ 4, thread g taking the points 4g … 4g + 3, except that rows[4i] and rows[4i + 2] are
// half-row sums (half_row_sums4: their total is Σ_{i<j}, which the CPU doubles). Rows past m are not written: what
// their reads return, robust access keeps in bounds, is discarded.
@compute @workgroup_size(64)
fn mmd_generated_rows_small(@builtin(global_invocation_id) gid: vec3u) {
  let first = gid.x * 4u;
  if (first >= params.m) {
    return;
  }
  let xx = half_row_sums4(first);
  let xy = rows4_reference(first);
  write_generated_row(first, xx.r0, xy.r0);
  write_generated_row(first + 1u, xx.r1, xy.r1);
  write_generated_row(first + 2u, xx.r2, xy.r2);
  write_generated_row(first + 3u, xx.r3, xy.r3);
}

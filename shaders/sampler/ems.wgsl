// DPM-Solver-v3's empirical model statistics on the GPU (specs §6.2–6.3; float64 twin: src/core/sampling/ems.ts
// computeEms) for Gaussian mixtures with DIAGONAL covariances (glyphs16 and any diagonal mixture, specs §15.1), with
// x_λ = α x0 + σ z, c_{k,i} = α² s²_{k,i} + σ², a_{k,i} = (x_i − α μ_{k,i})/c_{k,i}, w = softmax_k(log w̃), ā = Σ w_k a_k.
//
// The float64 path's formulas cancel catastrophically in float32 at high noise (α → 0): σε̂ ≈ x and l ≈ 1 there, and
// f = (σε̂ − l x)/α divides their difference by α. So this path computes the same quantities in forms without the
// cancellation (x = αD + σε̂ and 1 = d log α/dλ − d log σ/dλ give them exactly):
//   phase 1, per λ_j:  1 − l_{j,i} = (1/K) Σ_p [ Σ_k w_k α² s²_{k,i}/c_{k,i} + σ² Σ_k w_k (a_{k,i} − ā_i)² ]   (both terms ≥ 0)
//   phase 2, per λ_j:  D at x and at x ± δ·dx/dλ, dx/dλ = (d log σ/dλ)·x + α D (the probability-flow ODE in λ), then
//                      f = −D + (1 − l)·x/α,   f⁽¹⁾ = −D⁽¹⁾ − (dl/dλ)·x/α − (1 − l)(x/α − D)
//                      and the per-dimension sums Σf, Σf⁽¹⁾, Σ(f − f̄)(f⁽¹⁾ − f̄⁽¹⁾), Σ(f − f̄)², Σ(|D| + |(1 − l)x/α|)²
// Everything stays on the GPU; the host reads the sums back once per phase. The log normalisers
// log π_k − ½ Σ_i log c_{k,i} are computed per evaluation in float64 on the host (as for gmm_diag.wgsl).
// Work buffer sections (floats): X, XS, D, DP, DM, T0, T1, T2 (K·d each), then LW (K·C: log w̃, then w after ems_softmax).

struct EmsParams {
  K: u32,
  d: u32,
  C: u32,
  /** the λ index j */
  j: u32,
  /** α, σ of the evaluation this dispatch does (at λ_j, or at λ_j ± δ) */
  alpha: f32,
  sigma: f32,
  /** α, σ at λ_j */
  alpha0: f32,
  sigma0: f32,
  /** d log σ/dλ at λ_j (= d log α/dλ − 1, in float64 on the host) */
  d_log_sigma: f32,
  delta: f32,
  sign: f32,
  _pad0: f32,
  /** work sections: read by ems_log_weights, ems_l_terms, ems_denoise; written by ems_l_terms, ems_denoise, summed by ems_reduce */
  src: u32,
  dst: u32,
  /** where this evaluation's C log normalisers start in `tables` */
  norm_offset: u32,
  /** the output slot of ems_reduce: 0 l, 1 Σf, 2 Σf⁽¹⁾, 3 Σ df·df⁽¹⁾, 4 Σ df², 5 Σ terms² */
  slot: u32,
  /** N_ems + 1 */
  rows: u32,
  /** where 1 − l and dl/dλ start in `tables` (phase 2) */
  l_offset: u32,
  dl_offset: u32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> P: EmsParams;
@group(0) @binding(1) var<storage, read> mixture: array<f32>;
@group(0) @binding(2) var<storage, read> data: array<f32>;
@group(0) @binding(3) var<storage, read> tables: array<f32>;
@group(0) @binding(4) var<storage, read_write> work: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;

fn section(s: u32) -> u32 {
  return s * P.K * P.d;
}

fn lw_base() -> u32 {
  return 8u * P.K * P.d;
}

/** w_k of point p (after ems_softmax) */
fn weight(p: u32, k: u32) -> f32 {
  return work[lw_base() + p * P.C + k];
}

/** μ_{k,i} and s²_{k,i} of the mixture */
fn mean_of(k: u32, i: u32) -> f32 {
  return mixture[k * P.d + i];
}

fn variance_of(k: u32, i: u32) -> f32 {
  return mixture[P.C * P.d + k * P.d + i];
}

/** X = α x0 + σ z (data = [x0, z]) */
@compute @workgroup_size(64)
fn ems_x(@builtin(global_invocation_id) gid: vec3u) {
  let q = gid.x;
  let size = P.K * P.d;
  if (q >= size) {
    return;
  }
  work[q] = P.alpha0 * data[q] + P.sigma0 * data[size + q];
}

/** log w̃[p, k] at the points in section `src`, one thread per (p, k); chunked sums as in gmm_diag.wgsl */
@compute @workgroup_size(64)
fn ems_log_weights(@builtin(global_invocation_id) gid: vec3u) {
  let index = gid.x;
  if (index >= P.K * P.C) {
    return;
  }
  let p = index / P.C;
  let k = index % P.C;
  let d = P.d;
  let a = P.alpha;
  let s2 = P.sigma * P.sigma;
  let x = P.src + p * d;
  var quad = 0.0;
  var chunk = 0.0;
  for (var i = 0u; i < d; i++) {
    let r = work[x + i] - a * mean_of(k, i);
    chunk += r * r / (a * a * variance_of(k, i) + s2);
    if (i % 16u == 15u) {
      quad += chunk;
      chunk = 0.0;
    }
  }
  quad += chunk;
  work[lw_base() + index] = tables[P.norm_offset + k] - 0.5 * quad;
}

/** LW[p, ·] ← softmax_k(log w̃[p, ·]) in place, one thread per point: the coordinate kernels then read w_k directly */
@compute @workgroup_size(64)
fn ems_softmax(@builtin(global_invocation_id) gid: vec3u) {
  let p = gid.x;
  if (p >= P.K) {
    return;
  }
  let base = lw_base() + p * P.C;
  var top = work[base];
  for (var k = 1u; k < P.C; k++) {
    top = max(top, work[base + k]);
  }
  var total = 0.0;
  for (var k = 0u; k < P.C; k++) {
    let e = exp(work[base + k] - top);
    work[base + k] = e;
    total += e;
  }
  for (var k = 0u; k < P.C; k++) {
    work[base + k] = work[base + k] / total;
  }
}

/** per (p, i): Σ_k w_k α² s²_{k,i}/c_{k,i} + σ² Σ_k w_k (a_{k,i} − ā_i)², the point's share of 1 − l, into `dst` */
@compute @workgroup_size(64)
fn ems_l_terms(@builtin(global_invocation_id) gid: vec3u) {
  let q = gid.x;
  if (q >= P.K * P.d) {
    return;
  }
  let p = q / P.d;
  let i = q % P.d;
  let a = P.alpha;
  let s2 = P.sigma * P.sigma;
  let x = work[P.src + q];
  var bar = 0.0;
  for (var k = 0u; k < P.C; k++) {
    bar += weight(p, k) * (x - a * mean_of(k, i)) / (a * a * variance_of(k, i) + s2);
  }
  var shrink = 0.0;
  var spread = 0.0;
  for (var k = 0u; k < P.C; k++) {
    let v = a * a * variance_of(k, i);
    let c = v + s2;
    let dev = (x - a * mean_of(k, i)) / c - bar;
    shrink += weight(p, k) * v / c;
    spread += weight(p, k) * dev * dev;
  }
  work[P.dst + q] = shrink + s2 * spread;
}

/** D_i = Σ_k w_k (μ_{k,i} + α s²_{k,i} (x_i − α μ_{k,i})/c_{k,i}) at the points in `src`, into `dst` */
@compute @workgroup_size(64)
fn ems_denoise(@builtin(global_invocation_id) gid: vec3u) {
  let q = gid.x;
  if (q >= P.K * P.d) {
    return;
  }
  let p = q / P.d;
  let i = q % P.d;
  let a = P.alpha;
  let s2 = P.sigma * P.sigma;
  let x = work[P.src + q];
  var value = 0.0;
  for (var k = 0u; k < P.C; k++) {
    let mu = mean_of(k, i);
    let v = variance_of(k, i);
    value += weight(p, k) * (mu + a * v * (x - a * mu) / (a * a * v + s2));
  }
  work[P.dst + q] = value;
}

/** XS = X ± δ·dx/dλ with dx/dλ = (d log σ/dλ)·x + α D (the probability-flow ODE in λ, D from section 2) */
@compute @workgroup_size(64)
fn ems_shift(@builtin(global_invocation_id) gid: vec3u) {
  let q = gid.x;
  if (q >= P.K * P.d) {
    return;
  }
  let x = work[section(0u) + q];
  work[section(1u) + q] = x + P.sign * P.delta * (P.d_log_sigma * x + P.alpha0 * work[section(2u) + q]);
}

/** f = −D + (1 − l)x/α → T0, f⁽¹⁾ = −D⁽¹⁾ − (dl/dλ)x/α − (1 − l)(x/α − D) → T1, (|D| + |(1 − l)x/α|)² → T2 */
@compute @workgroup_size(64)
fn ems_f(@builtin(global_invocation_id) gid: vec3u) {
  let q = gid.x;
  if (q >= P.K * P.d) {
    return;
  }
  let i = q % P.d;
  let one_minus_l = tables[P.l_offset + P.j * P.d + i];
  let dl = tables[P.dl_offset + P.j * P.d + i];
  let scaled = work[section(0u) + q] / P.alpha0;
  let den = work[section(2u) + q];
  let d1 = (work[section(3u) + q] - work[section(4u) + q]) / (2.0 * P.delta);
  work[section(5u) + q] = one_minus_l * scaled - den;
  work[section(6u) + q] = -d1 - dl * scaled - one_minus_l * (scaled - den);
  let terms = abs(den) + abs(one_minus_l * scaled);
  work[section(7u) + q] = terms * terms;
}

/** T0 ← (f − f̄)(f⁽¹⁾ − f̄⁽¹⁾), T1 ← (f − f̄)², with the means from out slots 1 and 2 (in place, one element per thread) */
@compute @workgroup_size(64)
fn ems_center(@builtin(global_invocation_id) gid: vec3u) {
  let q = gid.x;
  if (q >= P.K * P.d) {
    return;
  }
  let i = q % P.d;
  let row = P.rows * P.d;
  let inv_k = 1.0 / f32(P.K);
  let mf = out[row + P.j * P.d + i] * inv_k;
  let mf1 = out[2u * row + P.j * P.d + i] * inv_k;
  let df = work[section(5u) + q] - mf;
  work[section(5u) + q] = df * (work[section(6u) + q] - mf1);
  work[section(6u) + q] = df * df;
}

/** Σ_p work[dst + p·d + i] for each dimension i (Kahan-compensated), into out slot `slot`, row j */
@compute @workgroup_size(64)
fn ems_reduce(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= P.d) {
    return;
  }
  var sum = 0.0;
  var carry = 0.0;
  for (var p = 0u; p < P.K; p++) {
    let y = work[P.dst + p * P.d + i] - carry;
    let t = sum + y;
    carry = (t - sum) - y;
    sum = t;
  }
  out[P.slot * P.rows * P.d + P.j * P.d + i] = sum;
}

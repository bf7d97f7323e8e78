// The tiny 1D FNO's training kernels (training.md §3.4; the float64 twin is src/core/surrogate/fno.ts, driven by
// src/engine/train/gpuFno.ts), float32. Every kernel binds the same six buffers; the uniform slot says which
// regions of the work buffer (offsets in f32 elements) a dispatch reads and writes, and those regions never overlap
// within one dispatch. Per sample, activations are channel-major [b][c][j] on the N-point grid; spectra are
// [b][c][k] with K kept modes. The DFT buffer holds core's dftMatrices (float64, rounded once): C, S (forward, 1/N)
// then C′, S′ (inverse, m_k weights, rows of S′ zeroed at DC/Nyquist: the Hermitian enforcement), each K × N.
//   fno_channel_mix   out[b][r][j] = [bias_r] + Σ_c M[r][c] in[b][c][j] + [Σ_k A[b][r][k] T₁[k][j] + B[b][r][k] T₂[k][j]],
//                     M read with strides (W, or Wᵀ for a backward pass), then an epilogue: store; store s and φ(s);
//                     or multiply by φ′(s) of a stored pre-activation (the backward pass's Δ ← Δ ⊙ φ′(s)).
//   fno_modes         (re, im)[b][c][k] = Σ_j x[b][c][j] (T₁, T₂)[k][j]: V̂ = v(Cᵀ, Sᵀ) forward, G = ∂ℒ/∂u (C′ᵀ, S′ᵀ) backward
//   fno_mix           Ŵ_{o,k} = Σ_c R_{c,o,k} V̂_{c,k}, or its adjoint ∂ℒ/∂V̂_{c,k} = Σ_o conj(R_{c,o,k}) G_{o,k}
//   fno_spectral_grad ∂ℒ/∂Re R = Σ_b G_re V_re + G_im V_im, ∂ℒ/∂Im R = Σ_b G_im V_re − G_re V_im
//   fno_weight_grad   ∂ℒ/∂W̄[o][c] = Σ_b Σ_j Δ[b][o][j] [in; 1][b][c][j]
//   fno_head          r̂ = P₂ q + c₂, Δ = (2/(B·D))(r̂ − r), ℒ = Σ (r̂ − r)² / (B·D) (one workgroup, fixed tree)
// The backward kernels are the transposes of the forward's real matrices (§3.4, §8 "irfft adjoint"), never an rfft of
// the gradient. Gradient sums run in a fixed order (no float atomics, §2.4); a non-finite gradient entry sets the
// NaN guard's flag, and nn adam then skips the update. Prepended: activation.wgsl (the override ACTIVATION, read
// with this file's own codes in fno_act; nn_sigmoid and nn_tanh) and state.wgsl.
override THREADS: u32 = 256u;

struct Fno {
  batch: u32,
  n: u32,
  modes: u32,
  groups_x: u32,
  rows: u32,
  cols: u32,
  param_offset: u32,
  stride_row: u32,
  stride_col: u32,
  has_bias: u32,
  in_off: u32,
  out_off: u32,
  aux_off: u32,
  spec_re: u32,
  spec_im: u32,
  mat_a: u32,
  mat_b: u32,
  epilogue: u32,
  weight_re: u32,
  weight_im: u32,
  adjoint: u32,
  x_re: u32,
  x_im: u32,
  y_re: u32,
  y_im: u32,
  advance: u32,
  loss_capacity: u32,
  target_off: u32,
  scale: f32,
  inv_count: f32,
  has_spec: u32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> u: Fno;
@group(0) @binding(1) var<storage, read> params: array<f32>;
@group(0) @binding(2) var<storage, read> dft: array<f32>;
@group(0) @binding(3) var<storage, read_write> work: array<f32>;
@group(0) @binding(4) var<storage, read_write> grads: array<f32>;
@group(0) @binding(5) var<storage, read_write> state: array<atomic<u32>>;

var<workgroup> partial: array<f32, 256>;

const GELU_A: f32 = 0.7978845608028654; // √(2/π)
const GELU_B: f32 = 0.044715;

// φ: 0 GELU (PyTorch's tanh form, as core), 1 SiLU, 2 ReLU, 3 tanh
fn fno_act(s: f32) -> f32 {
  switch (ACTIVATION) {
    case 1u: { return s * nn_sigmoid(s); }
    case 2u: { return max(s, 0.0); }
    case 3u: { return nn_tanh(s); }
    default: { return 0.5 * s * (1.0 + nn_tanh(GELU_A * (s + GELU_B * s * s * s))); }
  }
}

fn fno_act_derivative(s: f32) -> f32 {
  switch (ACTIVATION) {
    case 1u: {
      let g = nn_sigmoid(s);
      return g * (1.0 + s * (1.0 - g));
    }
    case 2u: { return select(0.0, 1.0, s > 0.0); }
    case 3u: {
      let t = nn_tanh(s);
      return 1.0 - t * t;
    }
    default: {
      let t = nn_tanh(GELU_A * (s + GELU_B * s * s * s));
      return 0.5 * (1.0 + t) + 0.5 * s * (1.0 - t * t) * GELU_A * (1.0 + 3.0 * GELU_B * s * s);
    }
  }
}

fn flat(gid: vec3u) -> u32 {
  return gid.x + gid.y * u.groups_x * 64u;
}

fn not_finite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u;
}

// [bias_r] + Σ_c M[r][c] in[b][c][j] + the optional inverse-transform term
fn channel_value(b: u32, r: u32, j: u32) -> f32 {
  let n = u.n;
  let row = u.param_offset + r * u.stride_row;
  var acc = 0.0;
  if (u.has_bias == 1u) {
    acc = params[row + u.cols * u.stride_col];
  }
  let in_base = u.in_off + b * u.cols * n + j;
  for (var c = 0u; c < u.cols; c++) {
    acc += params[row + c * u.stride_col] * work[in_base + c * n];
  }
  if (u.has_spec == 1u) {
    let K = u.modes;
    let sb = (b * u.rows + r) * K;
    for (var k = 0u; k < K; k++) {
      acc += work[u.spec_re + sb + k] * dft[u.mat_a + k * n + j] + work[u.spec_im + sb + k] * dft[u.mat_b + k * n + j];
    }
  }
  return acc;
}

@compute @workgroup_size(64)
fn fno_channel_mix(@builtin(global_invocation_id) gid: vec3u) {
  let e = flat(gid);
  let n = u.n;
  if (e >= u.batch * u.rows * n) {
    return;
  }
  let j = e % n;
  let r = (e / n) % u.rows;
  let b = e / (n * u.rows);
  let s = channel_value(b, r, j);
  switch (u.epilogue) {
    case 1u: {
      work[u.out_off + e] = s;
      work[u.aux_off + e] = fno_act(s);
    }
    case 2u: {
      work[u.out_off + e] = s * fno_act_derivative(work[u.aux_off + e]);
    }
    default: {
      work[u.out_off + e] = s;
    }
  }
}

@compute @workgroup_size(64)
fn fno_modes(@builtin(global_invocation_id) gid: vec3u) {
  let e = flat(gid);
  let n = u.n;
  let K = u.modes;
  if (e >= u.batch * u.rows * K) {
    return;
  }
  let k = e % K;
  let bc = e / K;
  let xb = u.in_off + bc * n;
  let ta = u.mat_a + k * n;
  let tb = u.mat_b + k * n;
  var re = 0.0;
  var im = 0.0;
  for (var j = 0u; j < n; j++) {
    let v = work[xb + j];
    re += v * dft[ta + j];
    im += v * dft[tb + j];
  }
  work[u.y_re + e] = re;
  work[u.y_im + e] = im;
}

@compute @workgroup_size(64)
fn fno_mix(@builtin(global_invocation_id) gid: vec3u) {
  let e = flat(gid);
  let K = u.modes;
  let w = u.rows;
  if (e >= u.batch * w * K) {
    return;
  }
  let k = e % K;
  let r = (e / K) % w;
  let b = e / (K * w);
  var re = 0.0;
  var im = 0.0;
  for (var i = 0u; i < w; i++) {
    let xi = (b * w + i) * K + k;
    let x0 = work[u.x_re + xi];
    let x1 = work[u.x_im + xi];
    if (u.adjoint == 0u) {
      // Ŵ_{r,k} += R_{i,r,k} V̂_{i,k}
      let ri = (i * w + r) * K + k;
      let a = params[u.weight_re + ri];
      let c = params[u.weight_im + ri];
      re += a * x0 - c * x1;
      im += a * x1 + c * x0;
    } else {
      // ∂ℒ/∂V̂_{r,k} += conj(R_{r,i,k}) G_{i,k}
      let ri = (r * w + i) * K + k;
      let a = params[u.weight_re + ri];
      let c = params[u.weight_im + ri];
      re += a * x0 + c * x1;
      im += a * x1 - c * x0;
    }
  }
  work[u.y_re + e] = re;
  work[u.y_im + e] = im;
}

@compute @workgroup_size(64)
fn fno_spectral_grad(@builtin(global_invocation_id) gid: vec3u) {
  let e = flat(gid);
  let K = u.modes;
  let w = u.rows;
  if (e >= w * w * K) {
    return;
  }
  // e = (c·w + o)·K + k, the layout of R
  let k = e % K;
  let o = (e / K) % w;
  let c = e / (K * w);
  var gre = 0.0;
  var gim = 0.0;
  for (var b = 0u; b < u.batch; b++) {
    let vi = (b * w + c) * K + k;
    let gi = (b * w + o) * K + k;
    let v0 = work[u.x_re + vi];
    let v1 = work[u.x_im + vi];
    let g0 = work[u.y_re + gi];
    let g1 = work[u.y_im + gi];
    gre += g0 * v0 + g1 * v1;
    gim += g1 * v0 - g0 * v1;
  }
  grads[u.weight_re + e] = gre;
  grads[u.weight_im + e] = gim;
  if (not_finite(gre) || not_finite(gim)) {
    atomicOr(&state[STATE_FLAG], 1u);
  }
}

@compute @workgroup_size(64)
fn fno_weight_grad(@builtin(global_invocation_id) gid: vec3u) {
  let e = flat(gid);
  let cols = u.cols + 1u;
  if (e >= u.rows * cols) {
    return;
  }
  let c = e % cols;
  let o = e / cols;
  let n = u.n;
  var sum = 0.0;
  for (var b = 0u; b < u.batch; b++) {
    let gb = u.aux_off + (b * u.rows + o) * n;
    if (c == u.cols) {
      for (var j = 0u; j < n; j++) {
        sum += work[gb + j];
      }
    } else {
      let ib = u.in_off + (b * u.cols + c) * n;
      for (var j = 0u; j < n; j++) {
        sum += work[gb + j] * work[ib + j];
      }
    }
  }
  grads[u.param_offset + e] = sum;
  if (not_finite(sum)) {
    atomicOr(&state[STATE_FLAG], 1u);
  }
}

@compute @workgroup_size(THREADS)
fn fno_head(@builtin(local_invocation_index) lid: u32) {
  if (lid == 0u) {
    fold_previous_step();
  }
  let n = u.n;
  let count = u.batch * u.rows * n;
  var sum = 0.0;
  for (var e = lid; e < count; e += THREADS) {
    let j = e % n;
    let r = (e / n) % u.rows;
    let b = e / (n * u.rows);
    let s = channel_value(b, r, j);
    work[u.out_off + e] = s;
    let d = s - work[u.target_off + e];
    work[u.aux_off + e] = u.scale * d;
    sum += d * d;
  }
  partial[lid] = sum;
  workgroupBarrier();
  for (var h = THREADS / 2u; h > 0u; h = h / 2u) {
    if (lid < h) {
      partial[lid] += partial[lid + h];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let loss = bitcast<u32>(partial[0] * u.inv_count);
    if (u.advance == 1u) {
      let step = atomicLoad(&state[STATE_STEP]);
      atomicStore(&state[STATE_LOSSES + step % u.loss_capacity], loss);
      atomicStore(&state[STATE_STEP], step + 1u);
    } else {
      atomicStore(&state[STATE_LOSSES + u.loss_capacity], loss);
    }
  }
}

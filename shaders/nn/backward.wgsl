// nn backward, one layer (training.md §3.1 gemm_dW and gemm_dX in one dispatch; both only read Δ_l):
//   the first ⌈d_l/4⌉·⌈(d_{l−1}+1)/4⌉ invocations:   ∇W̄_l[o][j] = Σ_i Δ_l[i][o] Ā_{l−1}[i][j]  (last column: ∇b_l)
//   the next ⌈B/4⌉·⌈d_{l−1}/4⌉ (l > 1):               Δ_{l−1}[i][j] = (Σ_o Δ_l[i][o] W_l[o][j]) · φ′(S_{l−1}[i][j])
// Register blocking as nn forward: an invocation computes a 4 × 4 block of ∇W̄ (units o₀.., columns j₀..) or of
// Δ_{l−1} (rows i₀.., units j₀..) from 4 + 4 loads per term, with clamped loads at the edges and guarded stores.
// Each ∇W̄ entry is one sum over the batch in row order (i ascending, core mlpBackward's order): a deterministic
// reduction without float atomics or a second pass (§2.4). A non-finite gradient entry sets the NaN-guard flag
// (tested on the exponent bits: a compiler may assume x == x). Prepended: layer.wgsl, activation.wgsl, state.wgsl.
@group(0) @binding(0) var<uniform> layer: Layer;
@group(0) @binding(1) var<storage, read> params: array<f32>;
@group(0) @binding(2) var<storage, read> acts: array<f32>;
@group(0) @binding(3) var<storage, read> pre: array<f32>;
@group(0) @binding(4) var<storage, read> delta_in: array<f32>;
@group(0) @binding(5) var<storage, read_write> delta_out: array<f32>;
@group(0) @binding(6) var<storage, read_write> grads: array<f32>;
@group(0) @binding(7) var<storage, read_write> state: array<atomic<u32>>;

fn store_gradient(o: u32, j: u32, g: f32) {
  let cols = layer.in_dim + 1u;
  if (o >= layer.out_dim || j >= cols) {
    return;
  }
  grads[layer.param_offset + o * cols + j] = g;
  if ((bitcast<u32>(g) & 0x7f800000u) == 0x7f800000u) {
    atomicOr(&state[STATE_FLAG], 1u);
  }
}

fn store_delta(i: u32, j: u32, s: f32) {
  let din = layer.in_dim;
  if (i >= layer.batch || j >= din) {
    return;
  }
  let k = i * din + j;
  delta_out[k] = s * nn_activation_derivative(pre[layer.prev_pre_offset + k]);
}

// ∇W̄[o₀ + c][j₀ + r] for c, r < 4
fn weight_gradient_block(o0: u32, j0: u32) {
  let dout = layer.out_dim;
  let cols = layer.in_dim + 1u;
  let last_unit = dout - 1u;
  let last_col = cols - 1u;
  let c0 = min(j0, last_col);
  let c1 = min(j0 + 1u, last_col);
  let c2 = min(j0 + 2u, last_col);
  let c3 = min(j0 + 3u, last_col);
  let u0 = min(o0, last_unit);
  let u1 = min(o0 + 1u, last_unit);
  let u2 = min(o0 + 2u, last_unit);
  let u3 = min(o0 + 3u, last_unit);
  // g_c[r] = ∇W̄[o₀ + c][j₀ + r]
  var g0 = vec4f(0.0);
  var g1 = vec4f(0.0);
  var g2 = vec4f(0.0);
  var g3 = vec4f(0.0);
  for (var i = 0u; i < layer.batch; i++) {
    let a = layer.in_offset + i * cols;
    let x = vec4f(acts[a + c0], acts[a + c1], acts[a + c2], acts[a + c3]);
    let d = i * dout;
    g0 += delta_in[d + u0] * x;
    g1 += delta_in[d + u1] * x;
    g2 += delta_in[d + u2] * x;
    g3 += delta_in[d + u3] * x;
  }
  for (var r = 0u; r < 4u; r++) {
    store_gradient(o0, j0 + r, g0[r]);
    store_gradient(o0 + 1u, j0 + r, g1[r]);
    store_gradient(o0 + 2u, j0 + r, g2[r]);
    store_gradient(o0 + 3u, j0 + r, g3[r]);
  }
}

// Δ_{l−1}[i₀ + r][j₀ + c] = (Σ_o Δ_l[i₀ + r][o] W_l[o][j₀ + c]) · φ′(S_{l−1}[i₀ + r][j₀ + c]) for r, c < 4
fn input_gradient_block(i0: u32, j0: u32) {
  let dout = layer.out_dim;
  let din = layer.in_dim;
  let cols = din + 1u;
  let last_row = layer.batch - 1u;
  let last_unit = din - 1u;
  let k0 = min(j0, last_unit);
  let k1 = min(j0 + 1u, last_unit);
  let k2 = min(j0 + 2u, last_unit);
  let k3 = min(j0 + 3u, last_unit);
  let d0 = min(i0, last_row) * dout;
  let d1 = min(i0 + 1u, last_row) * dout;
  let d2 = min(i0 + 2u, last_row) * dout;
  let d3 = min(i0 + 3u, last_row) * dout;
  // s_r[c] = Σ_o Δ[i₀ + r][o] W[o][j₀ + c]
  var s0 = vec4f(0.0);
  var s1 = vec4f(0.0);
  var s2 = vec4f(0.0);
  var s3 = vec4f(0.0);
  for (var o = 0u; o < dout; o++) {
    let w = layer.param_offset + o * cols;
    let x = vec4f(params[w + k0], params[w + k1], params[w + k2], params[w + k3]);
    s0 += delta_in[d0 + o] * x;
    s1 += delta_in[d1 + o] * x;
    s2 += delta_in[d2 + o] * x;
    s3 += delta_in[d3 + o] * x;
  }
  for (var c = 0u; c < 4u; c++) {
    store_delta(i0, j0 + c, s0[c]);
    store_delta(i0 + 1u, j0 + c, s1[c]);
    store_delta(i0 + 2u, j0 + c, s2[c]);
    store_delta(i0 + 3u, j0 + c, s3[c]);
  }
}

@compute @workgroup_size(64)
fn nn_backward(@builtin(global_invocation_id) gid: vec3u) {
  let e = gid.x + gid.y * layer.backward_groups_x * 64u;
  let din = layer.in_dim;
  let col_blocks = (din + 4u) / 4u;
  let weight_blocks = ((layer.out_dim + 3u) / 4u) * col_blocks;
  if (e < weight_blocks) {
    weight_gradient_block((e / col_blocks) * 4u, (e % col_blocks) * 4u);
    return;
  }
  if (layer.has_dx == 0u) {
    return;
  }
  let k = e - weight_blocks;
  let unit_blocks = (din + 3u) / 4u;
  if (k >= ((layer.batch + 3u) / 4u) * unit_blocks) {
    return;
  }
  input_gradient_block((k / unit_blocks) * 4u, (k % unit_blocks) * 4u);
}

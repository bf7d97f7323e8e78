// nn backward, one layer (training.md §3.1 gemm_dW and gemm_dX in one dispatch; both only read Δ_l):
//   invocations [0, d_l·(d_{l−1}+1)):        ∇W̄_l[o][j] = Σ_i Δ_l[i][o] Ā_{l−1}[i][j]  (the last column is ∇b_l)
//   invocations [.., + B·d_{l−1}) (l > 1):    Δ_{l−1}[i][j] = (Σ_o Δ_l[i][o] W_l[o][j]) · φ′(S_{l−1}[i][j])
// Each ∇W̄ entry is one invocation's sum over the batch in row order (i ascending, core mlpBackward's order): a
// deterministic reduction without float atomics or a second pass (§2.4). A non-finite gradient entry sets the
// NaN-guard flag (tested on the exponent bits: a compiler may assume x == x). Prepended: layer.wgsl,
// activation.wgsl, state.wgsl.
@group(0) @binding(0) var<uniform> layer: Layer;
@group(0) @binding(1) var<storage, read> params: array<f32>;
@group(0) @binding(2) var<storage, read> acts: array<f32>;
@group(0) @binding(3) var<storage, read> pre: array<f32>;
@group(0) @binding(4) var<storage, read> delta_in: array<f32>;
@group(0) @binding(5) var<storage, read_write> delta_out: array<f32>;
@group(0) @binding(6) var<storage, read_write> grads: array<f32>;
@group(0) @binding(7) var<storage, read_write> state: array<atomic<u32>>;

@compute @workgroup_size(64)
fn nn_backward(@builtin(global_invocation_id) gid: vec3u) {
  let e = gid.x + gid.y * layer.backward_groups_x * 64u;
  let dout = layer.out_dim;
  let din = layer.in_dim;
  let cols = din + 1u;
  let weights = dout * cols;
  if (e < weights) {
    let o = e / cols;
    let j = e % cols;
    var g = 0.0;
    for (var i = 0u; i < layer.batch; i++) {
      g += delta_in[i * dout + o] * acts[layer.in_offset + i * cols + j];
    }
    grads[layer.param_offset + e] = g;
    if ((bitcast<u32>(g) & 0x7f800000u) == 0x7f800000u) {
      atomicOr(&state[STATE_FLAG], 1u);
    }
    return;
  }
  if (layer.has_dx == 0u) {
    return;
  }
  let k = e - weights;
  if (k >= layer.batch * din) {
    return;
  }
  let i = k / din;
  let j = k % din;
  var s = 0.0;
  for (var o = 0u; o < dout; o++) {
    s += delta_in[i * dout + o] * params[layer.param_offset + o * cols + j];
  }
  delta_out[k] = s * nn_activation_derivative(pre[layer.prev_pre_offset + k]);
}

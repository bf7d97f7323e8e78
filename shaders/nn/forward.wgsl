// nn forward, one hidden layer (training.md §3.1 gemm_fwd fused with φ): S_l = Ā_{l−1} W̄_lᵀ and Ā_l = [φ(S_l) | 1].
// One invocation per output entry (row i, unit o), o fastest; the dot product runs over j ascending with the bias
// column last, the order of core's mlpForward. No workgroup memory and no barrier: at these widths (≤ 256) the rows
// of W̄ stay in cache, and the step is dispatch-bound (§2.3). Prepended: layer.wgsl, activation.wgsl.
@group(0) @binding(0) var<uniform> layer: Layer;
@group(0) @binding(1) var<storage, read> params: array<f32>;
@group(0) @binding(2) var<storage, read_write> acts: array<f32>;
@group(0) @binding(3) var<storage, read_write> pre: array<f32>;

@compute @workgroup_size(64)
fn nn_forward(@builtin(global_invocation_id) gid: vec3u) {
  let e = gid.x + gid.y * layer.forward_groups_x * 64u;
  let dout = layer.out_dim;
  if (e >= layer.batch * dout) {
    return;
  }
  let i = e / dout;
  let o = e % dout;
  let cols = layer.in_dim + 1u;
  let a = layer.in_offset + i * cols;
  let w = layer.param_offset + o * cols;
  var s = 0.0;
  for (var j = 0u; j < cols; j++) {
    s += acts[a + j] * params[w + j];
  }
  pre[layer.pre_offset + e] = s;
  let next = layer.out_offset + i * (dout + 1u);
  acts[next + o] = nn_activate(s);
  if (o == 0u) {
    acts[next + dout] = 1.0;
  }
}

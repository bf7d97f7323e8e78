// nn forward, one hidden layer (training.md §3.1 gemm_fwd fused with φ): S_l = Ā_{l−1} W̄_lᵀ and Ā_l = [φ(S_l) | 1].
// Each invocation computes a 4 × 4 block of S (rows i₀..i₀+3, units o₀..o₀+3) from 4 + 4 loads per j: register
// blocking, 2 MACs per load instead of ½, with no workgroup memory and no barrier (a software adapter parks every
// fiber at a barrier; at these widths, ≤ 256, the rows of W̄ stay in cache, and the step is dispatch-bound, §2.3).
// Every entry is still one sum over j ascending with the bias column last, the order of core's mlpForward.
// Rows and units past the edges load clamped (valid) addresses and store nothing. Prepended: layer.wgsl,
// activation.wgsl.
@group(0) @binding(0) var<uniform> layer: Layer;
@group(0) @binding(1) var<storage, read> params: array<f32>;
@group(0) @binding(2) var<storage, read_write> acts: array<f32>;
@group(0) @binding(3) var<storage, read_write> pre: array<f32>;

fn store_forward(i: u32, o: u32, s: f32) {
  if (i >= layer.batch || o >= layer.out_dim) {
    return;
  }
  let dout = layer.out_dim;
  pre[layer.pre_offset + i * dout + o] = s;
  let next = layer.out_offset + i * (dout + 1u);
  acts[next + o] = nn_activate(s);
  if (o == 0u) {
    acts[next + dout] = 1.0;
  }
}

@compute @workgroup_size(64)
fn nn_forward(@builtin(global_invocation_id) gid: vec3u) {
  let e = gid.x + gid.y * layer.forward_groups_x * 64u;
  let dout = layer.out_dim;
  let unit_blocks = (dout + 3u) / 4u;
  if (e >= ((layer.batch + 3u) / 4u) * unit_blocks) {
    return;
  }
  let i0 = (e / unit_blocks) * 4u;
  let o0 = (e % unit_blocks) * 4u;
  let cols = layer.in_dim + 1u;
  let last_row = layer.batch - 1u;
  let last_unit = dout - 1u;
  let a0 = layer.in_offset + min(i0, last_row) * cols;
  let a1 = layer.in_offset + min(i0 + 1u, last_row) * cols;
  let a2 = layer.in_offset + min(i0 + 2u, last_row) * cols;
  let a3 = layer.in_offset + min(i0 + 3u, last_row) * cols;
  let w0 = layer.param_offset + min(o0, last_unit) * cols;
  let w1 = layer.param_offset + min(o0 + 1u, last_unit) * cols;
  let w2 = layer.param_offset + min(o0 + 2u, last_unit) * cols;
  let w3 = layer.param_offset + min(o0 + 3u, last_unit) * cols;
  // s_r[c] = S[i₀ + r][o₀ + c]
  var s0 = vec4f(0.0);
  var s1 = vec4f(0.0);
  var s2 = vec4f(0.0);
  var s3 = vec4f(0.0);
  for (var j = 0u; j < cols; j++) {
    let w = vec4f(params[w0 + j], params[w1 + j], params[w2 + j], params[w3 + j]);
    s0 += acts[a0 + j] * w;
    s1 += acts[a1 + j] * w;
    s2 += acts[a2 + j] * w;
    s3 += acts[a3 + j] * w;
  }
  for (var c = 0u; c < 4u; c++) {
    store_forward(i0, o0 + c, s0[c]);
    store_forward(i0 + 1u, o0 + c, s1[c]);
    store_forward(i0 + 2u, o0 + c, s2[c]);
    store_forward(i0 + 3u, o0 + c, s3[c]);
  }
}

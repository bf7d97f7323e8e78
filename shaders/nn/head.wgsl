// nn head: the linear output layer, the mean-squared loss and its output gradient in one dispatch (training.md §3.1
// "loss and the output gradient are fused"): Ŷ = Ā_{L−1} W̄_Lᵀ, r = Ŷ − Y, Δ_L = (2/(B·D)) r, ℒ = Σ r² / (B·D).
// One workgroup: each invocation takes entries lid, lid + THREADS, … and the partial sums of r² meet in a fixed
// tree, so the loss is deterministic without float atomics (§2.4) and needs no second pass. The output layer has
// only B·D entries (2048 at the default B = 1024, D = 2), so one workgroup is enough.
// Invocation 0 also folds the previous step's NaN-guard outcome (state.wgsl) and, for a training step, writes the
// loss into the ring and advances the step counter. Prepended: layer.wgsl, state.wgsl.
override THREADS: u32 = 256u;

@group(0) @binding(0) var<uniform> layer: Layer;
@group(0) @binding(1) var<storage, read> params: array<f32>;
@group(0) @binding(2) var<storage, read> acts: array<f32>;
@group(0) @binding(3) var<storage, read> targets: array<f32>;
@group(0) @binding(4) var<storage, read_write> pre: array<f32>;
@group(0) @binding(5) var<storage, read_write> delta: array<f32>;
@group(0) @binding(6) var<storage, read_write> state: array<atomic<u32>>;

var<workgroup> partial: array<f32, 256>;

@compute @workgroup_size(THREADS)
fn nn_head(@builtin(local_invocation_index) lid: u32) {
  if (lid == 0u) {
    fold_previous_step();
  }
  let dout = layer.out_dim;
  let cols = layer.in_dim + 1u;
  let count = layer.batch * dout;
  var sum = 0.0;
  for (var e = lid; e < count; e += THREADS) {
    let i = e / dout;
    let o = e % dout;
    let a = layer.in_offset + i * cols;
    let w = layer.param_offset + o * cols;
    var s = 0.0;
    for (var j = 0u; j < cols; j++) {
      s += acts[a + j] * params[w + j];
    }
    pre[layer.pre_offset + e] = s;
    let r = s - targets[e];
    delta[e] = layer.scale * r;
    sum += r * r;
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
    let loss = bitcast<u32>(partial[0] * layer.inv_count);
    if (layer.advance == 1u) {
      let step = atomicLoad(&state[STATE_STEP]);
      atomicStore(&state[STATE_LOSSES + step % layer.loss_capacity], loss);
      atomicStore(&state[STATE_STEP], step + 1u);
    } else {
      atomicStore(&state[STATE_LOSSES + layer.loss_capacity], loss);
    }
  }
}

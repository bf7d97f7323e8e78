// The NaN-guard bookkeeping for an optimizer update on an uploaded gradient (GpuMlpTrainer.applyGradients), where
// no backward pass and no head run: nn check flags a non-finite entry of the uploaded gradient (as nn backward does
// for its own), nn fold counts the update as applied or skipped and clears the flag (state.wgsl). Neither is part of
// a training step. Prepended: state.wgsl.
@group(0) @binding(0) var<storage, read_write> state: array<atomic<u32>>;
@group(0) @binding(1) var<storage, read> grads: array<f32>;

@compute @workgroup_size(1)
fn nn_fold() {
  fold_previous_step();
}

@compute @workgroup_size(64)
fn nn_check(@builtin(global_invocation_id) gid: vec3u) {
  let e = gid.x + gid.y * 65535u * 64u;
  if (e >= arrayLength(&grads)) {
    return;
  }
  if ((bitcast<u32>(grads[e]) & 0x7f800000u) == 0x7f800000u) {
    atomicOr(&state[STATE_FLAG], 1u);
  }
}

// The trainer's small state buffer (src/engine/train/gpuTrainer.ts), u32 words, so that a run of steps needs no
// upload and no readback: the step counter (the RNG's step index), the NaN guard (§2.4) and the loss ring.
// A module that includes this file declares `state: array<atomic<u32>>` (read_write) at its own binding.
const STATE_STEP: u32 = 0u;      // training steps recorded so far (batch index of the next step)
const STATE_FLAG: u32 = 1u;      // set by the backward pass when a gradient entry is not finite
const STATE_APPLIED: u32 = 2u;   // optimizer updates applied (Adam's t − 1; SGD's "first step" test)
const STATE_SKIPPED: u32 = 3u;   // updates the NaN guard skipped
const STATE_PENDING: u32 = 4u;   // an optimizer dispatch ran since the last fold
const STATE_LOSSES: u32 = 16u;   // loss ring (f32 bits): step s at STATE_LOSSES + s mod capacity; then the probe slot

// Count the previous optimizer dispatch as applied or skipped (the flag was set by its step's backward pass) and
// clear the flag for the next backward pass. Runs in one invocation (nn head's or nn fold's), before any backward.
fn fold_previous_step() {
  if (atomicLoad(&state[STATE_PENDING]) != 0u) {
    if (atomicLoad(&state[STATE_FLAG]) == 0u) {
      atomicAdd(&state[STATE_APPLIED], 1u);
    } else {
      atomicAdd(&state[STATE_SKIPPED], 1u);
    }
    atomicStore(&state[STATE_PENDING], 0u);
  }
  atomicStore(&state[STATE_FLAG], 0u);
}

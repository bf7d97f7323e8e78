// One linear layer of the training lab's MLP (training.md §3.1), shared by nn forward, head and backward.
// Bias-augmented layout: W̄_l = [W_l | b_l] is out_dim × (in_dim + 1), row-major, bias last, at param_offset in the
// flat parameter buffer. Ā_{l−1} = [A_{l−1} | 1] is batch × (in_dim + 1) at in_offset in the activation buffer;
// S_l is batch × out_dim at pre_offset in the pre-activation buffer. Offsets count f32 elements.
struct Layer {
  batch: u32,
  in_dim: u32,
  out_dim: u32,
  param_offset: u32,
  in_offset: u32,
  // Ā_l = [φ(S_l) | 1] (hidden layers: the next layer's input)
  out_offset: u32,
  pre_offset: u32,
  // S_{l−1}, whose φ′ the backward pass needs for Δ_{l−1}
  prev_pre_offset: u32,
  // 1 when the backward pass also forms Δ_{l−1} (every layer but the first)
  has_dx: u32,
  // workgroups along x of the forward and backward dispatches (64 invocations each; flat index = x + y·groups_x·64)
  forward_groups_x: u32,
  backward_groups_x: u32,
  // head: 1 for a training step (loss into the ring, step counter advances), 0 for a probe (loss into the probe slot)
  advance: u32,
  loss_capacity: u32,
  // head: 2/(B·D) (Δ_L = scale·(Ŷ − Y)) and 1/(B·D) (ℒ = Σ r² / (B·D))
  scale: f32,
  inv_count: f32,
  _pad: u32,
}

// nn adam and nn sgd: one fused elementwise update over the flat parameter buffer (training.md §4.1, §4.2, §6 step 5),
// PyTorch's conventions exactly as core's AdamOptimizer and SgdOptimizer (src/core/train/optimizers.ts):
//   Adam: ĝ = g + ωθ (or AdamW: θ ← θ(1 − ηω)); m ← β₁m + (1−β₁)ĝ; v ← β₂v + (1−β₂)ĝ²;
//         θ ← θ − η (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ϵ), t = updates applied so far + 1
//   SGD:  ĝ = g + ωθ; b ← ĝ on the first update, else μb + (1−τ)ĝ; ĝ ← ĝ + μb (Nesterov) or b; θ ← θ − ηĝ
// NaN guard (§2.4): when the step's backward pass flagged a non-finite gradient, nothing is written (parameters and
// moments unchanged, t not advanced), as core skips the step. Invocation 0 marks the update pending; the next
// nn head (or nn fold) counts it as applied or skipped.
// 1 − βᵗ is formed here from t (a GPU-side count, so that a run of steps needs no upload) as −expm1(t·ln β) with
// ln β from float64: the series near 0, where 1 − exp() would cancel (β₂ = 0.999, t = 1: 1 − βᵗ = 1e-3).
// Prepended: state.wgsl.
struct Optimizer {
  count: u32,
  groups_x: u32,
  decoupled: u32,
  nesterov: u32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  one_minus_beta1: f32,
  one_minus_beta2: f32,
  eps: f32,
  weight_decay: f32,
  ln_beta1: f32,
  ln_beta2: f32,
  momentum: f32,
  one_minus_dampening: f32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> opt: Optimizer;
@group(0) @binding(1) var<storage, read_write> params: array<f32>;
@group(0) @binding(2) var<storage, read> grads: array<f32>;
// Adam: m in [0, count), v in [count, 2·count); SGD: the momentum buffer b in [0, count)
@group(0) @binding(3) var<storage, read_write> moments: array<f32>;
@group(0) @binding(4) var<storage, read_write> state: array<atomic<u32>>;

// 1 − β^t = −expm1(t ln β) for ln β ≤ 0
fn one_minus_power(ln_beta: f32, t: f32) -> f32 {
  let x = t * ln_beta;
  if (x > -0.5) {
    // expm1 by its series to x⁸/8! (remainder < |x|⁹/9! ≤ 6e-12 here)
    let p = x * (1.0 + x * (1.0 / 2.0 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x * (1.0 / 120.0 + x * (1.0 / 720.0 + x * (1.0 / 5040.0 + x / 40320.0)))))));
    return -p;
  }
  return 1.0 - exp(x);
}

// the flat index, or the parameter count when this invocation has no entry; marks the update pending
fn begin_update(gid: vec3u) -> u32 {
  let e = gid.x + gid.y * opt.groups_x * 64u;
  if (e == 0u) {
    atomicStore(&state[STATE_PENDING], 1u);
  }
  if (e >= opt.count || atomicLoad(&state[STATE_FLAG]) != 0u) {
    return opt.count;
  }
  return e;
}

@compute @workgroup_size(64)
fn nn_adam(@builtin(global_invocation_id) gid: vec3u) {
  let e = begin_update(gid);
  if (e == opt.count) {
    return;
  }
  let t = f32(atomicLoad(&state[STATE_APPLIED]) + 1u);
  let bias1 = one_minus_power(opt.ln_beta1, t);
  let bias2 = one_minus_power(opt.ln_beta2, t);
  var g = grads[e];
  var p = params[e];
  if (opt.decoupled == 1u) {
    p *= 1.0 - opt.lr * opt.weight_decay;
  } else {
    g += opt.weight_decay * p;
  }
  let m = opt.beta1 * moments[e] + opt.one_minus_beta1 * g;
  let v = opt.beta2 * moments[opt.count + e] + opt.one_minus_beta2 * g * g;
  moments[e] = m;
  moments[opt.count + e] = v;
  params[e] = p - (opt.lr * (m / bias1)) / (sqrt(v / bias2) + opt.eps);
}

@compute @workgroup_size(64)
fn nn_sgd(@builtin(global_invocation_id) gid: vec3u) {
  let e = begin_update(gid);
  if (e == opt.count) {
    return;
  }
  let p = params[e];
  var g = grads[e] + opt.weight_decay * p;
  if (opt.momentum != 0.0) {
    var b = g;
    if (atomicLoad(&state[STATE_APPLIED]) != 0u) {
      b = opt.momentum * moments[e] + opt.one_minus_dampening * g;
    }
    moments[e] = b;
    g = select(b, g + opt.momentum * b, opt.nesterov == 1u);
  }
  params[e] = p - opt.lr * g;
}

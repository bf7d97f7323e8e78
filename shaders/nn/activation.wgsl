// Activations and their derivatives (training.md §3.1), float32, selected by the override ACTIVATION
// (0 SiLU, 1 ReLU, 2 tanh) so that each pipeline compiles one branch. Stable forms (§2.4): no exp of a positive
// argument, so nothing overflows; tanh by its own formula, since WGSL's tanh is only specified through sinh/cosh.
override ACTIVATION: u32 = 0u;

// σ(s) = 1/(1+e^{−s}) for s ≥ 0, e^{s}/(1+e^{s}) otherwise (§2.4)
fn nn_sigmoid(s: f32) -> f32 {
  if (s >= 0.0) {
    return 1.0 / (1.0 + exp(-s));
  }
  let e = exp(s);
  return e / (1.0 + e);
}

// tanh: the odd Taylor series below |s| = 1/4 (7 terms, truncation < 1e-11 relative), where (1 − e^{−2|s|}) would
// cancel; above, (1 − e)/(1 + e) with e = e^{−2|s|} ∈ (0, 0.61], which loses at most a factor 2.6 to cancellation.
fn nn_tanh(s: f32) -> f32 {
  let a = abs(s);
  var t: f32;
  if (a < 0.25) {
    let a2 = a * a;
    t = a * (1.0 + a2 * (-1.0 / 3.0 + a2 * (2.0 / 15.0 + a2 * (-17.0 / 315.0 + a2 * (62.0 / 2835.0 + a2 * (-1382.0 / 155925.0 + a2 * (21844.0 / 6081075.0)))))));
  } else {
    let e = exp(-2.0 * a);
    t = (1.0 - e) / (1.0 + e);
  }
  return select(t, -t, s < 0.0);
}

// φ(s)
fn nn_activate(s: f32) -> f32 {
  switch (ACTIVATION) {
    case 1u: { return max(s, 0.0); }
    case 2u: { return nn_tanh(s); }
    default: { return s * nn_sigmoid(s); }
  }
}

// φ′(s): SiLU σ(s)(1 + s(1 − σ(s))), ReLU 1[s > 0], tanh 1 − tanh² (§3.1)
fn nn_activation_derivative(s: f32) -> f32 {
  switch (ACTIVATION) {
    case 1u: { return select(0.0, 1.0, s > 0.0); }
    case 2u: {
      let t = nn_tanh(s);
      return 1.0 - t * t;
    }
    default: {
      let g = nn_sigmoid(s);
      return g * (1.0 + s * (1.0 - g));
    }
  }
}

// The Brownian tree of SDE solvers: the float32 twin of src/core/util/brownian.ts (read its header for the
// construction). Needs common/rng.wgsl before it.

const BROWNIAN_DEPTH: u32 = 21u;
const BROWNIAN_STREAM: u32 = 8u;      // RngStream.brownian
const BROWNIAN_LEAF_STREAM: u32 = 9u; // RngStream.brownianLeaf

struct BrownianKey {
  seed: u32,
  particle: u32,
  coordinate: u32,
}

fn brownian_normal(k: BrownianKey, node: u32, leaf: bool) -> f32 {
  let z = normal_pair(k.seed, select(BROWNIAN_STREAM, BROWNIAN_LEAF_STREAM, leaf), k.particle, node, k.coordinate / 2u);
  return select(z.x, z.y, k.coordinate % 2u == 1u);
}

// B(mid) − B(lo) of node's interval [lo, hi] with increment delta: the bridge's mean plus √(w/4)·z_node
fn brownian_left_half(k: BrownianKey, lo: f32, hi: f32, delta: f32, node: u32) -> f32 {
  return delta * 0.5 + sqrt((hi - lo) * 0.25) * brownian_normal(k, node, false);
}

// B(τ) − B(lo) within the interval [lo, hi] of `node` (increment delta), from tree level `level` down to the leaf
fn brownian_offset(k: BrownianKey, tau: f32, lo_in: f32, hi_in: f32, delta_in: f32, node_in: u32, level_in: u32) -> f32 {
  var lo = lo_in;
  var hi = hi_in;
  var delta = delta_in;
  var node = node_in;
  var acc = 0.0;
  for (var level = level_in; level < BROWNIAN_DEPTH; level++) {
    let mid = (lo + hi) * 0.5;
    let left = brownian_left_half(k, lo, hi, delta, node);
    if (tau < mid) {
      hi = mid;
      delta = left;
      node = 2u * node;
    } else {
      acc += left;
      lo = mid;
      delta -= left;
      node = 2u * node + 1u;
    }
  }
  let w = hi - lo;
  return acc + delta * (tau - lo) / w + sqrt((tau - lo) * (hi - tau) / w) * brownian_normal(k, node, false);
}

// B(τb) − B(τa)
fn brownian_increment(k: BrownianKey, tau_a_in: f32, tau_b_in: f32) -> f32 {
  if (tau_a_in == tau_b_in) {
    return 0.0;
  }
  let sign = select(1.0, -1.0, tau_b_in < tau_a_in);
  let tau_a = min(tau_a_in, tau_b_in);
  let tau_b = max(tau_a_in, tau_b_in);
  var lo = 0.0;
  var hi = 1.0;
  var delta = brownian_normal(k, 0u, false);
  var node = 1u;
  for (var level = 0u; level < BROWNIAN_DEPTH; level++) {
    let mid = (lo + hi) * 0.5;
    let left = brownian_left_half(k, lo, hi, delta, node);
    if (tau_b < mid) {
      hi = mid;
      delta = left;
      node = 2u * node;
    } else if (tau_a >= mid) {
      lo = mid;
      delta -= left;
      node = 2u * node + 1u;
    } else {
      let from_a = left - brownian_offset(k, tau_a, lo, mid, left, 2u * node, level + 1u);
      return sign * (from_a + brownian_offset(k, tau_b, mid, hi, delta - left, 2u * node + 1u, level + 1u));
    }
  }
  let w = hi - lo;
  let a = delta * (tau_a - lo) / w + sqrt((tau_a - lo) * (hi - tau_a) / w) * brownian_normal(k, node, false);
  let rest = delta - a;
  return sign * (rest * (tau_b - tau_a) / (hi - tau_a) + sqrt((tau_b - tau_a) * (hi - tau_b) / (hi - tau_a)) * brownian_normal(k, node, true));
}

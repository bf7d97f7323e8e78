// BOSS one-jump cost matrix (specs §14 item 3; float64 twin: src/core/sampling/boss.ts bossCostMatrix).
// One workgroup per anchor pair k < j: Σ over the n particles and d coordinates of
//   (A·x_k + B·x_{k+1} − x_j)²
// where x_k is the teacher's trajectory at anchor k. For an Euler-type solver the one-step jump from k to j is
// a_kj·x_k + b_kj·D_k, and the teacher's own step gives D_k = (x_{k+1} − a_k·x_k)/b_k, so the jump is that linear
// combination of two recorded frames (A, B computed in float64 on the CPU). Each thread accumulates a strided
// slice, then a tree reduction in workgroup memory: no float atomics, one float per pair comes back.

struct CostParams {
  /** float offset of anchor 0's frame in `frames` */
  base: u32,
  /** floats per frame, n·d */
  size: u32,
  pairs: u32,
  /** workgroups along x of the 2D dispatch (pair = x + y·groups_x) */
  groups_x: u32,
  /** 1/n: the cost is a mean over particles */
  inv_n: f32,
}

struct Pair {
  k: u32,
  j: u32,
  a: f32,
  b: f32,
}

@group(0) @binding(0) var<uniform> params: CostParams;
@group(0) @binding(1) var<storage, read> frames: array<f32>;
@group(0) @binding(2) var<storage, read> pairs: array<Pair>;
@group(0) @binding(3) var<storage, read_write> costs: array<f32>;

const COST_WORKGROUP: u32 = 256u;
var<workgroup> partial: array<f32, COST_WORKGROUP>;

@compute @workgroup_size(256)
fn boss_pair_costs(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let p = wid.x + wid.y * params.groups_x;
  // uniform control flow: every thread of a workgroup takes the same branch
  if (p >= params.pairs) {
    return;
  }
  let pair = pairs[p];
  let xk = params.base + pair.k * params.size;
  let xk1 = xk + params.size;
  let xj = params.base + pair.j * params.size;
  var acc = 0.0;
  for (var i = lid; i < params.size; i += COST_WORKGROUP) {
    let r = pair.a * frames[xk + i] + pair.b * frames[xk1 + i] - frames[xj + i];
    acc += r * r;
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var stride = COST_WORKGROUP / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      partial[lid] += partial[lid + stride];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    costs[p] = partial[0] * params.inv_n;
  }
}

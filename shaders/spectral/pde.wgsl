// The PDE engine's spectral kernels (DESIGN §2, specs/pde.md §9.1): a stepper program (src/core/pde/types.ts)
// runs over one register file as `stage` dispatches (fused: the end of one nonlinear evaluation, a combine, the
// start of the next) around each nonlinear evaluation's inverse FFT → pointwise (generated per equation,
// pde_pointwise.wgsl) → FFT, and every step ends with finish_step (Hermitian projection for real fields + the
// NaN/Inf watchdog).
//
// Layouts (vec2f = one complex value; K = points per channel, C = channels):
//   regs    [register][channel][k]  every register of the program, the state v among them
//   coefs   [array][channel][k]     the program's coefficient arrays, f32 from core's float64
//   mults   [term][k]               the nonlinear term's multipliers (dealias mask folded in): inputs, then outputs
//   inputs  [input][k]              physical inputs (after the inverse FFT), outputs [output][k] likewise
// Large dispatches are 2D grids of 64-wide workgroups: index = gid.x + gid.y · (groups.x · 64).

const WG: u32 = 64u;
/** a combine term whose coefficient is a complex scalar, not an array */
const SCALAR: u32 = 0xffffffffu;
/** the watchdog's "no bad step" */
const NONE: u32 = 0xffffffffu;
const MAX_F32: f32 = 0x1.fffffep+127f;

/** fixed for a problem */
struct Layout {
  size: u32, // K
  channels: u32, // C
  nx: u32,
  ny: u32, // 1 in 1D
  inputs: u32,
  outputs: u32,
  v_offset: u32, // element offset of the state register v in regs
  real_field: u32, // 1: project onto Hermitian spectra after every step
  in_channel: array<vec4u, 2>, // channel of input j (at most 8 inputs)
  out_channel: array<vec4u, 2>, // channel of output j (at most 8 outputs)
  stat_groups: u32, // workgroups per channel of stats_partial
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

/** one combine dst = Σ_j coef_j ⊙ reg_j (an element of the combine list, read-only storage; 208-byte stride) */
struct CombineOp {
  dst: u32, // element offset of the destination register
  terms: u32, // ≤ 12; 0 clears dst
  _pad0: u32,
  _pad1: u32,
  reg: array<vec4u, 3>, // element offset of term j's register
  coef: array<vec4u, 3>, // element offset of term j's coefficient array, or SCALAR
  scalar: array<vec4f, 6>, // term j's scalar in .xy (j even) or .zw (j odd) of scalar[j / 2]
}

/**
 * One stage: the elementwise work between two transforms of a stepper program, fused into one dispatch over the
 * C·K points (gpuPde.ts planStages), in this order, each part optional:
 *   1. accumulate: acc_dst[c] = Σ_{outputs o of channel c} multiplier_o ⊙ FFT(output_o) — the end of N̂(src);
 *   2. combines:   for each listed combine in order, dst = Σ_j coef_j ⊙ reg_j (specs/pde.md §4's stage and
 *                  history updates);
 *   3. inputs:     input j = multiplier_j ⊙ in_src[channel_j] — the start of the next N̂ (the inverse FFT follows).
 * Each invocation reads and writes only its own point (c, k) of every register and does the parts in program
 * order, so a part may read what an earlier part just wrote (a combine reads the N̂ it follows; the inputs read
 * the combines' result). A 256-byte slot of the op uniform buffer (dynamic offset).
 */
struct StageOp {
  acc_dst: u32, // accumulate: element offset of N̂'s destination, or NONE
  in_src: u32, // inputs: element offset of the register N̂ is evaluated at, or NONE
  first_combine: u32, // combines: index of the first in the combine list
  combines: u32, // how many
}

/** the step's index within the current batch (a 256-byte slot per index, written once) */
struct StepSlot {
  index: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

/**
 * The watchdog: batch_first is the lowest in-batch index of a step that ended non-finite (NONE if none); at the
 * end of every batch watch_fold turns it into a global step number (first_bad, 1-based like the CPU's `steps`).
 */
struct Watch {
  batch_first: atomic<u32>,
  first_bad: u32,
  done: u32, // steps completed on the GPU
  _pad: u32,
}

fn cmul(a: vec2f, b: vec2f) -> vec2f {
  return vec2f(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}

fn linear_index(gid: vec3u, groups: vec3u) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

/** exponent bits all ones: ±Inf or NaN (bit test, so a compiler's no-NaN assumptions cannot remove it) */
fn is_finite(v: vec2f) -> bool {
  let e = bitcast<vec2u>(v) & vec2u(0x7f800000u);
  return all(e != vec2u(0x7f800000u));
}

// ---- stage: accumulate → combine → inputs ------------------------------------------------------------------

@group(0) @binding(0) var<uniform> stage_layout: Layout;
@group(0) @binding(1) var<uniform> stage_op: StageOp;
@group(0) @binding(2) var<storage, read_write> stage_regs: array<vec2f>;
@group(0) @binding(3) var<storage, read> stage_coefs: array<vec2f>;
@group(0) @binding(4) var<storage, read> stage_mults: array<vec2f>;
@group(0) @binding(5) var<storage, read> stage_outputs: array<vec2f>;
@group(0) @binding(6) var<storage, read_write> stage_inputs: array<vec2f>;
@group(0) @binding(7) var<storage, read> stage_combines: array<CombineOp>;

@compute @workgroup_size(WG)
fn stage(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups);
  let size = stage_layout.size;
  if (i >= stage_layout.channels * size) {
    return;
  }
  let c = i / size;
  let k = i % size;
  if (stage_op.acc_dst != NONE) {
    let first_output = stage_layout.inputs * size;
    var sum = vec2f(0.0);
    for (var o = 0u; o < stage_layout.outputs; o++) {
      if (stage_layout.out_channel[o / 4u][o % 4u] == c) {
        sum += cmul(stage_mults[first_output + o * size + k], stage_outputs[o * size + k]);
      }
    }
    stage_regs[stage_op.acc_dst + i] = sum;
  }
  for (var m = 0u; m < stage_op.combines; m++) {
    let op = &stage_combines[stage_op.first_combine + m];
    var acc = vec2f(0.0);
    for (var j = 0u; j < (*op).terms; j++) {
      let value = stage_regs[(*op).reg[j / 4u][j % 4u] + i];
      let at = (*op).coef[j / 4u][j % 4u];
      var coef: vec2f;
      if (at == SCALAR) {
        let pair = (*op).scalar[j / 2u];
        coef = select(pair.xy, pair.zw, (j & 1u) == 1u);
      } else {
        coef = stage_coefs[at + i];
      }
      acc += cmul(coef, value);
    }
    stage_regs[(*op).dst + i] = acc;
  }
  if (stage_op.in_src != NONE) {
    let value = stage_regs[stage_op.in_src + i];
    for (var j = 0u; j < stage_layout.inputs; j++) {
      if (stage_layout.in_channel[j / 4u][j % 4u] == c) {
        stage_inputs[j * size + k] = cmul(stage_mults[j * size + k], value);
      }
    }
  }
}

// ---- end of a step: Hermitian projection and the watchdog ----------------------------------------------------

@group(0) @binding(0) var<uniform> fin_layout: Layout;
@group(0) @binding(1) var<uniform> fin_step: StepSlot;
@group(0) @binding(2) var<storage, read_write> fin_regs: array<vec2f>;
@group(0) @binding(3) var<storage, read_write> fin_watch: Watch;

/** storage index of −k: per axis j → (n − j) mod n */
fn mirror_index(k: u32, nx: u32, ny: u32) -> u32 {
  let x = k % nx;
  let y = k / nx;
  return ((ny - y) % ny) * nx + (nx - x) % nx;
}

// For a real field v̂(k) ← ½(v̂(k) + conj v̂(−k)) (src/core/pde/run.ts PdeProblem.mirror: without it round-off's
// anti-Hermitian part grows wherever Re L > 0). One invocation per pair, the one at the lower index, so the
// projection is in place. Then the watchdog: any non-finite value marks this step (atomicMin keeps the first).
@compute @workgroup_size(WG)
fn finish_step(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linear_index(gid, groups);
  let size = fin_layout.size;
  if (i >= fin_layout.channels * size) {
    return;
  }
  let c = i / size;
  let k = i % size;
  let base = fin_layout.v_offset + c * size;
  var value = fin_regs[base + k];
  if (fin_layout.real_field != 0u) {
    let m = mirror_index(k, fin_layout.nx, fin_layout.ny);
    if (m < k) {
      return;
    }
    let other = fin_regs[base + m];
    // halves first: ½a + ½b cannot overflow where a + b would (a diverging run is then flagged where its values are)
    value = 0.5 * value + 0.5 * vec2f(other.x, -other.y);
    fin_regs[base + k] = value;
    fin_regs[base + m] = vec2f(value.x, -value.y);
  }
  if (!is_finite(value)) {
    atomicMin(&fin_watch.batch_first, fin_step.index);
  }
}

/** after a batch (one invocation; the slot holds index = batch length − 1): record the first bad step, count the batch */
@compute @workgroup_size(1)
fn watch_fold() {
  let first = atomicLoad(&fin_watch.batch_first);
  if (first != NONE && fin_watch.first_bad == NONE) {
    fin_watch.first_bad = fin_watch.done + first + 1u;
  }
  fin_watch.done += fin_step.index + 1u;
  atomicStore(&fin_watch.batch_first, NONE);
}

// ---- field statistics (workgroup tree reductions, no float atomics) ------------------------------------------

@group(0) @binding(0) var<uniform> st_layout: Layout;
@group(0) @binding(1) var<storage, read> st_field: array<vec2f>;
@group(0) @binding(2) var<storage, read_write> st_partial: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> st_result: array<vec4f>;

const ST_WG: u32 = 256u;
/** (min Re, max Re, Σ Re, Σ |u|²) and max |u|² per invocation, then per tree level */
var<workgroup> st_a: array<vec4f, ST_WG>;
var<workgroup> st_b: array<f32, ST_WG>;

fn st_merge(t: u32, other: u32) {
  let a = st_a[t];
  let b = st_a[other];
  st_a[t] = vec4f(min(a.x, b.x), max(a.y, b.y), a.z + b.z, a.w + b.w);
  st_b[t] = max(st_b[t], st_b[other]);
}

fn st_tree(t: u32) {
  for (var stride = ST_WG / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (t < stride) {
      st_merge(t, t + stride);
    }
  }
  workgroupBarrier();
}

/** workgroup (g, c): the points k ≡ g·256 + t (mod groups·256) of channel c → partial [c][g] (two vec4f) */
@compute @workgroup_size(ST_WG)
fn stats_partial(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let t = lid.x;
  let g = wid.x;
  let c = wid.y;
  let size = st_layout.size;
  let stride = st_layout.stat_groups * ST_WG;
  var acc = vec4f(MAX_F32, -MAX_F32, 0.0, 0.0);
  var peak = 0.0;
  for (var k = g * ST_WG + t; k < size; k += stride) {
    let u = st_field[c * size + k];
    let m2 = dot(u, u);
    acc = vec4f(min(acc.x, u.x), max(acc.y, u.x), acc.z + u.x, acc.w + m2);
    peak = max(peak, m2);
  }
  st_a[t] = acc;
  st_b[t] = peak;
  st_tree(t);
  if (t == 0u) {
    let at = 2u * (c * st_layout.stat_groups + g);
    st_partial[at] = st_a[0];
    st_partial[at + 1u] = vec4f(st_b[0], 0.0, 0.0, 0.0);
  }
}

/** workgroup c: the channel's partials → result [c] = (min, max, Σ Re, Σ |u|²), (max |u|², 0, 0, 0) */
@compute @workgroup_size(ST_WG)
fn stats_final(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let t = lid.x;
  let c = wid.x;
  let groups = st_layout.stat_groups;
  var acc = vec4f(MAX_F32, -MAX_F32, 0.0, 0.0);
  var peak = 0.0;
  for (var g = t; g < groups; g += ST_WG) {
    let a = st_partial[2u * (c * groups + g)];
    let b = st_partial[2u * (c * groups + g) + 1u];
    acc = vec4f(min(acc.x, a.x), max(acc.y, a.y), acc.z + a.z, acc.w + a.w);
    peak = max(peak, b.x);
  }
  st_a[t] = acc;
  st_b[t] = peak;
  st_tree(t);
  if (t == 0u) {
    st_result[2u * c] = st_a[0];
    st_result[2u * c + 1u] = vec4f(st_b[0], 0.0, 0.0, 0.0);
  }
}

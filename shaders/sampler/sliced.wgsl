// Sliced W2 on the GPU (specs/samplers.md §17.3a diagnostics), twin of src/core/metrics/sliced.ts.
// One workgroup per direction θ_k: it projects the m points on θ_k into workgroup memory, pads to a power of two
// with a value larger than any projection, sorts with a bitonic network (Batcher 1968; every compare-and-swap
// stage is separated by a workgroup barrier), and then either writes the sorted projections (the reference set,
// once per set) or reduces Σ_i (θ·x_(i) − θ·y_(i))² against the stored sorted reference (each run). Only the
// per-direction sums are read back. m ≤ SORT_SIZE = 4096 (METRIC_SAMPLES): 16 KiB of workgroup memory, the
// WebGPU default limit. THREADS invocations per workgroup, set per device (gpuMetrics.ts, barrierWorkgroupSize):
// 64 on a GPU (32 compare-and-swaps each per stage at m = 4096); 4 on a software adapter, which parks and resumes
// every SIMD-4 group of a workgroup at each of the sort's barriers.
const SORT_SIZE: u32 = 4096u;
override THREADS: u32 = 64u;

// padding sorts after every projection; both sets get the same padding, and only i < m is ever compared
const PAD: f32 = 3.0e38;

struct SlicedParams {
  x_offset: u32, // first float of the points in `points`
  m: u32,        // points (both sets have m)
  dim: u32,
  padded: u32,   // power of two ≥ m, ≤ SORT_SIZE
}

@group(0) @binding(0) var<uniform> params: SlicedParams;
@group(0) @binding(1) var<storage, read> points: array<f32>;
@group(0) @binding(2) var<storage, read> directions: array<f32>;
@group(0) @binding(3) var<storage, read> reference_sorted: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

var<workgroup> keys: array<f32, SORT_SIZE>;

// projections of the points on direction k into `keys`, padded, then sorted ascending
fn project_and_sort(k: u32, lid: u32) {
  let d = params.dim;
  for (var i = lid; i < params.padded; i += THREADS) {
    var v = PAD;
    if (i < params.m) {
      v = 0.0;
      for (var c = 0u; c < d; c++) {
        v += points[params.x_offset + i * d + c] * directions[k * d + c];
      }
    }
    keys[i] = v;
  }
  workgroupBarrier();
  // bitonic sort: for block size s = 2, 4, …, padded and stride j = s/2, …, 1, thread t handles the pair
  // (i, i + j) with i = t with a zero bit inserted at log2(j); the pair is ascending when bit s of i is clear
  for (var s = 2u; s <= params.padded; s <<= 1u) {
    for (var j = s >> 1u; j > 0u; j >>= 1u) {
      for (var t = lid; t < params.padded / 2u; t += THREADS) {
        let i = 2u * t - (t & (j - 1u));
        let l = i + j;
        let a = keys[i];
        let b = keys[l];
        if ((a > b) == ((i & s) == 0u)) {
          keys[i] = b;
          keys[l] = a;
        }
      }
      workgroupBarrier();
    }
  }
}

// out[k·m + i] = i-th smallest projection on direction k (the reference set)
@compute @workgroup_size(THREADS)
fn sort_reference(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let k = wid.x;
  project_and_sort(k, lid);
  for (var i = lid; i < params.m; i += THREADS) {
    out[k * params.m + i] = keys[i];
  }
}

// out[k] = Σ_i (θ_k·x_(i) − θ_k·y_(i))², y the reference set sorted by sort_reference
@compute @workgroup_size(THREADS)
fn sliced_sums(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let k = wid.x;
  project_and_sort(k, lid);
  var partial = 0.0;
  for (var i = lid; i < params.m; i += THREADS) {
    let diff = keys[i] - reference_sorted[k * params.m + i];
    partial += diff * diff;
  }
  // tree reduction of the THREADS partial sums, reusing the sort's workgroup memory once everyone has read it
  workgroupBarrier();
  keys[lid] = partial;
  workgroupBarrier();
  for (var half = THREADS / 2u; half > 0u; half >>= 1u) {
    if (lid < half) {
      keys[lid] += keys[lid + half];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    out[k] = keys[0];
  }
}

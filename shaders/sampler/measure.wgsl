// Batch statistics of driven programs (src/core/sampling/program.ts Measure; float64 twin: interpreter.ts
// measureCpu): adaptive error norms (specs §4.8, scipy RK45) and the Langevin corrector's mean norms (§12).
// measure_rows writes one value per particle; reduce_rows adds and maxes them in one workgroup, so only two
// floats per measure come back to the host.

struct MeasureParams {
  a_offset: u32,
  b_offset: u32,
  s0_offset: u32,
  s1_offset: u32,
  n: u32,
  dim: u32,
  has_b: u32,
  scale_count: u32, // 0: no scale, 1 or 2 registers in max_j |reg_j|
  scale_form: u32,  // 0: δ = max(atol, rtol·m), 1: δ = atol + rtol·m
  reduce: u32,      // 0: Σ squares (rms), 1: per-particle RMS (max-rms), 2: per-particle L2 norm (mean-norm)
  atol: f32,
  rtol: f32,
  result_index: u32, // where reduce_rows writes [sum, max]
}

@group(0) @binding(0) var<uniform> params: MeasureParams;
@group(0) @binding(1) var<storage, read> regs: array<f32>;
@group(0) @binding(2) var<storage, read_write> rows: array<f32>;
@group(0) @binding(3) var<storage, read_write> results: array<f32>;

@compute @workgroup_size(64)
fn measure_rows(@builtin(global_invocation_id) gid: vec3u) {
  let p = gid.x;
  if (p >= params.n) {
    return;
  }
  let d = params.dim;
  var ss = 0.0;
  for (var j = 0u; j < d; j++) {
    let i = p * d + j;
    var v = regs[params.a_offset + i];
    if (params.has_b == 1u) {
      v -= regs[params.b_offset + i];
    }
    if (params.scale_count > 0u) {
      var m = abs(regs[params.s0_offset + i]);
      if (params.scale_count > 1u) {
        m = max(m, abs(regs[params.s1_offset + i]));
      }
      let delta = select(params.atol + params.rtol * m, max(params.atol, params.rtol * m), params.scale_form == 0u);
      v /= delta;
    }
    ss += v * v;
  }
  var row = ss;
  if (params.reduce == 1u) {
    row = sqrt(ss / f32(d));
  } else if (params.reduce == 2u) {
    row = sqrt(ss);
  }
  rows[p] = row;
}

const REDUCE_WORKGROUP: u32 = 256u;
var<workgroup> partial_sum: array<f32, REDUCE_WORKGROUP>;
var<workgroup> partial_max: array<f32, REDUCE_WORKGROUP>;

@compute @workgroup_size(256)
fn reduce_rows(@builtin(local_invocation_index) lid: u32) {
  var s = 0.0;
  var m = 0.0;
  for (var p = lid; p < params.n; p += REDUCE_WORKGROUP) {
    s += rows[p];
    m = max(m, rows[p]);
  }
  partial_sum[lid] = s;
  partial_max[lid] = m;
  workgroupBarrier();
  for (var stride = REDUCE_WORKGROUP / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      partial_sum[lid] += partial_sum[lid + stride];
      partial_max[lid] = max(partial_max[lid], partial_max[lid + stride]);
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    results[2u * params.result_index] = partial_sum[0];
    results[2u * params.result_index + 1u] = partial_max[0];
  }
}

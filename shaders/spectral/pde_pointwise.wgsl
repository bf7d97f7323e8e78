// The physical-space half of a nonlinear evaluation (specs/pde.md §9.1 "pointwise nonlinearity per equation").
// src/engine/pde/gpuPde.ts prepends, per equation: `struct Params` (one f32 per parameter, named like the
// equation's), `const NI`, `const NO`, and `fn pointwise(inp: array<vec2f, NI>, x: vec2f) -> array<vec2f, NO>`
// whose body is the equation's `nonlinear(dims).wgsl` snippet.
// inputs [NI][K] (after the inverse FFT) → outputs [NO][K] (the forward FFT follows); x = the point's position.

struct PointGrid {
  size: u32, // K
  nx: u32,
  dx: f32, // L_x / n_x
  dy: f32, // L_y / n_y (0 in 1D)
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<uniform> point_grid: PointGrid;
@group(0) @binding(2) var<storage, read> point_inputs: array<vec2f>;
@group(0) @binding(3) var<storage, read_write> point_outputs: array<vec2f>;

@compute @workgroup_size(64)
fn pointwise_main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  let size = point_grid.size;
  if (i >= size) {
    return;
  }
  var inp: array<vec2f, NI>;
  for (var j = 0u; j < NI; j++) {
    inp[j] = point_inputs[j * size + i];
  }
  let x = vec2f(f32(i % point_grid.nx) * point_grid.dx, f32(i / point_grid.nx) * point_grid.dy);
  var out = pointwise(inp, x);
  for (var j = 0u; j < NO; j++) {
    point_outputs[j * size + i] = out[j];
  }
}

// sin and cos for snippets, accurate to a few 1e-8 plus the argument's own f32 rounding. WGSL's builtins promise
// only 2^-11 absolute error and only on [−π, π]; SwiftShader's cos measured 1.9e-4 there, which alone broke the
// 1e-5 GPU–CPU agreement of forced Navier–Stokes (A k_f cos(k_f y)). Cody–Waite reduction by π/2 (8-bit high
// part, so q·C1 is exact), then Taylor polynomials on [−π/4, π/4] (truncation ≤ 2.5e-8).
fn pde_sincos(x: f32) -> vec2f {
  let q = round(x * 0.63661977236758134);
  let t = (x - q * 1.5703125) - q * 4.8382679e-4;
  let t2 = t * t;
  let s = t * (1.0 + t2 * (-1.0 / 6.0 + t2 * (1.0 / 120.0 + t2 * (-1.0 / 5040.0 + t2 * (1.0 / 362880.0)))));
  let c = 1.0 + t2 * (-0.5 + t2 * (1.0 / 24.0 + t2 * (-1.0 / 720.0 + t2 * (1.0 / 40320.0))));
  switch (i32(q) & 3) {
    case 0: {
      return vec2f(s, c);
    }
    case 1: {
      return vec2f(c, -s);
    }
    case 2: {
      return vec2f(-s, -c);
    }
    default: {
      return vec2f(-c, s);
    }
  }
}

fn pde_sin(x: f32) -> f32 {
  return pde_sincos(x).x;
}

fn pde_cos(x: f32) -> f32 {
  return pde_sincos(x).y;
}

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

// Out-of-place entry point of the line FFT (fft_lines.wgsl is prepended): reads `src`, writes `dst` (the two
// steps of the four-step FFT, and the first/last pass of the real-data transforms).

@group(0) @binding(2) var<storage, read> src: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read_write> dst: array<vec2<f32>>;

@compute @workgroup_size(256)
fn fft_lines_out_of_place(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let first = (wid.y * p.grid_x + wid.x) * p.lines_per_group;
  let inverse = p.inverse != 0u;
  for (var r = 0u; r < TILE / THREADS; r = r + 1u) {
    let c = tile_coords(t + r * THREADS, p.in_elem == 1u);
    let g = first + c.x;
    if (g < p.lines) {
      tile[c.x * p.n + c.y] = conj_if(src[in_address(g, c.y)], inverse);
    }
  }
  workgroupBarrier();
  let at = transform_tile(t);
  for (var r = 0u; r < TILE / THREADS; r = r + 1u) {
    let c = tile_coords(t + r * THREADS, p.out_elem == 1u);
    let g = first + c.x;
    if (g < p.lines) {
      dst[out_address(g, c.y)] = finish(tile[at + c.x * p.n + c.y], g, c.y);
    }
  }
}

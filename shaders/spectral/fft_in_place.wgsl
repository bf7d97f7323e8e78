// In-place entry point of the line FFT (fft_lines.wgsl is prepended): each workgroup reads its lines from
// `data` and writes them back to the same addresses, so no two workgroups touch the same value.

@group(0) @binding(2) var<storage, read_write> data: array<vec2<f32>>;

@compute @workgroup_size(256)
fn fft_lines_in_place(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let first = (wid.y * p.grid_x + wid.x) * p.lines_per_group;
  let inverse = p.inverse != 0u;
  for (var r = 0u; r < TILE / THREADS; r = r + 1u) {
    let c = tile_coords(t + r * THREADS, p.in_elem == 1u);
    let g = first + c.x;
    if (g < p.lines) {
      tile[c.x * p.n + c.y] = conj_if(data[in_address(g, c.y)], inverse);
    }
  }
  workgroupBarrier();
  let at = transform_tile(t);
  for (var r = 0u; r < TILE / THREADS; r = r + 1u) {
    let c = tile_coords(t + r * THREADS, p.out_elem == 1u);
    let g = first + c.x;
    if (g < p.lines) {
      data[out_address(g, c.y)] = finish(tile[at + c.x * p.n + c.y], g, c.y);
    }
  }
}

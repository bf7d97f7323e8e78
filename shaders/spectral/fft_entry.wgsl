// Entry point of the line FFT (fft_lines.wgsl is prepended). Each workgroup loads its lines from the source
// buffer into workgroup memory, transforms them and stores them to the destination buffer. The binding block,
// the entry name and the two buffer names are placeholders that shaders/index.ts fills in twice: in place
// (source = destination = `data`, one read_write binding; each workgroup writes back the addresses it read,
// so no two workgroups touch the same value) and out of place (`src` → `dst`: the four-step FFT's steps and
// the real-data transforms' first and last passes).

BINDINGS

@compute @workgroup_size(THREADS)
fn ENTRY(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let tiles = (p.lines + p.lines_per_group - 1u) >> p.log2_lines_per_group;
  let inverse = p.inverse != 0u;
  for (var tile_index = wid.y * p.grid_x + wid.x; tile_index < tiles; tile_index = tile_index + p.groups_total) {
    let first = tile_index * p.lines_per_group;
    for (var r = 0u; r < TILE / THREADS; r = r + 1u) {
      let c = tile_coords(t + r * THREADS, p.in_elem == 1u);
      let g = first + c.x;
      if (g < p.lines) {
        tile[c.x * p.n + c.y] = conj_if(SRC[in_address(g, c.y)], inverse);
      }
    }
    workgroupBarrier();
    let at = transform_tile(t);
    for (var r = 0u; r < TILE / THREADS; r = r + 1u) {
      let c = tile_coords(t + r * THREADS, p.out_elem == 1u);
      let g = first + c.x;
      if (g < p.lines) {
        DST[out_address(g, c.y)] = finish(tile[at + c.x * p.n + c.y], g, c.y);
      }
    }
    // the next tile overwrites the workgroup array
    workgroupBarrier();
  }
}

// The PDE lab's 2D colour map (views/pde/fieldMap.ts): one full-screen triangle; each fragment reads its grid
// point from the solver's display buffer ([channel][y][x] vec2f, the inverse FFT of the state, written by
// GpuPdeSolver.physicalBuffer in the same command buffer) and maps it through a 256-entry colour table.
// Row y = 0 is at the bottom (the math convention; the 2D-canvas fallback draws the same way).

struct View {
  nx: u32,
  ny: u32,
  /** index of the shown channel's first point */
  offset: u32,
  /** 1: show |u| (complex field), 0: the real part */
  complex: u32,
  lo: f32,
  hi: f32,
  _pad0: f32,
  _pad1: f32,
}

@group(0) @binding(0) var<uniform> view: View;
@group(0) @binding(1) var<storage, read> field: array<vec2f>;
@group(0) @binding(2) var<storage, read> lut: array<vec4f, 256>;

struct VertexOut {
  @builtin(position) position: vec4f,
  @location(0) uv: vec2f,
}

@vertex
fn vs(@builtin(vertex_index) index: u32) -> VertexOut {
  var corners = array<vec2f, 3>(vec2f(-1.0, -1.0), vec2f(3.0, -1.0), vec2f(-1.0, 3.0));
  let p = corners[index];
  var out: VertexOut;
  out.position = vec4f(p, 0.0, 1.0);
  out.uv = (p + 1.0) * 0.5;
  return out;
}

@fragment
fn fs(in: VertexOut) -> @location(0) vec4f {
  let ix = min(u32(in.uv.x * f32(view.nx)), view.nx - 1u);
  let iy = min(u32(in.uv.y * f32(view.ny)), view.ny - 1u);
  let u = field[view.offset + iy * view.nx + ix];
  let value = select(u.x, length(u), view.complex == 1u);
  let span = max(view.hi - view.lo, 1e-30);
  let t = clamp((value - view.lo) / span, 0.0, 1.0);
  // a non-finite value (a blown-up run) shows as magenta, never as a plausible colour
  if (!(value == value) || abs(value) > 3.0e38) {
    return vec4f(1.0, 0.0, 1.0, 1.0);
  }
  return lut[u32(round(t * 255.0))];
}

// The 2D field as a 3D height surface (issue #6 view 1): three.js, an orbit camera (drag to turn, wheel to
// zoom, right-drag to pan), the colour map of the flat view on the vertices, and a height scale. Drawn from
// the field the lab reads back at its sample cadence (the same arrays the 2D-canvas colour map paints; a
// surface is a few frames a second of read-back at most, DESIGN §4 allows it for views that need the CPU).
// Like the sampler lab's flow view: WebGPURenderer on the app's device where its canvas can be presented,
// three's WebGL2 backend otherwise (headless SwiftShader, no WebGPU, after device loss).

import {
  AmbientLight,
  BufferAttribute,
  BufferGeometry,
  Color,
  DirectionalLight,
  DoubleSide,
  Mesh,
  MeshLambertNodeMaterial,
  PerspectiveCamera,
  SRGBColorSpace,
  Scene,
  WebGPURenderer,
} from 'three/webgpu';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import type { ColormapName } from '../../state/pdeStore.ts';
import { colormapTable } from './colormaps.ts';

/** the most vertices per axis (the field is subsampled above this) */
const MAX_VERTICES_PER_AXIS = 128;
/** the height of the full colour range at height scale 1, in box widths */
const BASE_HEIGHT = 0.35;

export interface SurfaceReport {
  renderer: 'webgpu' | 'webgl2';
  /** vertices per axis of the mesh */
  vertices: [number, number];
  heightScale: number;
  range: [number, number];
  /** the drawn heights' min and max (box widths) */
  heights: [number, number];
  draws: number;
}

export class SurfaceView {
  private readonly scene = new Scene();
  private readonly camera = new PerspectiveCamera(40, 1, 0.01, 20);
  private readonly controls: OrbitControls;
  private readonly mesh: Mesh<BufferGeometry, MeshLambertNodeMaterial>;
  private readonly resizeObserver: ResizeObserver;
  private shape: [number, number] = [0, 0];
  private colormap: ColormapName | null = null;
  private linear = new Float32Array(256 * 3);
  private draws = 0;
  private destroyed = false;
  private heights: [number, number] = [0, 0];

  private constructor(
    private readonly renderer: WebGPURenderer,
    private readonly container: HTMLElement,
    readonly gpu: boolean,
  ) {
    this.camera.position.set(0.55, 1.15, 1.7);
    this.controls = new OrbitControls(this.camera, renderer.domElement);
    this.controls.target.set(0, 0.1, 0);
    this.controls.minDistance = 0.4;
    this.controls.maxDistance = 6;
    this.controls.update();
    this.controls.addEventListener('change', () => this.render());
    this.scene.add(new AmbientLight(0xffffff, 1.6));
    const sun = new DirectionalLight(0xffffff, 1.6);
    sun.position.set(0.6, 2, 1);
    this.scene.add(sun);
    this.mesh = new Mesh(new BufferGeometry(), new MeshLambertNodeMaterial({ vertexColors: true, side: DoubleSide }));
    this.scene.add(this.mesh);
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(container);
    this.resize();
  }

  /** a surface in `container` (its canvas gets `label`): on `device` (WebGPU) or, with null, on WebGL2 */
  static async create(container: HTMLElement, device: GPUDevice | null, label: string): Promise<SurfaceView> {
    const canvas = document.createElement('canvas');
    canvas.className = 'pde-surface-canvas';
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', label);
    canvas.style.display = 'block';
    canvas.style.width = '100%';
    canvas.style.touchAction = 'none';
    const renderer = device ? new WebGPURenderer({ canvas, device, antialias: true }) : new WebGPURenderer({ canvas, forceWebGL: true, antialias: true });
    try {
      await renderer.init();
    } catch (error) {
      renderer.dispose();
      throw error;
    }
    const webgpu = Boolean((renderer.backend as { isWebGPUBackend?: boolean }).isWebGPUBackend);
    if (device && !webgpu) {
      renderer.dispose();
      throw new Error('three.js did not start its WebGPU backend on the app device');
    }
    renderer.setClearColor(new Color('#0c111b'), 1);
    container.appendChild(canvas);
    return new SurfaceView(renderer, container, webgpu);
  }

  private resize(): void {
    const width = Math.max(1, this.container.clientWidth);
    const height = width;
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
    this.renderer.setSize(width, height);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
    this.render();
  }

  /** back to the starting view */
  resetCamera(): void {
    this.camera.position.set(0.55, 1.15, 1.7);
    this.controls.target.set(0, 0.1, 0);
    this.controls.update();
    this.render();
  }

  private ensureMesh(mx: number, my: number): void {
    if (this.shape[0] === mx && this.shape[1] === my) return;
    this.shape = [mx, my];
    const geometry = new BufferGeometry();
    const positions = new Float32Array(3 * mx * my);
    for (let j = 0; j < my; j++)
      for (let i = 0; i < mx; i++) {
        const p = 3 * (j * mx + i);
        positions[p] = i / (mx - 1) - 0.5;
        // row y = 0 in front (near the viewer), as the colour map draws it at the bottom
        positions[p + 2] = 0.5 - j / (my - 1);
      }
    const index: number[] = [];
    for (let j = 0; j < my - 1; j++)
      for (let i = 0; i < mx - 1; i++) {
        const a = j * mx + i;
        index.push(a, a + mx, a + 1, a + 1, a + mx, a + mx + 1);
      }
    geometry.setAttribute('position', new BufferAttribute(positions, 3));
    geometry.setAttribute('color', new BufferAttribute(new Float32Array(3 * mx * my), 3));
    geometry.setIndex(index);
    this.mesh.geometry.dispose();
    this.mesh.geometry = geometry;
  }

  private setColormap(name: ColormapName): void {
    if (this.colormap === name) return;
    this.colormap = name;
    const table = colormapTable(name);
    const c = new Color();
    for (let i = 0; i < 256; i++) {
      // the table is sRGB; vertex colours are linear
      c.setRGB(table[4 * i] / 255, table[4 * i + 1] / 255, table[4 * i + 2] / 255, SRGBColorSpace);
      this.linear.set([c.r, c.g, c.b], 3 * i);
    }
  }

  /** the field (row-major, y = 0 first, nx × ny) as heights and colours; `range` maps to [0, BASE_HEIGHT·scale] */
  setField(values: ArrayLike<number>, nx: number, ny: number, range: [number, number], colormap: ColormapName, heightScale: number): SurfaceReport {
    const mx = Math.min(nx, MAX_VERTICES_PER_AXIS);
    const my = Math.min(ny, MAX_VERTICES_PER_AXIS);
    this.ensureMesh(mx, my);
    this.setColormap(colormap);
    const geometry = this.mesh.geometry;
    const positions = geometry.getAttribute('position') as BufferAttribute;
    const colors = geometry.getAttribute('color') as BufferAttribute;
    const [lo, hi] = range;
    const span = hi - lo || 1;
    let hMin = Infinity;
    let hMax = -Infinity;
    for (let j = 0; j < my; j++) {
      const gy = Math.floor((j * ny) / my);
      for (let i = 0; i < mx; i++) {
        const gx = Math.floor((i * nx) / mx);
        const raw = values[gy * nx + gx];
        const t = Number.isFinite(raw) ? Math.min(1, Math.max(0, (raw - lo) / span)) : 0;
        const h = BASE_HEIGHT * heightScale * t;
        const v = j * mx + i;
        (positions.array as Float32Array)[3 * v + 1] = h;
        const c = 3 * Math.min(255, Math.floor(t * 256));
        (colors.array as Float32Array).set(this.linear.subarray(c, c + 3), 3 * v);
        hMin = Math.min(hMin, h);
        hMax = Math.max(hMax, h);
      }
    }
    positions.needsUpdate = true;
    colors.needsUpdate = true;
    geometry.computeVertexNormals();
    geometry.computeBoundingSphere();
    this.heights = [hMin, hMax];
    this.render();
    return { renderer: this.gpu ? 'webgpu' : 'webgl2', vertices: [mx, my], heightScale, range, heights: this.heights, draws: this.draws };
  }

  private render(): void {
    if (this.destroyed || this.shape[0] === 0) return;
    this.renderer.render(this.scene, this.camera);
    this.draws++;
  }

  destroy(): void {
    this.destroyed = true;
    this.resizeObserver.disconnect();
    this.controls.dispose();
    this.mesh.geometry.dispose();
    this.mesh.material.dispose();
    const canvas = this.renderer.domElement;
    try {
      this.renderer.dispose();
    } catch (error) {
      console.warn('pde surface: dispose failed:', error);
    }
    canvas.remove();
  }
}

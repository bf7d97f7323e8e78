// The flow view (three.js, WebGPURenderer): particles carried from noise (t = tStart) to data (t = tEnd) by
// each shown solver, their trajectories as lines, and the true density of p_{t_end} behind them.
//
// GPU path (DESIGN §4): the sampler records the trajectory in its register file; the run controller copies
// it (GPU → GPU) into a buffer it owns per solver, and this view copies that (GPU → GPU again) into the
// GPUBuffer three created for a StorageBufferAttribute. The vertex shaders read particle positions from
// that storage buffer and interpolate between grid points; per frame only a uniform (the time) changes.
// Nothing about particle positions ever crosses to the CPU.
//
// CPU path (no WebGPU, or after device loss): three's WebGL2 backend; the trajectory comes from the float64
// CPU run, and particle positions are interpolated on the CPU when the time changes.

import {
  Color,
  DataTexture,
  InstancedBufferAttribute,
  BufferAttribute,
  BufferGeometry,
  LineBasicNodeMaterial,
  LineSegments,
  Mesh,
  MeshBasicNodeMaterial,
  OrthographicCamera,
  PlaneGeometry,
  Points,
  PointsNodeMaterial,
  RGBAFormat,
  SRGBColorSpace,
  Scene,
  Sprite,
  StorageBufferAttribute,
  UnsignedByteType,
  WebGPURenderer,
  LinearFilter,
  type Node,
} from 'three/webgpu';
import { attribute, exp, float, floor, instancedBufferAttribute, instanceIndex, min, mix, select, smoothstep, storage, uniform, uint, uv, varying, vec3, vertexIndex } from 'three/tsl';
import type { SampleSpec } from '../core/spec/spec.ts';
import { densityImage } from './density.ts';
import { solverColor } from './palette.ts';

/** The latest trajectory of one solver, as the run controller keeps it. */
export interface TrajectorySnapshot {
  solver: string;
  /** the layer it replaces on the next run (default: the solver; the page: one per shown configuration) */
  id?: string;
  /** its configuration's colour (default: the solver's) */
  color?: string;
  /** its configuration's index (0: the spec's own) and label (ui/configurations.ts), for export names */
  index?: number;
  label?: string;
  n: number;
  dim: number;
  steps: number;
  /** grid times t_0 = tStart > … > t_steps = tEnd */
  times: number[];
  /** bumps on every new run */
  version: number;
  /** GPU path: (steps + 1)·n·dim float32, grid-index major: x_i of particle p, coordinate j at (i·n + p)·dim + j */
  gpu?: GPUBuffer;
  /** CPU path: the same layout */
  cpu?: Float32Array | Float64Array;
}

const layerId = (snapshot: TrajectorySnapshot): string => snapshot.id ?? snapshot.solver;
const snapshotColor = (snapshot: TrajectorySnapshot): string => snapshot.color ?? solverColor(snapshot.solver);

export interface FlowViewOptions {
  /** the app's GPUDevice (GPU path); omitted: WebGL2 fallback with CPU data */
  device?: GPUDevice;
  /**
   * Likely software rendering (a software adapter, or no WebGPU): a low frame rate and no multisampling (on
   * SwiftShader's WebGL the frames after a 3-configuration run took 883 ms with 4× MSAA, 533 ms without)
   */
  lowPower?: boolean;
  /** trajectories drawn per solver (all particles are drawn) */
  maxLines?: number;
  /** seconds for one pass from noise to data */
  playSeconds?: number;
}

export interface FlowViewState {
  /** 0 = t_start (noise), 1 = t_end (data) */
  progress: number;
  playing: boolean;
  /** the time t shown (of the first layer), or null without data */
  time: number | null;
  /** grid position (step) shown, or null */
  step: number | null;
  steps: number | null;
}

interface Layer {
  key: string;
  snapshot: TrajectorySnapshot;
  /** sized round sprites; one-pixel points when rendering is likely software (cpuLayer) */
  particles: Sprite | Points;
  lines: LineSegments;
  /** grid position s ∈ [0, steps] shown */
  position: { value: number };
  // GPU path
  storageAttribute?: StorageBufferAttribute;
  copiedVersion: number;
  // CPU path
  instancePositions?: BufferAttribute;
  lineProgress?: BufferAttribute;
}

const PARTICLE_PIXELS = 3;
/** trajectory opacity: the whole path faintly, the last few steps before the particle brightly (a tail);
 * blending happens in linear light, so small alphas already show (0.015 linear ≈ 13 % perceived) */
const LINE_ALPHA_PATH = 0.015;
const LINE_ALPHA_TAIL = 0.35;
const LINE_TAIL_STEPS = 1.5;
const LINE_ALPHA_AHEAD = 0.006;

/** opacity of segment j (grid j → j + 1) when the particles are at grid position s */
function lineAlpha(segment: Node<'float'>, position: Node<'float'>) {
  const behind = position.sub(segment).sub(1).max(0);
  const tail = exp(behind.negate().div(LINE_TAIL_STEPS)).mul(LINE_ALPHA_TAIL).add(LINE_ALPHA_PATH);
  return select(segment.lessThan(position), tail, float(LINE_ALPHA_AHEAD));
}

type BackendWithData = { get(object: object): { buffer?: GPUBuffer } };

export class FlowView {
  private readonly scene = new Scene();
  private readonly camera = new OrthographicCamera(-1, 1, 1, -1, -10, 10);
  private readonly layers = new Map<string, Layer>();
  private background: Mesh | null = null;
  private backgroundKey = '';
  private extent = 2.6;
  private progress = 1;
  private playing = false;
  private playStart = 0;
  private dirty = true;
  private frame = 0;
  private lastRender = 0;
  private destroyed = false;
  private compiling = false;
  private compileAgain = false;
  private readonly resizeObserver: ResizeObserver;
  private readonly listeners = new Set<(state: FlowViewState) => void>();
  private readonly maxLines: number;
  private readonly playSeconds: number;
  private readonly minFrameMs: number;

  private constructor(
    private readonly renderer: WebGPURenderer,
    private readonly container: HTMLElement,
    private readonly options: FlowViewOptions,
  ) {
    this.maxLines = options.maxLines ?? 512;
    this.playSeconds = options.playSeconds ?? 4;
    this.minFrameMs = options.lowPower ? 60 : 0;
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(container);
    this.resize();
    this.frame = requestAnimationFrame(this.tick);
  }

  /** Create the renderer (on the app's device, or WebGL2 without one) inside `container`. */
  static async create(container: HTMLElement, options: FlowViewOptions): Promise<FlowView> {
    const canvas = document.createElement('canvas');
    canvas.className = 'flow-canvas';
    const antialias = !options.lowPower;
    const renderer = options.device ? new WebGPURenderer({ canvas, device: options.device, antialias }) : new WebGPURenderer({ canvas, forceWebGL: true, antialias });
    try {
      await renderer.init();
    } catch (error) {
      renderer.dispose();
      throw error;
    }
    if (options.device && !(renderer.backend as { isWebGPUBackend?: boolean }).isWebGPUBackend) {
      renderer.dispose();
      throw new Error('three.js did not start its WebGPU backend on the app device');
    }
    renderer.setClearColor(new Color('#0c111b'), 1);
    container.appendChild(canvas);
    return new FlowView(renderer, container, options);
  }

  get gpuPath(): boolean {
    return Boolean(this.options.device);
  }

  onState(listener: (state: FlowViewState) => void): () => void {
    this.listeners.add(listener);
    listener(this.state());
    return () => this.listeners.delete(listener);
  }

  state(): FlowViewState {
    const first = this.layers.values().next().value as Layer | undefined;
    if (!first) return { progress: this.progress, playing: this.playing, time: null, step: null, steps: null };
    const { times, steps } = first.snapshot;
    const s = this.progress * steps;
    const i = Math.min(Math.floor(s), steps - 1);
    const f = s - i;
    return { progress: this.progress, playing: this.playing, time: times[i] + f * (times[i + 1] - times[i]), step: s, steps };
  }

  private emit(): void {
    const state = this.state();
    this.listeners.forEach((l) => l(state));
  }

  // ------------------------------------------------------------------------------------------ controls

  setProgress(progress: number): void {
    this.progress = Math.min(1, Math.max(0, progress));
    this.playing = false;
    this.dirty = true;
    this.emit();
  }

  play(): void {
    if (this.progress >= 1) this.progress = 0;
    this.playing = true;
    this.playStart = performance.now() - this.progress * this.playSeconds * 1000;
    this.dirty = true;
    this.emit();
  }

  pause(): void {
    this.playing = false;
    this.emit();
  }

  // ------------------------------------------------------------------------------------------ content

  /** The true density of p_{t_end} behind the particles (recomputed only when what it depends on changes). */
  setBackground(spec: SampleSpec): void {
    const key = JSON.stringify([spec.process, spec.target, spec.tEnd]);
    if (key === this.backgroundKey) return;
    this.backgroundKey = key;
    const image = densityImage(spec);
    this.extent = image.extent;
    if (this.background) {
      this.scene.remove(this.background);
      const material = this.background.material as MeshBasicNodeMaterial;
      material.map?.dispose();
      material.dispose();
      this.background.geometry.dispose();
    }
    const texture = new DataTexture(image.rgba, image.width, image.height, RGBAFormat, UnsignedByteType);
    texture.colorSpace = SRGBColorSpace;
    texture.magFilter = LinearFilter;
    texture.minFilter = LinearFilter;
    texture.needsUpdate = true;
    const plane = new Mesh(new PlaneGeometry(2 * image.extent, 2 * image.extent), new MeshBasicNodeMaterial({ map: texture, depthWrite: false }));
    plane.position.z = -1;
    plane.renderOrder = 0;
    this.background = plane;
    this.scene.add(plane);
    this.resize();
    this.compile();
  }

  /**
   * three compiles pipelines asynchronously and skips objects whose pipeline is not ready; this view renders
   * only when something changed, so it compiles new objects first and renders again once they are ready.
   */
  private compile(): void {
    this.dirty = true;
    if (this.compiling) {
      this.compileAgain = true;
      return;
    }
    this.compiling = true;
    this.renderer
      .compileAsync(this.scene, this.camera)
      .catch((error: unknown) => console.error('flow view: pipeline compilation failed:', error))
      .finally(() => {
        this.compiling = false;
        this.dirty = true;
        if (this.compileAgain && !this.destroyed) {
          this.compileAgain = false;
          this.compile();
        }
      });
  }

  /** Show these solvers' latest trajectories (others are removed). */
  setTrajectories(snapshots: TrajectorySnapshot[]): void {
    const wanted = new Set(snapshots.map(layerId));
    for (const [solver, layer] of this.layers) if (!wanted.has(solver)) this.removeLayer(solver, layer);
    let added = false;
    snapshots.forEach((snapshot, order) => {
      if (this.gpuPath ? !snapshot.gpu : !snapshot.cpu) return;
      const key = `${snapshot.n}:${snapshot.dim}:${snapshot.steps}`;
      let layer = this.layers.get(layerId(snapshot));
      let changed = false;
      if (layer && !this.gpuPath && layer.key !== key && layer.snapshot.n === snapshot.n && layer.snapshot.dim === snapshot.dim) {
        this.resizeCpuLines(layer, snapshot);
        layer.key = key;
        changed = true;
      } else if (!layer || layer.key !== key) {
        if (layer) this.removeLayer(layerId(snapshot), layer);
        layer = this.gpuPath ? this.gpuLayer(snapshot, key) : this.cpuLayer(snapshot, key);
        this.layers.set(layerId(snapshot), layer);
        this.scene.add(layer.lines, layer.particles);
        added = true;
        changed = true;
      } else if (layer.snapshot !== snapshot || layer.snapshot.version !== snapshot.version) {
        changed = true;
      }
      layer.snapshot = snapshot;
      // later solvers draw on top; lines under all particles
      layer.lines.renderOrder = 1 + order;
      layer.particles.renderOrder = 10 + order;
      if (!this.gpuPath && changed) this.updateCpuLines(layer);
    });
    if (added) this.compile();
    this.dirty = true;
    this.emit();
  }

  private removeLayer(solver: string, layer: Layer): void {
    this.scene.remove(layer.lines, layer.particles);
    layer.lines.geometry.dispose();
    (layer.lines.material as LineBasicNodeMaterial).dispose();
    (layer.particles.material as PointsNodeMaterial).dispose();
    if (layer.particles instanceof Points) layer.particles.geometry.dispose();
    this.layers.delete(solver);
  }

  private lineCount(snapshot: TrajectorySnapshot): number {
    return Math.min(this.maxLines, snapshot.n);
  }

  private particleMaterial(color: string, position: ReturnType<typeof vec3>): PointsNodeMaterial {
    const material = new PointsNodeMaterial({ transparent: true, depthWrite: false, depthTest: false });
    material.positionNode = position;
    material.sizeNode = float(PARTICLE_PIXELS);
    material.colorNode = uniform(new Color(color));
    // round particles
    material.opacityNode = smoothstep(float(0.5), float(0.3), uv().sub(0.5).length()).mul(0.85);
    return material;
  }

  private gpuLayer(snapshot: TrajectorySnapshot, key: string): Layer {
    const { n, dim, steps } = snapshot;
    const count = (steps + 1) * n * dim;
    const storageAttribute = new StorageBufferAttribute(new Float32Array(count), 1);
    const trajectory = storage(storageAttribute, 'float', count).toReadOnly();
    const position = uniform(steps);
    const uN = uint(n);
    const uDim = uint(dim);
    const yOffset = uint(dim > 1 ? 1 : 0);
    const yScale = float(dim > 1 ? 1 : 0);
    const point = (gridIndex: Node<'uint'>, particle: Node<'uint'>) => {
      const base = gridIndex.mul(uN).add(particle).mul(uDim);
      return vec3(trajectory.element(base), trajectory.element(base.add(yOffset)).mul(yScale), 0);
    };

    // particles: instance p at grid position s, linear between grid points i0 and i0 + 1
    const i0 = min(floor(position), float(steps - 1));
    const frac = position.sub(i0);
    const g0 = uint(i0);
    const particlePosition = mix(point(g0, uint(instanceIndex)), point(g0.add(1), uint(instanceIndex)), frac);
    const particles = new Sprite(this.particleMaterial(snapshotColor(snapshot), particlePosition as unknown as ReturnType<typeof vec3>));
    particles.count = n;
    particles.frustumCulled = false;

    // trajectories: line ℓ, segment j (grid j → j + 1); two vertices per segment
    const lines = this.lineCount(snapshot);
    const pair = vertexIndex.div(2);
    const end = vertexIndex.mod(2);
    const line = pair.div(steps);
    const segment = pair.mod(steps);
    const stride = uint(Math.max(1, Math.floor(n / lines)));
    const linePosition = point(segment.add(end), line.mul(stride));
    const lineMaterial = new LineBasicNodeMaterial({ transparent: true, depthWrite: false, depthTest: false });
    lineMaterial.positionNode = linePosition;
    lineMaterial.colorNode = uniform(new Color(snapshotColor(snapshot)));
    lineMaterial.opacityNode = varying(lineAlpha(float(segment), position));
    const geometry = new BufferGeometry();
    geometry.setAttribute('position', new BufferAttribute(new Float32Array(lines * steps * 2 * 3), 3));
    const lineSegments = new LineSegments(geometry, lineMaterial);
    lineSegments.frustumCulled = false;

    return { key, snapshot, particles, lines: lineSegments, position, storageAttribute, copiedVersion: -1 };
  }

  private cpuLayer(snapshot: TrajectorySnapshot, key: string): Layer {
    const { n } = snapshot;
    const position = uniform(snapshot.steps);
    let instancePositions: BufferAttribute;
    let particles: Sprite | Points;
    if (this.options.lowPower) {
      // one-pixel points: SwiftShader's WebGL spent most of a frame (~300 of ~400 ms) setting up the 2 tiny triangles
      // of each of 3 × 4096 sprites, in the path of every NFE change; a point is one vertex (WebGL draws it 1 px)
      instancePositions = new BufferAttribute(new Float32Array(n * 3), 3);
      const geometry = new BufferGeometry();
      geometry.setAttribute('position', instancePositions);
      const material = new PointsNodeMaterial({ transparent: true, depthWrite: false, depthTest: false });
      material.colorNode = uniform(new Color(snapshotColor(snapshot)));
      material.opacityNode = float(0.85);
      particles = new Points(geometry, material);
    } else {
      instancePositions = new InstancedBufferAttribute(new Float32Array(n * 3), 3);
      particles = new Sprite(this.particleMaterial(snapshotColor(snapshot), instancedBufferAttribute(instancePositions as InstancedBufferAttribute) as unknown as ReturnType<typeof vec3>));
      particles.count = n;
    }
    particles.frustumCulled = false;

    const { geometry, lineProgress } = this.cpuLineGeometry(snapshot);
    const lineMaterial = new LineBasicNodeMaterial({ transparent: true, depthWrite: false, depthTest: false });
    lineMaterial.colorNode = uniform(new Color(snapshotColor(snapshot)));
    lineMaterial.opacityNode = varying(lineAlpha(attribute('segment', 'float'), position));
    const lineSegments = new LineSegments(geometry, lineMaterial);
    lineSegments.frustumCulled = false;
    return { key, snapshot, particles, lines: lineSegments, position, instancePositions, lineProgress, copiedVersion: -1 };
  }

  /** the CPU path's line vertices and their segment indices, sized for a snapshot's lines and steps */
  private cpuLineGeometry(snapshot: TrajectorySnapshot): { geometry: BufferGeometry; lineProgress: BufferAttribute } {
    const vertices = this.lineCount(snapshot) * snapshot.steps * 2;
    const geometry = new BufferGeometry();
    geometry.setAttribute('position', new BufferAttribute(new Float32Array(vertices * 3), 3));
    const lineProgress = new BufferAttribute(new Float32Array(vertices), 1);
    geometry.setAttribute('segment', lineProgress);
    return { geometry, lineProgress };
  }

  /**
   * CPU path, a new step count with the same particles (an NFE change): new line vertices under the same materials.
   * Their shader programs stay compiled: a new layer's took two renders of 300–500 ms each on SwiftShader's WebGL
   * (compiling, then drawing), in the path of every NFE change.
   */
  private resizeCpuLines(layer: Layer, snapshot: TrajectorySnapshot): void {
    layer.lines.geometry.dispose();
    const { geometry, lineProgress } = this.cpuLineGeometry(snapshot);
    layer.lines.geometry = geometry;
    layer.lineProgress = lineProgress;
  }

  private updateCpuLines(layer: Layer): void {
    const { cpu, n, dim, steps } = layer.snapshot;
    if (!cpu) return;
    const lines = this.lineCount(layer.snapshot);
    const stride = Math.max(1, Math.floor(n / lines));
    const positions = layer.lines.geometry.getAttribute('position') as BufferAttribute;
    const out = positions.array as Float32Array;
    const segments = layer.lineProgress!.array as Float32Array;
    let v = 0;
    for (let l = 0; l < lines; l++) {
      const p = l * stride;
      for (let j = 0; j < steps; j++) {
        for (let e = 0; e < 2; e++) {
          const base = ((j + e) * n + p) * dim;
          out[3 * v] = cpu[base];
          out[3 * v + 1] = dim > 1 ? cpu[base + 1] : 0;
          out[3 * v + 2] = 0;
          segments[v] = j;
          v++;
        }
      }
    }
    positions.needsUpdate = true;
    layer.lineProgress!.needsUpdate = true;
    layer.copiedVersion = -1;
  }

  private updateCpuParticles(layer: Layer, s: number): void {
    const { cpu, n, dim, steps } = layer.snapshot;
    if (!cpu || !layer.instancePositions) return;
    const i0 = Math.min(Math.floor(s), steps - 1);
    const f = s - i0;
    const out = layer.instancePositions.array as Float32Array;
    const a = i0 * n * dim;
    const b = (i0 + 1) * n * dim;
    for (let p = 0; p < n; p++) {
      const x = p * dim;
      out[3 * p] = cpu[a + x] + f * (cpu[b + x] - cpu[a + x]);
      out[3 * p + 1] = dim > 1 ? cpu[a + x + 1] + f * (cpu[b + x + 1] - cpu[a + x + 1]) : 0;
    }
    layer.instancePositions.needsUpdate = true;
  }

  // ------------------------------------------------------------------------------------------- frames

  private resize(): void {
    const width = Math.max(1, this.container.clientWidth);
    const height = Math.max(1, this.container.clientHeight);
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
    this.renderer.setSize(width, height);
    const aspect = width / height;
    const e = this.extent;
    this.camera.left = aspect >= 1 ? -e * aspect : -e;
    this.camera.right = aspect >= 1 ? e * aspect : e;
    this.camera.top = aspect >= 1 ? e : e / aspect;
    this.camera.bottom = aspect >= 1 ? -e : -e / aspect;
    this.camera.updateProjectionMatrix();
    this.dirty = true;
  }

  /** GPU → GPU copies of new trajectories into three's storage buffers (created by a first render). */
  private syncGpuBuffers(): boolean {
    let pending = false;
    const backend = this.renderer.backend as unknown as BackendWithData;
    const copies: [GPUBuffer, GPUBuffer, number][] = [];
    for (const layer of this.layers.values()) {
      const { snapshot, storageAttribute } = layer;
      if (!storageAttribute || !snapshot.gpu || layer.copiedVersion === snapshot.version) continue;
      const target = backend.get(storageAttribute).buffer;
      if (!target) {
        pending = true;
        continue;
      }
      const bytes = (snapshot.steps + 1) * snapshot.n * snapshot.dim * 4;
      if (target.size < bytes || snapshot.gpu.size < bytes || !(target.usage & GPUBufferUsage.COPY_DST)) {
        throw new Error(`flow view: cannot copy ${bytes} bytes of trajectory into three's buffer (size ${target.size}, usage ${target.usage})`);
      }
      copies.push([snapshot.gpu, target, bytes]);
      layer.copiedVersion = snapshot.version;
    }
    if (copies.length > 0) {
      const device = this.options.device!;
      const encoder = device.createCommandEncoder({ label: 'flow view: trajectories → three storage buffers' });
      for (const [source, target, bytes] of copies) encoder.copyBufferToBuffer(source, 0, target, 0, bytes);
      device.queue.submit([encoder.finish()]);
    }
    return pending;
  }

  private tick = (now: number): void => {
    if (this.destroyed) return;
    this.frame = requestAnimationFrame(this.tick);
    if (this.playing) {
      const progress = (now - this.playStart) / (this.playSeconds * 1000);
      if (progress >= 1) {
        this.progress = 1;
        this.playing = false;
      } else this.progress = progress;
      this.dirty = true;
      this.emit();
    }
    if (!this.dirty || now - this.lastRender < this.minFrameMs) return;
    this.lastRender = now;
    this.dirty = false;
    for (const layer of this.layers.values()) {
      const s = this.progress * layer.snapshot.steps;
      layer.position.value = s;
      if (!this.gpuPath) this.updateCpuParticles(layer, s);
    }
    try {
      if (this.gpuPath && this.syncGpuBuffers()) {
        // three creates an attribute's GPUBuffer on the first render that uses it: render, copy, render
        this.renderer.render(this.scene, this.camera);
        if (this.syncGpuBuffers()) this.dirty = true;
      }
      this.renderer.render(this.scene, this.camera);
    } catch (error) {
      console.error('flow view:', error);
      this.destroyed = true;
    }
  };

  /**
   * The view as a PNG (issue 8, export). A WebGPU canvas's image exists only until it is presented, and a WebGL
   * one without preserveDrawingBuffer likewise: so render the current frame and take the canvas's bitmap in the
   * same task (toBlob copies it synchronously, then encodes in the background).
   */
  snapshotPng(): Promise<Blob> {
    const canvas = this.renderer.domElement;
    if (this.destroyed) return Promise.reject(new Error('the flow view is closed'));
    if (canvas.width === 0 || canvas.height === 0) return Promise.reject(new Error('the flow view has no pixels yet'));
    this.renderer.render(this.scene, this.camera);
    return new Promise((resolve, reject) =>
      canvas.toBlob((blob) => (blob && blob.size > 0 ? resolve(blob) : reject(new Error('the browser could not encode the flow view as PNG'))), 'image/png'),
    );
  }

  /**
   * A short WebM clip of the flow from noise to data (issue 8, export): the canvas's own stream (captureStream
   * takes a frame whenever the view renders) through MediaRecorder, while the view plays from the start.
   */
  recordClip(): Promise<Blob> {
    const canvas = this.renderer.domElement as HTMLCanvasElement;
    if (this.destroyed) return Promise.reject(new Error('the flow view is closed'));
    if (typeof MediaRecorder === 'undefined' || typeof canvas.captureStream !== 'function') return Promise.reject(new Error('this browser cannot record a canvas'));
    const type = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'].find((t) => MediaRecorder.isTypeSupported(t));
    if (!type) return Promise.reject(new Error('this browser cannot record WebM'));
    const stream = canvas.captureStream(30);
    const recorder = new MediaRecorder(stream, { mimeType: type, videoBitsPerSecond: 4_000_000 });
    const chunks: Blob[] = [];
    recorder.ondataavailable = (event) => event.data.size > 0 && chunks.push(event.data);
    const done = new Promise<Blob>((resolve, reject) => {
      recorder.onstop = () => {
        stream.getTracks().forEach((t) => t.stop());
        const blob = new Blob(chunks, { type: 'video/webm' });
        if (blob.size > 0) resolve(blob);
        else reject(new Error('the recording is empty'));
      };
      recorder.onerror = () => reject(new Error('the recording failed'));
    });
    recorder.start(250);
    this.progress = 0;
    this.play();
    // the whole flow, plus half a second on the data
    setTimeout(() => recorder.state !== 'inactive' && recorder.stop(), this.playSeconds * 1000 + 500);
    return done;
  }

  destroy(): void {
    this.destroyed = true;
    cancelAnimationFrame(this.frame);
    this.resizeObserver.disconnect();
    for (const [solver, layer] of [...this.layers]) this.removeLayer(solver, layer);
    if (this.background) {
      const material = this.background.material as MeshBasicNodeMaterial;
      material.map?.dispose();
      material.dispose();
      this.background.geometry.dispose();
    }
    this.listeners.clear();
    const canvas = this.renderer.domElement;
    // with an external device three leaves the device alone on dispose
    try {
      this.renderer.dispose();
    } catch (error) {
      // a lost device may refuse; the canvas goes anyway
      console.warn('flow view: dispose failed:', error);
    }
    canvas.remove();
  }
}

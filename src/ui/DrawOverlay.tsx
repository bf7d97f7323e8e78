// Drawing a dataset by hand: an SVG layer over the flow view while drawing is on. A click adds a point where
// it lands, a drag adds points along the stroke. The SVG's viewBox is the flow view's square [−e, e]² with
// the same centred fit (preserveAspectRatio "meet" does what the flow view's orthographic camera does), so
// screen → data is the SVG's own inverse screen transform, and the drawn points sit exactly over the data.

import { useRef, type PointerEvent } from 'react';
import { MAX_COMPONENTS } from '../core/spec/spec.ts';
import { useAppStore, useAppStoreApi } from '../state/hooks.ts';
import { viewExtent } from '../views/density.ts';

/**
 * Coordinates are kept to 3 decimals: a screen pixel is about 0.005 data units here, so nothing visible is
 * lost, and 256 points stay a few kB in the shareable link.
 */
const round = (v: number) => Math.round(v * 1000) / 1000;

/** while dragging, a new point once the pointer has moved this fraction of the view's half-width */
const DRAG_SPACING = 0.04;

export function DrawOverlay() {
  const store = useAppStoreApi();
  const points = useAppStore((s) => s.draw.points);
  const extent = useAppStore((s) => viewExtent(s.spec));
  const svg = useRef<SVGSVGElement>(null);
  const last = useRef<number[] | null>(null);

  const toData = (event: PointerEvent<SVGSVGElement>): number[] | null => {
    const matrix = svg.current?.getScreenCTM();
    if (!matrix) return null;
    const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    // the points' group flips y (data y points up, SVG y down)
    return [round(p.x), round(-p.y)];
  };

  const add = (point: number[]) => {
    if (!store.getState().addDrawnPoint(point)) {
      store.getState().pushNotice({ level: 'warning', key: 'draw-full', text: `A dataset holds at most ${MAX_COMPONENTS} points (each is a term of the exact denoiser); that point was not added.` });
      last.current = null;
      return;
    }
    last.current = point;
  };

  const onPointerDown = (event: PointerEvent<SVGSVGElement>) => {
    if (event.button !== 0) return;
    const point = toData(event);
    if (!point) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    add(point);
  };

  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    if (!last.current || (event.buttons & 1) === 0) return;
    const point = toData(event);
    if (point && Math.hypot(point[0] - last.current[0], point[1] - last.current[1]) >= DRAG_SPACING * extent) add(point);
  };

  const onPointerUp = () => {
    last.current = null;
  };

  const r = 0.018 * extent;
  return (
    <svg
      ref={svg}
      className="draw-overlay"
      data-testid="draw-overlay"
      viewBox={`${-extent} ${-extent} ${2 * extent} ${2 * extent}`}
      preserveAspectRatio="xMidYMid meet"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      role="application"
      aria-label="Draw data points: click or drag"
    >
      <g transform="scale(1 -1)">
        {points.map((p, i) => (
          <circle key={i} cx={p[0]} cy={p[1] ?? 0} r={r} className="drawn-point" />
        ))}
      </g>
    </svg>
  );
}

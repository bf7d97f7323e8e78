// Files out of the app (issue #8, "Export"): every view's picture (PNG), every d3 chart as a standalone SVG, the
// numbers behind curves and metrics as CSV and JSON, and arrays (samples, trajectories, fields) as NumPy `.npy`
// (the format arrays cross the CLI boundary in, DESIGN §3). Everything is built in the page from data it already
// holds and handed to the browser as a download: no server, no extra readback per frame.

import { serializeNpy } from '../../core/io/npy.ts';

export type ExportFormat = 'png' | 'svg' | 'csv' | 'json' | 'npy' | 'webm';

export const MIME: Record<ExportFormat, string> = {
  png: 'image/png',
  svg: 'image/svg+xml',
  csv: 'text/csv',
  json: 'application/json',
  npy: 'application/octet-stream',
  webm: 'video/webm',
};

/** `stepscope-quality-ring8.svg`: lower-case words joined by '-', nothing a file system objects to */
export function exportFileName(parts: (string | number | null | undefined)[], format: ExportFormat): string {
  const slug = ['stepscope', ...parts]
    .filter((p) => p !== null && p !== undefined && String(p).length > 0)
    .map((p) =>
      String(p)
        .toLowerCase()
        .replace(/[^a-z0-9.]+/g, '-')
        .replace(/^-+|-+$/g, ''),
    )
    .filter((p) => p.length > 0)
    .join('-');
  return `${slug}.${format}`;
}

/**
 * Hand a blob to the browser as a download: an object URL on a temporary <a download>. The URL is revoked on the
 * next task, after the click has started the download (revoking at once can cancel it in some browsers).
 */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// ---- CSV / JSON -------------------------------------------------------------------------------------------------

export type CsvCell = string | number | boolean | null | undefined;

/** one CSV field: numbers in JavaScript's shortest round-trip form (so a value reads back bit-identical), empty for null */
function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value); // NaN, Infinity, -Infinity: what NumPy's loaders read as such
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 text: a header row, then one row per record, CRLF line ends */
export function csvText(header: string[], rows: CsvCell[][]): string {
  for (const [i, row] of rows.entries())
    if (row.length !== header.length) throw new Error(`CSV row ${i} has ${row.length} fields, the header ${header.length}`);
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export function csvBlob(header: string[], rows: CsvCell[][]): Blob {
  return new Blob([csvText(header, rows)], { type: MIME.csv });
}

/** JSON with two-space indents; ±Infinity and NaN become null, as JSON.stringify does (JSON has no such numbers) */
export function jsonBlob(data: unknown): Blob {
  return new Blob([JSON.stringify(data, null, 2) + '\n'], { type: MIME.json });
}

// ---- .npy -------------------------------------------------------------------------------------------------------

export function npyBlob(data: Float32Array | Float64Array, shape: number[]): Blob {
  return new Blob([serializeNpy(data, shape)], { type: MIME.npy });
}

// ---- SVG --------------------------------------------------------------------------------------------------------

/**
 * The presentation properties the charts get from the app's stylesheet (classes such as .axis, .grid,
 * .null-band): copied inline so that the file renders the same outside the page. All but the last two inherit in
 * SVG, so a child needs one only where it differs from its parent's; `opacity` and `display` do not inherit and are
 * written where they differ from their initial values.
 */
const INHERITED = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-linecap',
  'stroke-linejoin',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'paint-order',
  'visibility',
] as const;

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * A standalone SVG document of a chart drawn in the page: a deep copy with the stylesheet's effect inlined
 * (computed styles of the original elements), the SVG namespace, explicit width/height and a background, so it
 * opens the same in a browser, Inkscape or a paper's figure pipeline.
 */
export function svgText(svg: SVGSVGElement, options: { background?: string } = {}): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll('*')];
  const copies = [copy, ...copy.querySelectorAll('*')];
  const computedOf = new Map<Element, CSSStyleDeclaration>();
  originals.forEach((original, i) => {
    const target = copies[i] as SVGElement;
    const computed = getComputedStyle(original);
    computedOf.set(original, computed);
    const parent = original === svg ? null : computedOf.get(original.parentElement!) ?? null;
    const inline: string[] = [];
    for (const p of INHERITED) {
      const value = computed.getPropertyValue(p);
      // the root carries every inherited value; below it only what changes
      if (value && (!parent || value !== parent.getPropertyValue(p))) inline.push(`${p}:${value}`);
    }
    const opacity = computed.getPropertyValue('opacity');
    if (opacity && opacity !== '1') inline.push(`opacity:${opacity}`);
    if (computed.getPropertyValue('display') === 'none') inline.push('display:none');
    // the class is kept (harmless, and it names the parts: .curve, .axis …); the style now carries the look
    const own = target.getAttribute('style');
    if (inline.length > 0) target.setAttribute('style', inline.join(';') + (own ? `;${own}` : ''));
  });
  const box = svg.getBoundingClientRect();
  const width = Number(svg.getAttribute('width')) || Math.round(box.width) || 600;
  const height = Number(svg.getAttribute('height')) || Math.round(box.height) || 400;
  copy.setAttribute('xmlns', SVG_NS);
  copy.setAttribute('xmlns:xlink', 'http://www.w3.org/1999/xlink');
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  if (!copy.getAttribute('viewBox')) copy.setAttribute('viewBox', `0 0 ${width} ${height}`);
  copy.removeAttribute('data-testid');
  // the page's background sits behind the chart on screen; a file needs its own
  const background = options.background ?? pageBackground(svg);
  const rect = document.createElementNS(SVG_NS, 'rect');
  rect.setAttribute('x', '0');
  rect.setAttribute('y', '0');
  rect.setAttribute('width', '100%');
  rect.setAttribute('height', '100%');
  rect.setAttribute('fill', background);
  copy.insertBefore(rect, copy.firstChild);
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(copy) + '\n';
}

/** the first non-transparent background colour behind an element */
function pageBackground(element: Element): string {
  for (let e: Element | null = element; e; e = e.parentElement) {
    const color = getComputedStyle(e).backgroundColor;
    if (color && color !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(color)) return color;
  }
  return '#ffffff';
}

export function svgBlob(svg: SVGSVGElement): Blob {
  return new Blob([svgText(svg)], { type: MIME.svg });
}

// ---- PNG --------------------------------------------------------------------------------------------------------

/** encode a canvas as PNG; rejects rather than resolving to nothing (a tainted or zero-sized canvas) */
export function canvasPng(canvas: HTMLCanvasElement): Promise<Blob> {
  if (canvas.width === 0 || canvas.height === 0) return Promise.reject(new Error('the view has no pixels yet (zero-sized canvas)'));
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob && blob.size > 0 ? resolve(blob) : reject(new Error('the browser could not encode the view as PNG'))), MIME.png),
  );
}

/**
 * A PNG of a d3 chart: its standalone SVG drawn onto a canvas at `pixelRatio` (2: sharp on slides). Same-origin
 * (an object URL of our own text), so the canvas is not tainted.
 */
export async function svgPng(svg: SVGSVGElement, pixelRatio = 2): Promise<Blob> {
  const text = svgText(svg);
  const width = Number(svg.getAttribute('width')) || Math.round(svg.getBoundingClientRect().width);
  const height = Number(svg.getAttribute('height')) || Math.round(svg.getBoundingClientRect().height);
  const url = URL.createObjectURL(new Blob([text], { type: MIME.svg }));
  try {
    const image = new Image();
    image.decoding = 'sync';
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error('the chart could not be rasterised'));
      image.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(width * pixelRatio));
    canvas.height = Math.max(1, Math.round(height * pixelRatio));
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2D canvas in this browser');
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await canvasPng(canvas);
  } finally {
    URL.revokeObjectURL(url);
  }
}

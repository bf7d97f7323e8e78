// A saved run's thumbnail: a PNG of one of the page's d3 charts (the quality chart when it has curves, else the
// time-grid chart, which every spec has). The SVG is drawn into a canvas through an <img>; the page's stylesheet
// does not reach an SVG drawn as an image, so the computed paint of each element is written inline first.

const STYLE_PROPERTIES = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray', 'opacity', 'font-size', 'font-family', 'font-weight', 'visibility', 'display'];

/** the chart a thumbnail shows, or null when the page has none drawn */
export function thumbnailSource(root: ParentNode = document): SVGSVGElement | null {
  const quality = root.querySelector<SVGSVGElement>('.quality-panel svg');
  if (quality && quality.querySelector('path, circle')) return quality;
  return root.querySelector<SVGSVGElement>('.grid-panel svg');
}

/** PNG data URL of `svg` scaled to `width` (white background), or undefined when it cannot be drawn */
export async function svgThumbnail(svg: SVGSVGElement, width = 320): Promise<string | undefined> {
  const box = svg.getBoundingClientRect();
  if (box.width < 1 || box.height < 1) return undefined;
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const source = [svg, ...svg.querySelectorAll('*')];
  const target = [copy, ...copy.querySelectorAll('*')];
  source.forEach((element, i) => {
    const computed = getComputedStyle(element);
    const style = STYLE_PROPERTIES.map((p) => `${p}:${computed.getPropertyValue(p)}`).join(';');
    (target[i] as SVGElement).setAttribute('style', style);
  });
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(box.width));
  copy.setAttribute('height', String(box.height));
  const text = new XMLSerializer().serializeToString(copy);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const height = Math.max(1, Math.round((width * box.height) / box.width));
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d');
    if (!context) return undefined;
    context.fillStyle = '#fff';
    context.fillRect(0, 0, width, height);
    context.drawImage(image, 0, 0, width, height);
    return canvas.toDataURL('image/png');
  } catch {
    return undefined;
  } finally {
    URL.revokeObjectURL(url);
  }
}

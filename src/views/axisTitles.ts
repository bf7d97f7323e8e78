// Axis titles shared by the d3 charts (DESIGN §6): x title centred under the plot, y title rotated on its left.

import type { Selection } from 'd3';

export function drawAxisTitles(
  root: Selection<SVGGElement, unknown, null, undefined>,
  size: { innerW: number; innerH: number },
  titles: { x: string; y: string; xOffset: number; yOffset: number },
): void {
  root.append('text').attr('class', 'axis-title').attr('x', size.innerW / 2).attr('y', size.innerH + titles.xOffset).attr('text-anchor', 'middle').text(titles.x);
  root
    .append('text')
    .attr('class', 'axis-title')
    .attr('transform', `translate(${-titles.yOffset},${size.innerH / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .text(titles.y);
}

// How the benchmark page writes its figures (issue #9): SI units throughout (1 GB = 10⁹ bytes, as GB/s is).

/** three significant digits, no exponent for the ranges the page shows */
function significant(x: number, digits = 3): string {
  if (x === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(x)));
  const decimals = Math.max(0, digits - 1 - magnitude);
  return x.toFixed(decimals);
}

/** milliseconds with three significant digits ("0.412", "65.6", "1720") */
export function formatMs(ms: number): string {
  return significant(ms);
}

/** bytes in kB / MB / GB (10³ steps) with three significant digits */
export function formatBytes(bytes: number): string {
  const units: [number, string][] = [
    [1e9, 'GB'],
    [1e6, 'MB'],
    [1e3, 'kB'],
  ];
  for (const [size, unit] of units) if (bytes >= size) return `${significant(bytes / size)} ${unit}`;
  return `${bytes} B`;
}

/** GB/s with three significant digits */
export function formatGbPerS(gbPerS: number): string {
  return significant(gbPerS);
}

/** a fraction as a percentage: three significant digits ("1.83 %", "0.111 %", "92.4 %") */
export function formatPercent(fraction: number): string {
  return `${significant(fraction * 100)} %`;
}

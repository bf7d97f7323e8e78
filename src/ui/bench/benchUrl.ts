// The benchmark page's link: `?lab=bench` (the labs' parameter, state/pdeUrl.ts LAB_PARAM); it has no spec.

import { LAB_PARAM } from '../../state/pdeUrl.ts';

export function benchUrl(base: string): string {
  const url = new URL(base);
  url.search = '';
  url.hash = '';
  url.searchParams.set(LAB_PARAM, 'bench');
  return url.toString();
}

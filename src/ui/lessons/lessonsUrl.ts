// The lessons' links: `?lab=lessons` (the index) and `?lab=lessons&lesson=ID` (one bundled lesson). A lesson opened
// from a file has no link (the file is not on the server): the address shows the index.

import { LAB_PARAM } from '../../state/pdeUrl.ts';

export const LESSON_PARAM = 'lesson';

export function lessonsUrl(id: string | null, base: string): string {
  const url = new URL(base);
  url.search = '';
  url.searchParams.set(LAB_PARAM, 'lessons');
  if (id !== null) url.searchParams.set(LESSON_PARAM, id);
  return url.toString();
}

// A spec with one field, named by its dotted path (`nfe`, `schedule.s`, `solver.beta`), set to a value: the one way
// a sweep over a spec field (`stepscope sweep --vary`, a lesson figure's axis) builds its specs. Validation is the
// caller's (parseSpec / parsePdeSpec), so the message names the field as the schema sees it.

/** a copy of `input` with the field at `path` set to `value`; throws when an intermediate key is not an object */
export function withField<T>(input: T, path: string, value: unknown): T {
  const keys = path.split('.');
  const copy = structuredClone(input) as unknown as Record<string, unknown>;
  let node = copy;
  for (const key of keys.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== 'object') throw new Error(`the spec has no object at '${key}' on the path ${path}`);
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
  return copy as unknown as T;
}

/** a dotted path of identifiers, e.g. `schedule.s` */
export const FIELD_PATH = /^[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)*$/;

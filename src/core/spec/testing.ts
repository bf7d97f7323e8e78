// For the spec tests: the problems a rejected spec reports (throws if the spec is accepted).
import { SpecError, parseSpec } from './spec.ts';

/** the problems `parse` (default: the sample spec's) reports for `input` */
export function specProblems(input: unknown, parse: (input: unknown) => unknown = parseSpec): string[] {
  try {
    parse(input);
  } catch (error) {
    if (error instanceof SpecError) return error.problems;
    throw error;
  }
  throw new Error('spec was accepted');
}

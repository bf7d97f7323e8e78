// For the spec tests: the problems a rejected spec reports (throws if the spec is accepted).
import { SpecError, parseSpec } from './spec.ts';

export function specProblems(input: unknown): string[] {
  try {
    parseSpec(input);
  } catch (error) {
    if (error instanceof SpecError) return error.problems;
    throw error;
  }
  throw new Error('spec was accepted');
}

import type { Classification } from './types.ts';
import type { Classifier } from './classifier.ts';

/**
 * The `rebound classify --jsonl` contract, one input line at a time: `{"reply": "…"}` in (other
 * fields ignored), the classification out, or `{"error": "…"}` for a line that is not such an
 * object. Scripts rely on it: fields are only ever added, never renamed or removed.
 */
export type JsonlResult = Classification | { error: string };

export function classifyJsonLine(classifier: Classifier, line: string): JsonlResult {
  if (line.trim() === '') return { error: 'empty line' };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return { error: `not JSON: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'expected a JSON object with a "reply" string' };
  const reply = (value as { reply?: unknown }).reply;
  if (typeof reply !== 'string') return { error: 'expected a "reply" string' };
  return classifier.classify(reply);
}

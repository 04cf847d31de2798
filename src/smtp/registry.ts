import { CLASS_MEANINGS, SUBJECT_MEANINGS, DETAIL_MEANINGS } from './registry-data.ts';
import type { ClassMeaning, SubjectMeaning, DetailMeaning } from './registry-data.ts';
import { normalizeEnhanced, splitEnhanced } from './enhanced-code.ts';

export type { ClassMeaning, SubjectMeaning, DetailMeaning };
export { CLASS_MEANINGS, SUBJECT_MEANINGS, DETAIL_MEANINGS };

/** What the IANA registry says about one enhanced status code. */
export interface RegistryEntry {
  /** The code asked for, normalized ("4.3.2"). */
  code: string;
  class: ClassMeaning;
  /** null when the subject digit is not one the registry defines (only 0–7 are). */
  subject: SubjectMeaning | null;
  /** null when X.subject.detail is not registered (vendor codes such as Microsoft's 5.7.708). */
  detail: DetailMeaning | null;
}

const details = new Map(DETAIL_MEANINGS.map((m) => [m.code, m]));
const classes = new Map(CLASS_MEANINGS.map((m) => [m.digit as number, m]));
const subjects = new Map(SUBJECT_MEANINGS.map((m) => [m.digit, m]));

/**
 * Looks up "4.3.2", "5.7.708" or "X.3.2" (a class-less code is answered with the permanent class).
 * Returns null for anything that is not an enhanced status code.
 */
export function lookup(code: string): RegistryEntry | null {
  if (typeof code !== 'string' || code.length > 16) return null;
  let asked = code.trim();
  if (/^x\./i.test(asked)) asked = '5' + asked.slice(1);
  const normalized = normalizeEnhanced(asked);
  if (normalized === null) return null;
  const parts = splitEnhanced(normalized)!;
  return {
    code: normalized,
    class: classes.get(parts.class)!,
    subject: subjects.get(parts.subject) ?? null,
    detail: details.get(`X.${parts.subject}.${parts.detail}`) ?? null,
  };
}

import { lookup } from '../smtp/registry.ts';
import type { Classification } from './types.ts';
import type { Classifier } from './classifier.ts';
import { REASON_GUIDE } from './reason-guide.ts';
import type { ReasonCategory } from './reason-guide.ts';

/**
 * What a sender needs to know about one code or reply, in the shape of the seed page: what each
 * number means, the bounce type, the category, whether and when to retry, causes, what to do.
 */
export interface Explanation {
  input: string;
  classification: Classification;
  /** The three parts of the enhanced code, when there is one. */
  digits: Array<{ part: 'class' | 'subject' | 'detail'; value: string; title: string; description: string }>;
  /** Title of the enhanced code in the IANA registry, or null when it is not registered. */
  title: string | null;
  bounceType: string;
  category: ReasonCategory;
  retry: { retry: boolean; schedule: string };
  causes: string[];
  whatToDo: string[];
}

/** The seed's schedule for 4.3.2 (ARCHITECTURE.md, "The retry policy"). */
export const SEED_432_SCHEDULE = 'first retry 1 h after the bounce, then 4 h, 12 h and 24 h later (five attempts over 41 h); if it still fails, mark the address unavailable for a cool-off instead of suppressing it';
export const OTHER_TRANSIENT_SCHEDULE = 'exponential backoff with jitter (the built-in policy: 5 attempts within 5 days; a policy file may say otherwise)';

export function explain(classifier: Classifier, input: string): Explanation {
  const c = classifier.classify(input);
  const entry = c.enhanced ? lookup(c.enhanced) : null;
  const digits: Explanation['digits'] = [];
  if (entry && c.enhanced) {
    const [k, s, d] = c.enhanced.split('.');
    digits.push({ part: 'class', value: k, title: entry.class.title, description: entry.class.description });
    if (entry.subject) digits.push({ part: 'subject', value: s, title: entry.subject.title, description: entry.subject.description });
    digits.push(entry.detail
      ? { part: 'detail', value: d, title: entry.detail.title, description: entry.detail.description }
      : { part: 'detail', value: d, title: 'Not in the IANA registry', description: 'A detail code the server\'s vendor defined (e.g. Microsoft\'s 5.7.5xx–7xx); the reply text says what it means.' });
  }
  const guide = REASON_GUIDE[c.reason];
  return {
    input,
    classification: c,
    digits,
    title: entry?.detail?.title ?? null,
    bounceType: describeType(c),
    category: guide.category,
    retry: describeRetry(c),
    causes: guide.causes,
    whatToDo: guide.whatToDo,
  };
}

function describeType(c: Classification): string {
  if (c.class === 'success') return 'Not a bounce (delivered)';
  if (c.type === 'soft') return c.class === 'transient' ? 'Soft bounce (persistent transient failure)' : 'Soft bounce (permanent failure, but the address is not at fault)';
  if (c.type === 'hard') return 'Hard bounce (the address is bad)';
  if (c.type === 'block') return 'Block (permanent failure the sender must fix)';
  return 'Undetermined';
}

function describeRetry(c: Classification): Explanation['retry'] {
  if (c.retryable) {
    const is432 = c.enhanced === '4.3.2' || (c.enhanced === null && c.reason === 'notaccept' && c.class === 'transient');
    return { retry: true, schedule: is432 ? SEED_432_SCHEDULE : OTHER_TRANSIENT_SCHEDULE };
  }
  if (c.class === 'success') return { retry: false, schedule: 'no: delivered' };
  if (c.action === 'suppress') return { retry: false, schedule: 'no: suppress the address' };
  if (c.action === 'fix-sender') return { retry: false, schedule: 'no: fix the cause first, then send again' };
  return { retry: false, schedule: 'no: this delivery is over; the address is kept' };
}

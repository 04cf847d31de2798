import type { BounceMessage } from '../message.ts';
import type { FormatResult } from '../types.ts';

/**
 * One bounce format: `match` is a cheap look at headers and the first lines (it runs for every
 * message); `extract` does the reading and returns null (or no recipients) when the message turns
 * out not to be its kind, so the next format gets a chance.
 */
export interface BounceFormat {
  name: string;
  match(msg: BounceMessage): boolean;
  extract(msg: BounceMessage): FormatResult | null;
}

import { readFileSync } from 'node:fs';
import { classify } from '../../../src/classify/index.ts';
import { TestClock } from '../../../src/engine/clock.ts';
import { normalizeWebhook } from '../../../src/webhooks/index.ts';
import type { NormalizedBatch, NormalizedEvent, NormalizeOptions, ProviderName, WebhookResult } from '../../../src/webhooks/index.ts';

const root = new URL('../../fixtures/webhooks/', import.meta.url);

/** A fixture's raw text, as the HTTP route would receive it. */
export function fixture(path: string): string {
  return readFileSync(new URL(path, root), 'utf8');
}

/** Normalizer options with the real classifier and a test clock. */
export function options(clock = new TestClock()): NormalizeOptions {
  return { classify: (text) => classify(text), now: () => clock.now() };
}

export function normalizeFixture(provider: ProviderName, path: string, opts = options()): NormalizedBatch {
  return normalizeWebhook(provider, fixture(path), opts);
}

/** The only result of a one-event body, asserted to be a normalized event. */
export function onlyEvent(batch: NormalizedBatch): NormalizedEvent {
  if (batch.results.length !== 1) throw new Error(`expected one result, got ${batch.results.length}`);
  return asEvent(batch.results[0]!);
}

export function asEvent(r: WebhookResult | undefined): NormalizedEvent {
  if (r?.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(r)}`);
  return r;
}

import type { Classifier } from '../classify/index.ts';
import type { Engine } from '../engine/engine.ts';
import type { Store } from '../store/store.ts';
import type { BounceWriter } from './bounce-writer.ts';
import type { QuarantineStore } from './quarantine.ts';

/** What every route plugin receives as its options: the running engine and its parts. */
export interface ServerContext {
  engine: Engine;
  store: Store;
  classifier: Classifier;
  /** Applies bounce events, batching concurrent requests into one commit. */
  bounces: BounceWriter;
  /** Largest body any route accepts, in bytes. */
  bodyLimit: number;
  /** VERP return-path domain, for the ids in parsed bounce emails. */
  returnPathDomain: string;
  /** Inbound emails the SMTP listener could not read as bounces, kept whole. */
  quarantine?: QuarantineStore;
  /** Whether a token opens the API (configured or stored); set by buildApp, used by the dashboard's login. */
  acceptsToken?: (token: string) => boolean;
}

/** ISO 8601 of an engine-clock time, or null. */
export function iso(at: number | null | undefined): string | null {
  return at === null || at === undefined ? null : new Date(at).toISOString();
}

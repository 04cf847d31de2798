/**
 * The webhook side's durable state, kept beside the engine's Store (same database, its own
 * tables from migration 0003) so the engine's interface stays small. Every method is async so a
 * networked store fits.
 */

export type OutgoingStatus = 'pending' | 'delivered' | 'dead';

/** One engine event to POST to one endpoint, with its retry state. `dead` rows are the dead-letter list. */
export interface OutgoingRecord {
  id: number;
  /** The endpoint's URL: it names the endpoint across restarts. */
  endpoint: string;
  eventId: number;
  eventType: string;
  /** The exact JSON body that is signed and POSTed, the same on every retry. */
  body: string;
  status: OutgoingStatus;
  attempts: number;
  nextAttemptAt: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface NewOutgoing {
  endpoint: string;
  eventId: number;
  eventType: string;
  body: string;
}

export interface UnknownEventCount {
  provider: string;
  providerType: string;
  count: number;
  lastAt: number;
  lastWhy: string;
}

/** What one POST's outcome changes in its row. */
export type OutgoingChange = Pick<OutgoingRecord, 'id' | 'status' | 'attempts' | 'nextAttemptAt' | 'lastError'>;

export interface WebhookStore {
  /** The last outbox event id consumer `name` has taken in (0 when never). */
  getCursor(name: string): Promise<number>;
  /** Creates consumer `name`'s cursor at the newest outbox event, unless it already has one. */
  startCursorAtLatest(name: string): Promise<void>;
  /** In ONE transaction: enqueue `rows` (a repeated endpoint+event is skipped) and move the cursor to `eventId`. */
  enqueueOutgoing(name: string, eventId: number, rows: readonly NewOutgoing[], at: number): Promise<void>;
  /** Takes up to `limit` due pending rows for this dispatcher until `leaseUntil` (no other takes them meanwhile), oldest first. */
  claimDueOutgoing(now: number, limit: number, leaseUntil: number): Promise<OutgoingRecord[]>;
  /** Earliest next attempt of a pending row, or null. */
  nextOutgoingDueAt(): Promise<number | null>;
  /** The outcomes of a batch of POSTs, in ONE transaction (one commit, not one per POST). */
  updateOutgoing(changes: readonly OutgoingChange[], at: number): Promise<void>;
  listOutgoing(status: OutgoingStatus, limit: number): Promise<OutgoingRecord[]>;
  /** Dead letters back to pending, due at `at` with a fresh retry window: one by row id, or every one. Returns how many. */
  redeliverDead(id: number | 'all', at: number): Promise<number>;

  /** Records a provider event id; false when it was recorded before (the event was applied already). */
  claimIngestKey(provider: string, eventId: string, at: number): Promise<boolean>;
  /** Forgets a key whose event could not be applied, so the provider's redelivery is applied. */
  releaseIngestKey(provider: string, eventId: string): Promise<void>;
  countUnknownEvent(provider: string, providerType: string, why: string, at: number): Promise<void>;
  listUnknownEvents(): Promise<UnknownEventCount[]>;

  /** Marks a message as living at an ESP: its retries are POSTs to `url`. */
  setResendTarget(messageId: string, url: string): Promise<void>;
  getResendTarget(messageId: string): Promise<string | null>;
}

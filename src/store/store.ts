import type {
  AddressRecord, AddressReportRecord, AttemptRecord, ClaimedDelivery, DeliveryRecord, DeliveryStatus, DestinationObservation,
  DestinationRecord, EventRecord, MessageRecord, NewEvent, TagSummary,
} from './types.ts';

/**
 * Everything one decision writes, in one transaction. The engine computes it with a pure
 * function from the rows the store read inside that same transaction (see `Store.record`), so
 * a decision never acts on stale state and SQLite and PostgreSQL run the same logic.
 */
export interface Change {
  /** Appended to the attempt log; its id makes the whole change idempotent. */
  attempt?: AttemptRecord;
  /** The delivery's whole new state, lease included: a decision that ends an attempt clears it. */
  delivery?: DeliveryRecord;
  /** The address's whole new state (inserted or replaced). */
  address?: AddressRecord;
  /** Appended to the address report log; its id makes the change idempotent. */
  report?: AddressReportRecord;
  destination?: DestinationObservation;
  /** The outbox: one row per transition. */
  events: NewEvent[];
}

/** What `submit` writes: the message, its deliveries, address changes (lazy reactivation), events. */
export interface SubmitWrite {
  message: MessageRecord;
  deliveries: DeliveryRecord[];
  addresses: AddressRecord[];
  events: NewEvent[];
}

export interface ClaimRequest {
  now: number;
  limit: number;
  /** Who holds the lease (written to `locked_by`). */
  worker: string;
  /** The lease ends here; after it the delivery is claimable again (its worker is presumed dead). */
  lockedUntil: number;
}

/** One thing to record about one delivery: an attempt's outcome, a gate hold, a delay warning… */
export interface RecordItem {
  deliveryId: string;
  /** When set, the item is skipped if an attempt with this id is already recorded. */
  attemptId: string | null;
}

/** What the decision sees: the delivery (null if unknown) and its recipient's address (null if never seen). */
export interface RecordState {
  delivery: DeliveryRecord | null;
  address: AddressRecord | null;
}

export interface DeliveryQuery {
  messageId?: string;
  recipient?: string;
  /** Recipient domain, lower-case. */
  domain?: string;
  status?: DeliveryStatus;
  /** Only the deliveries of messages with this tag. */
  tag?: string;
  limit?: number;
  /** Newest first (what a list for a person wants); default oldest first (a message's deliveries in order). */
  newestFirst?: boolean;
  /** Keyset paging: only deliveries after this id in the list's order (ids sort by creation time). */
  after?: string;
}


/**
 * The durable state the engine alone talks to. Small on purpose and in the domain's words; the
 * SQLite store implements it, a PostgreSQL store can follow with the same statements
 * (`src/store/sql/`). Every method is async so a networked store fits.
 */
export interface Store {
  /**
   * Reads the recipients' addresses, lets `plan` decide (sync, pure), writes what it returns.
   * One transaction.
   */
  submit(emails: string[], plan: (addresses: ReadonlyMap<string, AddressRecord>) => SubmitWrite): Promise<SubmitWrite>;

  /** Leases up to `limit` due deliveries (queued/deferred, next attempt ≤ now, no live lease), oldest due first. */
  claimDue(request: ClaimRequest): Promise<ClaimedDelivery[]>;

  /**
   * For each item, in ONE transaction: skip it if its attempt id is already recorded; otherwise
   * read its delivery and address, call `decide`, write the Change it returns (null: nothing).
   * Returns, per item, the change that was written or null.
   */
  record<T extends RecordItem>(items: readonly T[], decide: (item: T, state: RecordState) => Change | null): Promise<Array<Change | null>>;

  /**
   * An address-only change (a bounce with no known delivery, an operator action, the cool-off
   * sweep): reads the address, calls `decide`, writes. Skipped when `reportId` was already recorded.
   */
  changeAddress(email: string, reportId: string | null, decide: (address: AddressRecord | null) => Change | null): Promise<Change | null>;
  /** Address-only changes for many distinct addresses in ONE transaction (an import): per address as `changeAddress`. */
  changeAddresses(emails: readonly string[], decide: (email: string, address: AddressRecord | null) => Change | null): Promise<Array<Change | null>>;

  /** Unavailable addresses whose cool-off ended at or before `now`. */
  dueReactivations(now: number, limit: number): Promise<string[]>;
  /** Waiting deliveries whose `delivery.delayed` warning is due at or before `now`. */
  dueDelayWarnings(now: number, limit: number): Promise<string[]>;
  /** The earliest time anything becomes due (an attempt, a lease expiry, a warning, a cool-off end), or null. */
  nextDueAt(): Promise<number | null>;

  getMessage(id: string): Promise<MessageRecord | null>;
  getMessages(ids: readonly string[]): Promise<Map<string, MessageRecord>>;
  /** How the deliveries of every message tagged `tag` stand; null when no message has it. */
  tagSummary(tag: string): Promise<TagSummary | null>;
  /** Tags in use, the most recently used first: messages per tag and when the first and last were sent. */
  listTags(limit: number): Promise<Array<{ tag: string; messages: number; firstAt: number; lastAt: number }>>;
  getDelivery(id: string): Promise<DeliveryRecord | null>;
  listDeliveries(query: DeliveryQuery): Promise<DeliveryRecord[]>;
  countDeliveries(): Promise<Record<DeliveryStatus, number>>;
  /** The queue depth alone: queued and deferred, read from the index of waiting deliveries (cheap however many finished ones the store holds). */
  countWaiting(): Promise<Pick<Record<DeliveryStatus, number>, 'queued' | 'deferred'>>;
  /** The latest engine time written to deliveries or addresses (epoch ms), null when empty. */
  latestTime(): Promise<number | null>;
  /** Resolves when the database answers a trivial query; rejects with its error when it does not. */
  ping(): Promise<void>;
  listAttempts(deliveryId: string): Promise<AttemptRecord[]>;
  getAddress(email: string): Promise<AddressRecord | null>;
  listAddressReports(email: string): Promise<AddressReportRecord[]>;
  /** The outbox: events with id > `afterId`, in order. */
  listEvents(afterId: number, limit: number): Promise<EventRecord[]>;

  getDestination(domain: string): Promise<DestinationRecord | null>;
  listDestinations(): Promise<DestinationRecord[]>;
  /**
   * For the destination gate: writes health and suspension (counters are kept by `record`), and
   * appends `events` (destination.suspended / destination.resumed) in the same transaction.
   */
  /** The gate's destination-level failure count, kept in the row: +1, or back to 0 (`reset`); returns it with the stored health. */
  strikeDestination(domain: string, reset: boolean, at: number): Promise<{ strikes: number; health: DestinationRecord['health']; suspendedUntil: number | null }>;
  updateDestinationHealth(domain: string, health: Pick<DestinationRecord, 'health' | 'suspendedUntil'> & Partial<Pick<DestinationRecord, 'strikes' | 'level'>>, at: number, events?: readonly NewEvent[]): Promise<void>;

  close(): Promise<void>;
}

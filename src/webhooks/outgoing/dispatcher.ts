import { createHash } from 'node:crypto';
import type { Clock } from '../../engine/clock.ts';
import { retryDelay, type RandomSource } from '../../policy/schedule.ts';
import type { Schedule } from '../../policy/types.ts';
import type { Store } from '../../store/store.ts';
import type { EventRecord } from '../../store/types.ts';
import type { OutgoingChange, OutgoingRecord, WebhookStore } from '../../store/webhook-store.ts';
import { signatureHeader, SIGNATURE_HEADER } from './signature.ts';
import { DEFAULT_OUTGOING_MAX_AGE_MS, DEFAULT_OUTGOING_SCHEDULE, wantsEvent, type OutgoingEndpoint } from './endpoints.ts';
import { fetchPoster, type Poster } from './http-post.ts';

export interface DispatcherOptions {
  /** The engine's store: the events outbox is read from it. */
  store: Pick<Store, 'listEvents'>;
  state: WebhookStore;
  endpoints: readonly OutgoingEndpoint[];
  clock: Clock;
  /** Wall time for signature timestamps (default Date.now); the engine clock may be sped up. */
  wallClock?: () => number;
  post?: Poster;
  /** Waits between tries, through the policy's own retry function. */
  schedule?: Schedule;
  /** Engine time from a POST's first try after which it goes to the dead-letter list (default 3 days). */
  maxAgeMs?: number;
  /** Tries in all before a POST goes to the dead-letter list (default: no limit but the age). */
  maxAttempts?: number;
  random?: RandomSource;
  /** Outbox events taken in per step, and POSTs made per step. */
  batchSize?: number;
  /** Longest engine-time sleep of `run` when nothing is due (new events are polled for). */
  idleMs?: number;
  /** The cursor's name in the store; two dispatchers with different names each see every event. */
  cursor?: string;
  /**
   * How long (engine time) a claimed row is this dispatcher's: longer than a POST can take (10 s
   * wall), scaled like the delivery leases under a sped-up clock. Default 5 minutes.
   */
  leaseMs?: number;
  onError?: (err: Error, context: string) => void;
}

export interface DispatchStats {
  enqueued: number;
  delivered: number;
  retried: number;
  dead: number;
}

/**
 * The id an endpoint deduplicates by: the outbox sequence number and a digest of what the event
 * says. The number alone is not enough: a store restored from a backup issues again the numbers
 * of the events written after that backup, for other events, and a receiver that had seen them
 * would drop the new ones as repeats. The same event sent again keeps its id.
 */
export function eventKey(e: EventRecord): string {
  const digest = createHash('sha256').update(JSON.stringify([e.type, e.at, e.deliveryId, e.recipient, e.domain, e.data])).digest('hex');
  return `${e.id}-${digest.slice(0, 12)}`;
}

/** The JSON body an endpoint receives for one event: `id` to deduplicate by, `seq` to order by. */
export function eventBody(e: EventRecord): string {
  return JSON.stringify({
    id: eventKey(e), seq: e.id, type: e.type, at: new Date(e.at).toISOString(), deliveryId: e.deliveryId, recipient: e.recipient, domain: e.domain, data: e.data,
  });
}

/** The id an endpoint sees for this row: the body's `id` (rows queued before ids had a digest carry the bare number). */
export function outgoingEventId(row: OutgoingRecord): string {
  try {
    const id = (JSON.parse(row.body) as { id?: unknown }).id;
    if (typeof id === 'string' || typeof id === 'number') return String(id);
  } catch {
    // a body is always JSON Rebound wrote; fall through to the row's number all the same
  }
  return String(row.eventId);
}

/**
 * Delivers every engine event from the outbox to the endpoints that want its type, at least
 * once: events are first copied into per-endpoint rows in the same transaction that moves the
 * cursor (a crash re-reads at most what it had not committed; a repeat is skipped by
 * endpoint+event), then each row is POSTed, signed, until a 2xx. A failure waits as the policy's
 * `retryDelay` says for `schedule`; after `maxAttempts` the row is dead (the dead-letter list).
 * Rows are independent: one sick endpoint does not hold back another.
 */
export class OutgoingDispatcher {
  private readonly store: Pick<Store, 'listEvents'>;
  private readonly state: WebhookStore;
  private readonly endpoints: readonly OutgoingEndpoint[];
  private readonly byUrl: Map<string, OutgoingEndpoint>;
  private readonly clock: Clock;
  private readonly wallClock: () => number;
  private readonly post: Poster;
  private readonly schedule: Schedule;
  private readonly maxAttempts: number;
  private readonly maxAgeMs: number;
  private readonly random: RandomSource;
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly cursor: string;
  private readonly leaseMs: number;
  private readonly onError: (err: Error, context: string) => void;

  constructor(options: DispatcherOptions) {
    this.store = options.store;
    this.state = options.state;
    this.endpoints = options.endpoints;
    this.byUrl = new Map(options.endpoints.map((e) => [e.url, e]));
    this.clock = options.clock;
    this.wallClock = options.wallClock ?? Date.now;
    this.post = options.post ?? fetchPoster();
    this.schedule = options.schedule ?? DEFAULT_OUTGOING_SCHEDULE;
    this.maxAttempts = options.maxAttempts ?? Infinity;
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_OUTGOING_MAX_AGE_MS;
    this.random = options.random ?? Math.random;
    this.batchSize = options.batchSize ?? 200;
    this.idleMs = options.idleMs ?? 5_000;
    this.cursor = options.cursor ?? 'outgoing-webhooks';
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.onError = options.onError ?? (() => {});
    if (!(this.maxAttempts >= 1) || !(this.maxAgeMs >= 0) || !(this.batchSize >= 1)) throw new RangeError('maxAttempts and batchSize must be positive, maxAgeMs not negative');
  }

  /**
   * Call once before the server takes work: on the first start with webhooks, the endpoints get
   * events from now on, not the store's past (later starts resume from the stored cursor).
   */
  async startFromNow(): Promise<void> {
    await this.state.startCursorAtLatest(this.cursor);
  }

  /** Takes in every new outbox event, then makes every POST due now. */
  /** `maxBatches`: claim at most this many batches of due POSTs (a shutdown's last pass takes one). */
  async runOnce(options: { maxBatches?: number } = {}): Promise<DispatchStats> {
    const stats: DispatchStats = { enqueued: 0, delivered: 0, retried: 0, dead: 0 };
    stats.enqueued = await this.enqueueNew();
    for (let batch = 0; batch < (options.maxBatches ?? Infinity); batch++) {
      const now = this.clock.now();
      const due = await this.state.claimDueOutgoing(now, this.batchSize, now + this.leaseMs);
      if (due.length === 0) break;
      // one commit for the batch: a commit per POST (each an fsync on SQLite) took the writer
      // from the deliveries, 80,000 POSTs a minute cutting delivery to a twentieth
      const changes = await Promise.all(due.map((row) => this.attempt(row, stats)));
      await this.state.updateOutgoing(changes, this.clock.now());
    }
    return stats;
  }

  private async enqueueNew(): Promise<number> {
    let total = 0;
    let after = await this.state.getCursor(this.cursor);
    for (;;) {
      const events = await this.store.listEvents(after, this.batchSize);
      if (events.length === 0) return total;
      const rows = [];
      for (const e of events) {
        const body = eventBody(e);
        for (const endpoint of this.endpoints) {
          if (wantsEvent(endpoint, e.type)) rows.push({ endpoint: endpoint.url, eventId: e.id, eventType: e.type, body });
        }
      }
      after = events[events.length - 1]!.id;
      await this.state.enqueueOutgoing(this.cursor, after, rows, this.clock.now());
      total += rows.length;
    }
  }

  /** One POST; what its row becomes (written with the rest of its batch). */
  private async attempt(row: OutgoingRecord, stats: DispatchStats): Promise<OutgoingChange> {
    const endpoint = this.byUrl.get(row.endpoint);
    const attempts = row.attempts + 1;
    let error: string;
    if (!endpoint) {
      // The endpoint left the configuration: nobody to sign for, so the row is kept as dead.
      error = 'endpoint no longer configured';
    } else {
      // wall time, not engine time: the receiver checks t against its own clock (replay window)
      const timestamp = Math.floor(this.wallClock() / 1000);
      const headers = {
        'content-type': 'application/json',
        [SIGNATURE_HEADER.toLowerCase()]: signatureHeader(endpoint.secret, timestamp, row.body),
        'rebound-event-id': outgoingEventId(row),
        'rebound-event-type': row.eventType,
        'rebound-attempt': String(attempts),
      };
      try {
        const res = await this.post(endpoint.url, row.body, headers);
        if (res.status >= 200 && res.status < 300) {
          stats.delivered++;
          return { id: row.id, status: 'delivered', attempts, nextAttemptAt: null, lastError: null };
        }
        error = `HTTP ${res.status}${res.text ? `: ${res.text.slice(0, 500)}` : ''}`;
      } catch (err) {
        error = (err as Error).message || String(err);
      }
    }
    const now = this.clock.now();
    const delay = endpoint && attempts < this.maxAttempts ? this.nextDelay(attempts, row.createdAt, now) : null;
    if (delay === null) {
      stats.dead++;
      this.onError(new Error(`webhook ${row.endpoint} event ${row.eventId} dead after ${attempts} attempt(s): ${error}`), 'outgoing.dead');
      return { id: row.id, status: 'dead', attempts, nextAttemptAt: null, lastError: error };
    }
    stats.retried++;
    return { id: row.id, status: 'pending', attempts, nextAttemptAt: now + delay, lastError: error };
  }

  /** The wait before the next try, or null when the retry window is over; the last try falls at its end. */
  private nextDelay(attempts: number, createdAt: number, now: number): number | null {
    const end = createdAt + this.maxAgeMs;
    const wait = retryDelay(this.schedule, attempts, this.random);
    if (wait === null || now >= end) return null;
    return Math.min(Math.max(1, wait), end - now);
  }

  /** The dead-letter list: POSTs that ran out of attempts, oldest first. */
  deadLetters(limit = 100): Promise<OutgoingRecord[]> {
    return this.state.listOutgoing('dead', limit);
  }

  /** Runs until `signal` aborts: dispatch, then sleep until the next retry or `idleMs` (new events are polled). */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let next: number | null = null;
      try {
        await this.runOnce();
        next = await this.state.nextOutgoingDueAt();
      } catch (err) {
        this.onError(err instanceof Error ? err : new Error(String(err)), 'outgoing.run');
      }
      const now = this.clock.now();
      try {
        await this.clock.sleepUntil(Math.max(now + 1, Math.min(next ?? Infinity, now + this.idleMs)), signal);
      } catch {
        // aborted: the loop condition ends it
      }
    }
  }
}

import { hostname } from 'node:os';
import type { ClaimedDelivery, MessageRecord } from '../store/types.ts';
import type { Engine, HoldRequest } from './engine.ts';
import type { AttemptOutcome, DeliveryJob, Transport } from './transport.ts';
import { openGate, type DestinationGate } from './destination-gate.ts';
import { attemptId } from './ids.ts';

export interface SchedulerOptions {
  engine: Engine;
  transport: Transport;
  gate?: DestinationGate;
  /** Written to `locked_by`; defaults to host:pid. */
  worker?: string;
  /** Deliveries leased per claim. */
  batchSize?: number;
  /** Most deliveries handed to the transport and not yet recorded; also the most a crash can re-try. */
  maxInFlight?: number;
  /**
   * Engine-time length of a lease. A worker that dies holding one leaves it to expire; then the
   * deliveries are claimable again. With a sped-up clock (--time-scale N) scale it by N.
   */
  leaseMs?: number;
  /** Longest engine-time sleep when nothing is due (other nodes may have added work). */
  idleMs?: number;
  /** Told about failures the loop survives (a transport that threw, a store error). */
  onError?: (err: Error, context: string) => void;
}

export interface RunStats {
  claimed: number;
  attempted: number;
  held: number;
  recorded: number;
}

/**
 * Drives the engine in time: claims due deliveries in leased batches, asks the destination gate,
 * groups the admitted ones by message and domain (one SMTP transaction can carry several
 * recipients), hands them to the transport and records the outcomes. `runOnce` does everything
 * due now (tests move a TestClock between calls); `run` loops until its signal aborts.
 */
export class Scheduler {
  private readonly engine: Engine;
  private readonly transport: Transport;
  private readonly gate: DestinationGate;
  readonly worker: string;
  private readonly batchSize: number;
  private readonly maxInFlight: number;
  private readonly leaseMs: number;
  private readonly idleMs: number;
  private readonly onError: (err: Error, context: string) => void;
  /** Deliveries handed out and not yet recorded: never handed out twice by this worker. */
  private readonly inFlight = new Set<string>();
  private wakeSleep: AbortController | null = null;
  private woken = false;
  /** Resolved (and replaced) whenever a group of attempts ends or work is submitted: the claim loop looks again. */
  private progress = signalOnce();
  private pending: AttemptOutcome[] = [];
  private flushing: Promise<void> | null = null;

  constructor(options: SchedulerOptions) {
    this.engine = options.engine;
    this.transport = options.transport;
    this.gate = options.gate ?? openGate;
    this.worker = options.worker ?? `${hostname()}:${process.pid}`;
    this.batchSize = options.batchSize ?? 100;
    this.maxInFlight = options.maxInFlight ?? this.batchSize;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.idleMs = options.idleMs ?? 60_000;
    this.onError = options.onError ?? (() => {});
    if (!(this.batchSize >= 1) || !(this.maxInFlight >= 1) || !(this.leaseMs >= 1)) throw new RangeError('batchSize, maxInFlight and leaseMs must be positive');
  }

  /** New work may be due: a sleeping `run` loop looks again at once. */
  wake(): void {
    this.woken = true;
    this.wakeSleep?.abort();
    this.moved();
  }

  /** Something changed that may let the claim loop take more: room freed, or new work. */
  private moved(): void {
    const p = this.progress;
    this.progress = signalOnce();
    p.resolve();
  }

  /**
   * Processes everything due at the clock's current time, then resolves. Once `signal` aborts
   * (the server is stopping) nothing more is claimed: the attempts under way finish and are
   * recorded, and the rest of the queue stays for the next start or another worker.
   */
  async runOnce(signal?: AbortSignal): Promise<RunStats> {
    const stats: RunStats = { claimed: 0, attempted: 0, held: 0, recorded: 0 };
    await this.engine.sweep();
    let swept = this.engine.clock.now();
    const running = new Set<Promise<void>>();
    for (;;) {
      // A store that answers synchronously (SQLite) resolves every await here as a microtask:
      // without a turn of the event loop between claims, a queue the gate keeps holding (thousands
      // of deliveries at one domain's connection limit) is claimed and held again without end
      // while no socket is read — HTTP, the bounce listener and the very SMTP sessions whose end
      // would free a slot all stop.
      await yieldToIo();
      // under steady load this loop may not end for hours: the time-driven transitions still run
      if (this.engine.clock.now() - swept >= this.idleMs) {
        await this.engine.sweep();
        swept = this.engine.clock.now();
      }
      const room = this.maxInFlight - this.inFlight.size;
      const batch = room > 0 && !signal?.aborted ? await this.engine.claimDue(this.worker, Math.min(room, this.batchSize), this.leaseMs) : [];
      if (batch.length === 0) {
        if (running.size === 0) break;
        // Not a whole batch: a slow server holding one group must not keep every other domain
        // waiting. Any group that ends, new work, or the next due time (a hold ending) looks again.
        await this.waitForProgress(signal);
        continue;
      }
      stats.claimed += batch.length;
      const fresh = batch.filter((d) => !this.inFlight.has(d.id));
      for (const d of fresh) this.inFlight.add(d.id);
      const p: Promise<void> = this.process(fresh, stats, signal)
        .catch((err) => this.onError(asError(err), 'process'))
        .finally(() => {
          for (const d of fresh) this.inFlight.delete(d.id);
          running.delete(p);
          this.moved();
        });
      running.add(p);
    }
    await this.flushing;
    return stats;
  }

  /** Until a group ends, work is submitted, or (with room to spare and not stopping) the next due time. */
  private async waitForProgress(signal?: AbortSignal): Promise<void> {
    const progress = this.progress.promise;
    let until = Infinity;
    if (!signal?.aborted && this.inFlight.size < this.maxInFlight) {
      const next = await this.engine.nextDueAt().catch(() => null);
      const now = this.engine.clock.now();
      until = Math.max(now + 1, Math.min(next ?? Infinity, now + this.idleMs));
    }
    if (until === Infinity) return progress;
    const timer = new AbortController();
    const onAbort = () => timer.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.race([progress, this.engine.clock.sleepUntil(until, timer.signal).catch(() => {})]);
    } finally {
      timer.abort();
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private async process(batch: ClaimedDelivery[], stats: RunStats, signal?: AbortSignal): Promise<void> {
    const now = this.engine.clock.now();
    const admitted: Array<{ delivery: ClaimedDelivery; release: () => void }> = [];
    const held: HoldRequest[] = [];
    for (const d of batch) {
      try {
        const decision = await this.gate.admit(d.domain, now);
        if (decision.admit) admitted.push({ delivery: d, release: decision.release });
        else held.push({ deliveryId: d.id, until: decision.until });
      } catch (err) {
        this.onError(asError(err), `gate.admit ${d.domain}`);
        this.inFlight.delete(d.id); // left leased: tried again when the lease ends
      }
    }
    if (held.length) {
      await this.engine.hold(held);
      stats.held += held.length;
      for (const h of held) this.inFlight.delete(h.deliveryId);
      this.moved();
    }
    if (admitted.length === 0) return;
    const messages = await this.engine.getMessages(admitted.map((a) => a.delivery.messageId));
    const groups = new Map<string, typeof admitted>();
    for (const a of admitted) {
      const key = `${a.delivery.messageId}\u0000${a.delivery.domain}`;
      const g = groups.get(key);
      if (g) g.push(a);
      else groups.set(key, [a]);
    }
    await Promise.all([...groups.values()].map((group) => this.attempt(group, messages, stats, signal)));
  }

  private async attempt(group: Array<{ delivery: ClaimedDelivery; release: () => void }>, messages: Map<string, MessageRecord>, stats: RunStats, signal?: AbortSignal): Promise<void> {
    const jobs: DeliveryJob[] = [];
    for (const { delivery: d } of group) {
      const m = messages.get(d.messageId);
      if (!m) continue; // impossible with foreign keys on; left leased rather than guessed at
      const n = d.attempts + 1;
      jobs.push({ deliveryId: d.id, messageId: d.messageId, attempt: n, attemptId: attemptId(d.id, n), from: m.from, recipient: d.recipient, domain: d.domain, raw: m.raw });
    }
    let outcomes: AttemptOutcome[] = [];
    let threw = false;
    try {
      outcomes = jobs.length ? await this.transport.deliver(jobs, signal) : [];
    } catch (err) {
      // A transport must answer every job; one that throws leaves them leased until the lease ends.
      threw = true;
      this.onError(asError(err), 'transport.deliver');
    }
    const expected = new Set(jobs.map((j) => j.attemptId));
    const valid = outcomes.filter((o) => expected.has(o.attemptId));
    for (const o of valid) {
      const job = jobs.find((j) => j.attemptId === o.attemptId)!;
      try {
        await this.gate.observe(job.domain, o);
      } catch (err) {
        this.onError(asError(err), `gate.observe ${job.domain}`);
      }
    }
    for (const { release } of group) release();
    stats.attempted += valid.length;
    const unanswered = jobs.filter((j) => !valid.some((o) => o.attemptId === j.attemptId));
    if (unanswered.length && !threw) {
      if (signal?.aborted) {
        // stopping: what never went on the wire goes back to the queue now, not when the lease ends
        try {
          await this.engine.hold(unanswered.map((j) => ({ deliveryId: j.deliveryId, until: this.engine.clock.now() })));
        } catch (err) {
          this.onError(asError(err), 'give back unsent deliveries');
        }
      } else this.onError(new Error(`transport answered ${valid.length} of ${jobs.length} jobs; the rest wait for their lease to end`), 'transport.deliver');
    }
    this.pending.push(...valid);
    await this.flush();
    stats.recorded += valid.length;
    for (const { delivery } of group) this.inFlight.delete(delivery.id);
    this.moved();
  }

  /** Records outcomes that arrived together in one transaction (groups finishing in the same tick share it). */
  private flush(): Promise<void> {
    this.flushing ??= (async () => {
      try {
        await new Promise<void>((resolve) => setImmediate(resolve));
        while (this.pending.length) {
          const batch = this.pending.splice(0);
          await this.engine.recordOutcomes(batch);
        }
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  /** Runs until `signal` aborts: process what is due, sleep until the next due time or a wake-up. */
  async run(signal: AbortSignal): Promise<void> {
    const unsubscribe = this.engine.onWork(() => this.wake());
    try {
      while (!signal.aborted) {
        this.woken = false;
        let next: number | null = null;
        try {
          await this.runOnce(signal);
          next = await this.engine.nextDueAt();
        } catch (err) {
          this.onError(asError(err), 'run');
        }
        if (signal.aborted) break;
        if (this.woken) continue;
        const now = this.engine.clock.now();
        const at = Math.max(now + 1, Math.min(next ?? Infinity, now + this.idleMs));
        await this.sleepUntil(at, signal);
      }
    } finally {
      unsubscribe();
      await this.flushing;
    }
  }

  private async sleepUntil(at: number, signal: AbortSignal): Promise<void> {
    const wake = new AbortController();
    this.wakeSleep = wake;
    const onAbort = () => wake.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await this.engine.clock.sleepUntil(at, wake.signal);
    } catch {
      // woken or aborted: either way, look again
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.wakeSleep = null;
    }
  }
}

function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function signalOnce(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

import type { Classification } from '../../classify/types.ts';
import type { Clock } from '../../engine/clock.ts';
import type { AttemptOutcome, DeliveryJob, Transport } from '../../engine/transport.ts';
import type { Store } from '../../store/store.ts';
import type { WebhookStore } from '../../store/webhook-store.ts';
import { signatureHeader, SIGNATURE_HEADER } from '../outgoing/signature.ts';
import { fetchPoster, type Poster } from '../outgoing/http-post.ts';
import { replyForStatus, type ResendRequest } from './resend-body.ts';

export interface ResendTransportOptions {
  store: Pick<Store, 'getDelivery' | 'getMessage'>;
  targets: Pick<WebhookStore, 'getResendTarget'>;
  /** Signs every POST (Rebound-Signature), so the sender knows the retry comes from Rebound. */
  secret: string;
  classify: (text: string) => Classification;
  clock: Clock;
  /** Wall time for signature timestamps (default Date.now); the engine clock may be sped up. */
  wallClock?: () => number;
  post?: Poster;
}

const SMTP_REPLY = /^[2-5]\d\d[ -]/;

/**
 * The transport of deliveries whose message lives at an ESP: Rebound never holds a connection
 * to the receiver, so a retry that falls due is a signed POST to the sender's resend URL, and
 * the answer is the attempt's outcome — 2xx "accepted" (handed to the ESP; the ESP's later event
 * can still reopen it), anything else classified from its reply text. Attempt 1 made no POST:
 * the sender had already handed the message to its ESP when it registered it.
 */
export class ResendTransport implements Transport {
  private readonly post: Poster;

  constructor(private readonly options: ResendTransportOptions) {
    if (options.secret === '') throw new RangeError('the resend hook needs a signing secret');
    this.post = options.post ?? fetchPoster();
  }

  private wallNow(): number {
    return this.options.wallClock?.() ?? Date.now();
  }

  deliver(jobs: DeliveryJob[]): Promise<AttemptOutcome[]> {
    return Promise.all(jobs.map((job) => this.deliverOne(job)));
  }

  private async deliverOne(job: DeliveryJob): Promise<AttemptOutcome> {
    const started = this.options.clock.now();
    if (job.attempt === 1) return this.outcome(job, started, null, '250 2.0.0 handed to the ESP by the sender at submission');
    // Only a target registered through submitForEsp is posted to: the message's header marks it as
    // an ESP message, but a header is text a submitter could have written, and a URL taken from it
    // would let anyone who can submit make the server POST anywhere.
    const url = await this.options.targets.getResendTarget(job.messageId);
    if (url === null) return this.outcome(job, started, null, '451 4.3.0 no resend URL is registered for this message');
    const [delivery, message] = await Promise.all([this.options.store.getDelivery(job.deliveryId), this.options.store.getMessage(job.messageId)]);
    const request: ResendRequest = {
      deliveryId: job.deliveryId, recipient: job.recipient, attempt: job.attempt,
      reason: delivery?.lastOutcome?.reason ?? null, originalMessageId: message?.originalMessageId ?? null,
    };
    const body = JSON.stringify(request);
    const headers = {
      'content-type': 'application/json',
      // wall time, not engine time: the receiver checks t against its own clock (replay window)
      [SIGNATURE_HEADER.toLowerCase()]: signatureHeader(this.options.secret, Math.floor(this.wallNow() / 1000), body),
      'rebound-delivery-id': job.deliveryId,
    };
    let reply: string;
    try {
      const res = await this.post(url, body, headers);
      const text = res.text.trim().replace(/\s+/g, ' ').slice(0, 1000);
      const ok = res.status >= 200 && res.status < 300;
      // An SMTP reply in the body of a refusal is the sender's own verdict: classified as given.
      reply = !ok && SMTP_REPLY.test(text) ? text : `${replyForStatus(res.status)} resend hook answered HTTP ${res.status}${text ? `: ${text}` : ''}`;
    } catch (err) {
      reply = `${replyForStatus(0)} resend hook unreachable: ${(err as Error).message || String(err)}`;
    }
    return this.outcome(job, started, url, reply);
  }

  private outcome(job: DeliveryJob, started: number, destination: string | null, response: string): AttemptOutcome {
    const at = this.options.clock.now();
    return {
      deliveryId: job.deliveryId, attemptId: job.attemptId, at, destination, phase: null, response,
      classification: this.options.classify(response), durationMs: at - started, source: 'resend',
    };
  }

  async close(): Promise<void> {}
}

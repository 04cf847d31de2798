import type { AttemptOutcome, DeliveryJob, Transport } from '../../engine/transport.ts';
import { resendUrlOf } from './resend-header.ts';

/**
 * Chooses the transport per delivery: messages registered with a resend URL (they live at the
 * sender's ESP; `submitForEsp` marks them) go to `resend`, the rest to `smtp`. The scheduler
 * sees one Transport.
 */
export class RoutingTransport implements Transport {
  constructor(
    private readonly smtp: Transport,
    private readonly resend: Transport,
  ) {}

  async deliver(jobs: DeliveryJob[], signal?: AbortSignal): Promise<AttemptOutcome[]> {
    const esp: DeliveryJob[] = [];
    const own: DeliveryJob[] = [];
    for (const job of jobs) (resendUrlOf(job.raw) !== null ? esp : own).push(job);
    const [a, b] = await Promise.all([own.length ? this.smtp.deliver(own, signal) : [], esp.length ? this.resend.deliver(esp, signal) : []]);
    return [...a, ...b];
  }

  async close(): Promise<void> {
    await Promise.all([this.smtp.close(), this.resend.close()]);
  }
}

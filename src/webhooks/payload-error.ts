/**
 * A webhook body Rebound cannot read at all (not JSON, too big, not the provider's shape). The
 * HTTP route answers 400 with the message; nothing in the body is recorded.
 */
export class WebhookPayloadError extends Error {
  override name = 'WebhookPayloadError';
  constructor(readonly provider: string, message: string, options?: ErrorOptions) {
    super(`${provider} webhook: ${message}`, options);
  }
}

/** JSON schemas shared by routes (and copied into /openapi.json). */

export const errorSchema = {
  type: 'object',
  required: ['error', 'details'],
  properties: { error: { type: 'string' }, details: { type: 'object', additionalProperties: true } },
} as const;

export const email = { type: 'string', minLength: 3, maxLength: 320, pattern: '^[^\\s@<>"\\x00-\\x1f\\x7f]+@[^\\s@<>"\\x00-\\x1f\\x7f]+$', 'x-must-be': 'an email address: local@domain, without spaces, angle brackets or quotes' } as const;

export const attemptSchema = {
  type: 'object',
  properties: {
    n: { type: 'integer' }, at: { type: 'string', format: 'date-time' }, source: { type: 'string' },
    destination: { type: ['string', 'null'] }, basic: { type: ['integer', 'null'] }, enhanced: { type: ['string', 'null'] },
    reason: { type: 'string' }, response: { type: 'string' },
    class: { type: ['string', 'null'] }, phase: { type: ['string', 'null'] }, rule: { type: 'string' },
  },
} as const;

export const deliverySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, messageId: { type: 'string' }, recipient: { type: 'string' }, domain: { type: 'string' },
    status: { type: 'string', enum: ['queued', 'deferred', 'delivered', 'failed'] },
    attempts: { type: 'array', items: attemptSchema },
    attemptCount: { type: 'integer', description: 'attempts counted against maxAttempts; reports about a final delivery are listed in attempts but not counted' },
    nextAttemptAt: { type: ['string', 'null'], format: 'date-time', description: 'when the retry schedule makes it due' },
    waitingUntil: { type: ['string', 'null'], format: 'date-time', description: 'due, but held in the queue until then by its destination (a suspension, the wait for a probe\'s outcome, deliveries in flight, the rate limit); null otherwise' },
    maxAttempts: { type: ['integer', 'null'] }, rule: { type: ['string', 'null'] }, createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const classificationSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    basic: { type: ['integer', 'null'] }, enhanced: { type: ['string', 'null'] }, class: { type: ['string', 'null'] },
    type: { type: 'string' }, reason: { type: 'string' }, hardbounce: { type: 'boolean' }, retryable: { type: 'boolean' },
    action: { type: 'string' }, rule: { type: ['string', 'null'] }, greylisting: { type: 'boolean', description: 'present (true) when the reply was greylisting' },
  },
} as const;

export const addressSchema = {
  type: 'object',
  properties: {
    email: { type: 'string' }, status: { type: 'string', enum: ['active', 'deferred', 'unavailable', 'suppressed'] },
    until: { type: ['string', 'null'] }, reason: { type: ['string', 'null'] }, deferralCount: { type: 'integer' },
    failureCount: { type: 'integer' }, hardBounceCount: { type: 'integer' }, updatedAt: { type: ['string', 'null'] },
  },
} as const;

/** The error responses every authenticated route may give. */
export const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 413: errorSchema, 415: errorSchema } as const;

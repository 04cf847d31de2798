import type { FastifyInstance } from 'fastify';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { simpleParser, type AddressObject } from 'mailparser';
import { SubmitError } from '../../engine/engine.ts';
import { ApiError } from '../api-error.ts';
import { iso, type ServerContext } from '../context.ts';
import { email, errors } from './schemas.ts';
import { deliveryView } from './delivery-view.ts';
import { tagSchema } from './tags.ts';
import { submitForEsp } from '../../webhooks/resend/submit-for-esp.ts';
import type { WebhookIngest } from './webhooks-ingest.ts';

interface JsonMessage {
  from: string;
  to: string[];
  cc?: string[];
  subject: string;
  text?: string;
  html?: string;
  headers?: Record<string, string>;
  resendUrl?: string;
  tag?: string;
}

const jsonBody = {
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to', 'subject'],
  properties: {
    from: email,
    to: { type: 'array', minItems: 1, maxItems: 1000, items: email },
    cc: { type: 'array', maxItems: 1000, items: email },
    subject: { type: 'string', maxLength: 998, pattern: '^[^\\r\\n]*$', 'x-must-be': 'one line (no line break)' },
    text: { type: 'string' },
    html: { type: 'string' },
    headers: {
      type: 'object', maxProperties: 50,
      propertyNames: { pattern: '^[A-Za-z0-9-]{1,76}$', 'x-must-be': 'a header name: letters, digits and - (up to 76)' },
      additionalProperties: { type: 'string', maxLength: 998, pattern: '^[^\\r\\n]*$', 'x-must-be': 'one line (no line break)' },
    },
    tag: tagSchema,
    resendUrl: {
      type: 'string', maxLength: 2000, pattern: '^https?://[^\\s]+$', 'x-must-be': 'an http:// or https:// URL with no spaces',
      description: 'the message was sent through an ESP by the sender: Rebound records it, and a retry that falls due is a signed POST to this URL (docs/webhooks.md#the-resend-hook); needs a resend secret in the webhooks file',
    },
  },
} as const;

const accepted = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    deliveries: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, recipient: { type: 'string' }, status: { type: 'string' }, rule: { type: 'string', description: 'only on a delivery that failed at once: address/suppressed or address/unavailable' } } } },
  },
} as const;

/** The message a JSON submission describes, and the Message-ID it was given (the sender's own, or one made for it). */
function compose(m: JsonMessage): Promise<{ raw: Buffer; messageId: string | null }> {
  return new Promise((resolve, reject) => {
    const node = new MailComposer({ from: m.from, to: m.to, cc: m.cc, subject: m.subject, text: m.text, html: m.html, headers: m.headers }).compile();
    node.build((err, out) => (err ? reject(err) : resolve({ raw: out, messageId: node.messageId() || null })));
  });
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((a) => a.value).map((v) => v.address ?? '').filter(Boolean);
}

// Rebound's own headers (X-Rebound-ID ties bounces to deliveries; X-Rebound-Resend-URL marks a
// message registered for an ESP): a submitter writing them could mistie bounces or steer retries
const OWN_HEADER = /^x-rebound-[a-z0-9-]*$/i;
const HEAD_LIMIT = 4 * 1024 * 1024;

function refuseOwnHeader(name: string, field: string): void {
  if (OWN_HEADER.test(name)) throw new ApiError(400, `${field}: ${name} is one of Rebound's own headers (X-Rebound-*), set by Rebound only`, { field });
}

/** A raw RFC 5322 message: sender from From, recipients from To and Cc. */
async function fromRaw(raw: Buffer): Promise<{ from: string; to: string[]; originalMessageId: string | null }> {
  if (raw.length === 0) throw new ApiError(400, 'body: the message is empty', { field: 'body' });
  // a header block may be long (thousands of To addresses): look for its end in the whole body
  const head = raw.subarray(0, HEAD_LIMIT).toString('latin1');
  if (!/^[\x21-\x39\x3b-\x7e]+:/m.test(head) || !/\r?\n\r?\n/.test(head)) throw new ApiError(400, 'body: not an RFC 5322 message (no header section)', { field: 'body' });
  for (const m of head.slice(0, head.search(/\r?\n\r?\n/)).matchAll(/^([\x21-\x39\x3b-\x7e]+)[ \t]*:/gm)) refuseOwnHeader(m[1]!, 'body.headers');
  const parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, maxHtmlLengthToParse: 0 });
  const from = addresses(parsed.from)[0];
  if (!from) throw new ApiError(400, 'body.From: the message has no From address', { field: 'body.From' });
  const to = [...addresses(parsed.to), ...addresses(parsed.cc), ...addresses(parsed.bcc)];
  if (to.length === 0) throw new ApiError(400, 'body.To: the message has no To, Cc or Bcc recipients', { field: 'body.To' });
  return { from, to, originalMessageId: parsed.messageId ?? null };
}

/**
 * The message without its Bcc header (and the header's folded lines): Bcc recipients get the
 * message, but nobody may read who they were (RFC 5322 3.6.3, what every submission server does).
 */
export function withoutBcc(raw: Buffer): Buffer {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  if (end < 0) return raw;
  const head = text.slice(0, end);
  if (!/^bcc[ \t]*:/im.test(head)) return raw;
  const kept = head.replace(/^bcc[ \t]*:[^\n]*\n?(?:[ \t][^\n]*\n?)*/gim, '');
  return Buffer.from(kept.replace(/\r?\n$/, '') + text.slice(end), 'latin1');
}

/** `POST /v1/messages` (JSON or message/rfc822) and `GET /v1/messages/:id`. */
export async function messageRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.addContentTypeParser('message/rfc822', { parseAs: 'buffer', bodyLimit: ctx.bodyLimit }, (_req, body, done) => done(null, body));

  app.post('/v1/messages', {
    schema: {
      summary: 'Accept a message for delivery (JSON fields, or a raw message/rfc822 body)',
      body: { content: { 'application/json': { schema: jsonBody }, 'message/rfc822': { schema: {} } } },
      querystring: { type: 'object', additionalProperties: false, properties: { tag: { ...tagSchema, description: 'the tag of a message/rfc822 submission (a JSON one may give it as a field)' } } },
      response: { 202: accepted, ...errors },
    },
  }, async (request, reply) => {
    let message: { from: string; raw: Buffer; originalMessageId: string | null; tag?: string | null };
    let recipients: string[];
    if (Buffer.isBuffer(request.body)) {
      const r = await fromRaw(request.body);
      message = { from: r.from, raw: withoutBcc(request.body), originalMessageId: r.originalMessageId };
      recipients = r.to;
    } else {
      const body = request.body as JsonMessage;
      if (body.text === undefined && body.html === undefined) throw new ApiError(400, 'body.text: a message needs text or html', { field: 'body.text' });
      for (const name of Object.keys(body.headers ?? {})) refuseOwnHeader(name, `body.headers.${name}`);
      const composed = await compose(body);
      message = { from: body.from, raw: composed.raw, originalMessageId: composed.messageId };
      recipients = [...body.to, ...(body.cc ?? [])];
    }
    const resendUrl = Buffer.isBuffer(request.body) ? undefined : (request.body as JsonMessage).resendUrl;
    const fromQuery = (request.query as { tag?: string }).tag;
    const fromBody = Buffer.isBuffer(request.body) ? undefined : (request.body as JsonMessage).tag;
    if (fromQuery !== undefined && fromBody !== undefined && fromQuery !== fromBody) throw new ApiError(400, 'querystring.tag: differs from body.tag; give it once', { field: 'querystring.tag' });
    const tag = fromBody ?? fromQuery ?? null;
    message = { ...message, tag };
    const webhooks = (ctx as ServerContext & { webhooks?: WebhookIngest }).webhooks;
    if (resendUrl !== undefined && !webhooks?.resend) {
      throw new ApiError(400, 'body.resendUrl: no resend secret is configured (resend: { secret } in the webhooks file), so Rebound could not sign its retries', { field: 'body.resendUrl' });
    }
    try {
      const result = resendUrl !== undefined && webhooks
        ? await submitForEsp(ctx.engine, webhooks.state, message, recipients, resendUrl)
        : await ctx.engine.submit(message, recipients);
      request.log.info({ event: 'message.accepted', messageId: result.messageId, deliveries: result.deliveries.length }, 'message accepted');
      return reply.code(202).send({ id: result.messageId, deliveries: result.deliveries.map(({ id, recipient, status, rule }) => ({ id, recipient, status, ...(rule ? { rule } : {}) })) });
    } catch (err) {
      if (err instanceof SubmitError) {
        const field = /sender/.test(err.message) ? (Buffer.isBuffer(request.body) ? 'body.From' : 'body.from') : 'body.to';
        throw new ApiError(400, `${field}: ${err.message}`, { field });
      }
      throw err;
    }
  });

  app.get('/v1/messages/:id', {
    schema: {
      summary: 'A message and its deliveries',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } },
      response: { ...errors },
    },
  }, async (request) => {
    const { id } = request.params as { id: string };
    const message = await ctx.store.getMessage(id);
    if (!message) throw new ApiError(404, `no message ${id}`, { field: 'params.id' });
    const deliveries = await ctx.store.listDeliveries({ messageId: id, limit: 10_000 });
    return {
      id: message.id, from: message.from, originalMessageId: message.originalMessageId, tag: message.tag, createdAt: iso(message.createdAt),
      deliveries: await Promise.all(deliveries.map((d) => deliveryView(ctx, d))),
    };
  });
}

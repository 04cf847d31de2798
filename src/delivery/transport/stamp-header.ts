import { REBOUND_ID_HEADER } from '../../engine/transport.ts';

/**
 * Puts `X-Rebound-ID: <ids>` at the top of the message, replacing any such header a resent
 * message still carries, so a bounce that quotes the headers leads back to the delivery.
 * Several ids (one transaction carrying several deliveries) are listed space-separated.
 */
export function stampReboundId(raw: Buffer, ids: string[]): Buffer {
  const value = ids.map((id) => id.replace(/[^\x21-\x7e]/g, '')).filter((id) => id.length > 0).join(' ');
  const headEnd = headerEnd(raw);
  const head = raw.subarray(0, headEnd).toString('latin1');
  const eol = head.includes('\r\n') || headEnd === 0 ? '\r\n' : '\n';
  const kept = withoutHeader(head, REBOUND_ID_HEADER);
  const stamp = Buffer.from(`${REBOUND_ID_HEADER}: ${value}${eol}`, 'latin1');
  if (kept.length === head.length) return Buffer.concat([stamp, raw]);
  return Buffer.concat([stamp, Buffer.from(kept, 'latin1'), raw.subarray(headEnd)]);
}

/** Where the header block ends (the start of the blank line), or the whole buffer when it has none. */
function headerEnd(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const candidates = [crlf === -1 ? -1 : crlf + 2, lf === -1 ? -1 : lf + 1].filter((i) => i >= 0);
  return candidates.length ? Math.min(...candidates) : raw.length;
}

/** The header block without every occurrence of one header (folded lines included). */
function withoutHeader(head: string, name: string): string {
  const lines = head.split(/(?<=\n)/);
  const out: string[] = [];
  let dropping = false;
  const prefix = name.toLowerCase() + ':';
  for (const line of lines) {
    if (dropping && /^[ \t]/.test(line)) continue;
    dropping = line.toLowerCase().startsWith(prefix);
    if (!dropping) out.push(line);
  }
  return out.join('');
}

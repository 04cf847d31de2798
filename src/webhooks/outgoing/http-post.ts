/**
 * How Rebound POSTs (outgoing event webhooks, the resend hook). Injected so a test or an embedder
 * can route it; the default is Node's fetch with a wall-time timeout (a network limit, not a
 * schedule, so it does not go through the engine clock).
 */
export interface PostResult {
  status: number;
  /** The response body, cut to a few KB: kept as the reply text of a refusal. */
  text: string;
}

export type Poster = (url: string, body: string, headers: Record<string, string>) => Promise<PostResult>;

const MAX_RESPONSE_TEXT = 4096;

export function fetchPoster(timeoutMs = 10_000): Poster {
  return async (url, body, headers) => {
    const res = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const text = await readCapped(res, MAX_RESPONSE_TEXT);
    return { status: res.status, text };
  };
}

async function readCapped(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}

/**
 * A relay (smarthost) named by a URL: `smtp://user:pass@host:587` (STARTTLS) or
 * `smtps://user:pass@host:465` (TLS from the first byte). Query options:
 *   starttls=require|may|never   (smtp:// only; default may, or require when credentials are given:
 *                                 a password never crosses the network in clear unless told so)
 *   verify=false                 accept any certificate (a relay on a private network)
 *   name=HOST                    the name Rebound gives in EHLO
 */
export interface RelayTarget {
  host: string;
  port: number;
  /** TLS from the first byte. */
  secure: boolean;
  starttls: 'require' | 'may' | 'never';
  verifyCertificate: boolean;
  auth: { user: string; pass: string } | null;
  ehloName: string | null;
  /** The URL with the password masked, for logs and outcome records. */
  display: string;
}

export class RelayUrlError extends Error {
  override name = 'RelayUrlError';
}

export function parseRelayUrl(input: string): RelayTarget {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch (err) {
    // the password is not repeated into an error that ends up in logs and terminals
    const shown = input.slice(0, 200).replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:****@');
    throw new RelayUrlError(`not a relay URL: ${JSON.stringify(shown)} (expected smtp://user:pass@host:port or smtps://…)`, { cause: err });
  }
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  if (scheme !== 'smtp' && scheme !== 'smtps') throw new RelayUrlError(`relay URL scheme must be smtp or smtps, got ${scheme}`);
  if (!url.hostname) throw new RelayUrlError('relay URL has no host');
  const secure = scheme === 'smtps';
  const port = url.port ? Number(url.port) : secure ? 465 : 587;
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  const auth = user ? { user, pass } : null;
  for (const key of url.searchParams.keys()) {
    if (!['starttls', 'verify', 'name'].includes(key)) throw new RelayUrlError(`unknown relay URL option ${JSON.stringify(key)} (known: starttls, verify, name)`);
  }
  const starttlsParam = url.searchParams.get('starttls');
  if (starttlsParam !== null && !['require', 'may', 'never'].includes(starttlsParam)) {
    throw new RelayUrlError(`starttls must be require, may or never, got ${JSON.stringify(starttlsParam)}`);
  }
  if (secure && starttlsParam !== null) throw new RelayUrlError('starttls does not apply to smtps:// (TLS from the first byte)');
  const starttls = (starttlsParam ?? (auth ? 'require' : 'may')) as RelayTarget['starttls'];
  const verifyParam = url.searchParams.get('verify');
  if (verifyParam !== null && verifyParam !== 'true' && verifyParam !== 'false') throw new RelayUrlError(`verify must be true or false, got ${JSON.stringify(verifyParam)}`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const masked = new URL(url.href);
  if (masked.password) masked.password = '****';
  return {
    host,
    port,
    secure,
    starttls,
    verifyCertificate: verifyParam !== 'false',
    auth,
    ehloName: url.searchParams.get('name'),
    display: masked.href,
  };
}

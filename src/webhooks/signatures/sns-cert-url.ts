/**
 * SNS signing certificates are fetched only from Amazon's own SNS hosts
 * (https://sns.<region>.amazonaws.com/…, .amazonaws.com.cn in China) and only .pem files: a
 * message naming any other URL is refused before anything is fetched.
 */
export const SNS_CERT_HOST = /^sns\.[a-z0-9-]{1,40}\.amazonaws\.com(\.cn)?$/;

export function isTrustedCertUrl(url: string): boolean {
  if (url.length > 2048) return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === 'https:' && u.port === '' && u.username === '' && u.password === ''
    && SNS_CERT_HOST.test(u.hostname) && u.pathname.endsWith('.pem') && u.search === '';
}

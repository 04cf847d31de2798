import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snsStringToSign } from '../../../src/webhooks/index.ts';

/**
 * A stand-in for Amazon SNS in tests: its own RSA key and a self-signed certificate made with
 * the openssl command (node:crypto reads certificates but cannot make them), and a signer that
 * signs messages the way SNS does.
 */
export interface SnsSigner {
  certPem: string;
  cert: X509Certificate;
  sign(message: Record<string, string>, version?: '1' | '2'): Record<string, string>;
}

export function makeSnsSigner(): SnsSigner {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dir = mkdtempSync(join(tmpdir(), 'rebound-sns-'));
  try {
    const keyFile = join(dir, 'key.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const certPem = execFileSync('openssl', ['req', '-x509', '-key', keyFile, '-subj', '/CN=sns.amazonaws.com', '-days', '30', '-sha256'], { encoding: 'utf8' });
    return {
      certPem,
      cert: new X509Certificate(certPem),
      sign(message, version = '2') {
        const m = { ...message, SignatureVersion: version };
        const toSign = snsStringToSign(m);
        if (toSign === null) throw new Error('message lacks a signed field');
        return { ...m, Signature: sign(version === '1' ? 'sha1' : 'sha256', Buffer.from(toSign, 'utf8'), privateKey).toString('base64') };
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

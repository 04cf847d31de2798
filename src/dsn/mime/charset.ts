import libmime from 'libmime';
import { decode as decodeLegacyCharset } from 'libmime/lib/charset.js';
import { decode as decodeQuotedPrintable } from 'libqp';

// The MIME walker keeps a message as a "binary string": one char per byte (latin1), so slicing,
// searching and regexes are plain string work and bytes are only turned into text on demand.

const NON_ASCII = /[^\x00-\x7f]/;
const decoders = new Map<string, TextDecoder | null>();
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

// Labels real MTAs write that the WHATWG encoding list does not know by that name.
const CHARSET_ALIASES: Record<string, string> = {
  utf8: 'utf-8',
  'uft-8': 'utf-8',
  sjis: 'shift_jis',
  'x-sjis': 'shift_jis',
  'shift-jis': 'shift_jis',
  'ks_c_5601-1987': 'euc-kr',
  'iso-2022-jp-2': 'iso-2022-jp',
  'iso-2022-jp-ms': 'iso-2022-jp',
  cp932: 'shift_jis',
  'windows-31j': 'shift_jis',
  'x-unknown': 'utf-8',
  unknown: 'utf-8',
};

function normalizeCharset(charset: string | undefined): string {
  const c = (charset ?? '').trim().replace(/^["']|["']$/g, '').toLowerCase();
  return CHARSET_ALIASES[c] ?? c;
}

function decoderFor(label: string): TextDecoder | null {
  let d = decoders.get(label);
  if (d === undefined) {
    try {
      d = new TextDecoder(label);
    } catch {
      d = null;
    }
    decoders.set(label, d);
  }
  return d;
}

/** UTF-8 when the bytes are valid UTF-8, else windows-1252: what an unlabelled 8-bit byte most likely meant. */
function utf8OrLegacy(bytes: Buffer): string {
  try {
    return fatalUtf8.decode(bytes);
  } catch {
    return decoderFor('windows-1252')!.decode(bytes);
  }
}

// ISO-2022-JP's designations (RFC 1468): JIS X 0208 (ESC $ B, ESC $ @) then back to ASCII or JIS
// Roman (ESC ( B, ESC ( J). Seven-bit and self-announcing, so Japanese MTAs write it into parts
// and fields that carry no charset at all (a Diagnostic-Code, a delivery-status part); no ASCII
// text contains these sequences by accident.
const ISO_2022_JP = /\x1b\$[B@][\x21-\x7e]+\x1b\([BJ]/;

/** Turns bytes into text in the named charset; unknown or missing charsets fall back to UTF-8/windows-1252. */
export function decodeBytes(bytes: Buffer, charset: string | undefined): string {
  const label = normalizeCharset(charset);
  if (label === '' || label === 'us-ascii' || label === 'ascii' || label === 'utf-8') {
    if (bytes.includes(0x1b) && ISO_2022_JP.test(bytes.toString('latin1'))) return decoderFor('iso-2022-jp')!.decode(bytes);
    return utf8OrLegacy(bytes);
  }
  const d = decoderFor(label);
  if (d) return d.decode(bytes);
  try {
    return decodeLegacyCharset(bytes, label);
  } catch {
    return utf8OrLegacy(bytes);
  }
}

/** Text of a binary-string slice in `charset`, skipping all work for plain ASCII. */
export function binaryToText(bin: string, charset: string | undefined): string {
  if (!NON_ASCII.test(bin) && !bin.includes('\x1b') && !isAsciiIncompatible(charset)) return bin;
  return decodeBytes(Buffer.from(bin, 'latin1'), charset);
}

function isAsciiIncompatible(charset: string | undefined): boolean {
  const c = normalizeCharset(charset);
  return c.startsWith('utf-16') || c.startsWith('utf-32') || c === 'utf-7' || c === 'unicode-1-1-utf-7';
}

/** Undoes a Content-Transfer-Encoding; returns a binary string. Unknown encodings pass through. */
export function decodeTransfer(bin: string, encoding: string | undefined): string {
  const e = (encoding ?? '').trim().toLowerCase();
  if (e === 'base64') return Buffer.from(bin, 'base64').toString('latin1');
  if (e === 'quoted-printable') return decodeQuotedPrintable(bin).toString('latin1');
  return bin;
}

/** Decodes a header value: raw 8-bit bytes (UTF-8 or legacy), then RFC 2047 encoded words. */
export function decodeHeaderValue(bin: string): string {
  let v = NON_ASCII.test(bin) ? utf8OrLegacy(Buffer.from(bin, 'latin1')) : bin;
  if (v.includes('=?')) {
    try {
      v = libmime.decodeWords(v);
    } catch {
      // a malformed encoded word stays as written: still readable, never fatal
    }
  }
  return v;
}

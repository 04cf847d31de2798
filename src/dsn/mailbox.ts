import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** One email found under the paths given: its bytes, or why it could not be read. */
export interface FoundMessage {
  /** The file, plus "#N" for the Nth message (1-based) of an mbox. */
  source: string;
  /** 1-based position of the file it came from among all files walked (for progress). */
  file: number;
  raw?: Buffer;
  error?: string;
}

const MAX_DIRECTORY_DEPTH = 32;
/** A single message larger than this is not read into memory. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/**
 * Every regular file under a path, depth first, in name order. Maildir's tmp/ (messages still
 * being written) and hidden entries are skipped, except a Maildir's Maildir++ subfolders.
 */
async function* filesUnder(path: string, depth: number, seen: Set<string> = new Set()): AsyncGenerator<{ path: string; error?: string }> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    yield { path, error: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
    return;
  }
  if (info.isFile()) {
    yield { path };
    return;
  }
  if (!info.isDirectory()) {
    yield { path, error: 'not a file or directory' };
    return;
  }
  // a directory reached twice (a symbolic link to a parent, or two links to one place) is read once
  const id = `${info.dev}:${info.ino}`;
  if (seen.has(id)) return;
  seen.add(id);
  if (depth >= MAX_DIRECTORY_DEPTH) {
    yield { path, error: `directories nested deeper than ${MAX_DIRECTORY_DEPTH} levels are not read` };
    return;
  }
  let names: string[];
  try {
    names = (await readdir(path)).sort();
  } catch (err) {
    yield { path, error: `cannot list: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
    return;
  }
  const maildir = names.includes('cur') && names.includes('new');
  for (const name of names) {
    if (maildir ? !isMaildirPart(name) || !(await isDirectory(join(path, name))) : name.startsWith('.') || name === 'tmp') continue;
    yield* filesUnder(join(path, name), depth + 1, seen);
  }
}

/**
 * In a Maildir only cur/ and new/ hold messages; its other files are the IMAP server's (dovecot
 * indexes, courier keywords, subscriptions) and are not mail. Maildir++ subfolders (".Bounces",
 * ".Archive.2026") are hidden directories of the same shape, and a mail server files bounces there.
 */
function isMaildirPart(name: string): boolean {
  return name === 'cur' || name === 'new' || (name.startsWith('.') && name !== '.' && name !== '..' && name.length > 1);
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Whether a file starts like an mbox: a "From " separator line. */
async function startsLikeMbox(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(5);
    const { bytesRead } = await fh.read(head, 0, 5, 0);
    return bytesRead === 5 && head.toString('latin1') === 'From ';
  } finally {
    await fh.close();
  }
}

const SEPARATOR = Buffer.from('\n\nFrom ', 'latin1');
const SEPARATOR_CRLF = Buffer.from('\r\n\r\nFrom ', 'latin1');

/** Longest separator, less one byte: a separator may begin in the last this-many bytes of a chunk. */
const HOLD_BACK = SEPARATOR_CRLF.length - 1;

/**
 * The messages of an mbox file, streamed: memory holds at most one message's first
 * MAX_MESSAGE_BYTES (all a bounce parser reads) and one chunk. Each chunk is searched once, with
 * the few bytes before it held back so a separator split across two reads is still found; the
 * bytes of a runaway message past the cap are counted and dropped, never copied again.
 */
export async function* mboxMessages(path: string, options: { chunkBytes?: number; maxMessageBytes?: number } = {}): AsyncGenerator<Buffer> {
  const max = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  let parts: Buffer[] = [];
  let kept = 0;
  let seen = 0;
  let carry: Buffer = Buffer.alloc(0);
  const keep = (b: Buffer): void => {
    if (b.length === 0) return;
    if (kept < max) {
      const take = b.subarray(0, max - kept);
      parts.push(take);
      kept += take.length;
    }
    seen += b.length;
  };
  const finish = (): Buffer => {
    const message = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    parts = [];
    kept = 0;
    seen = 0;
    return message;
  };
  for await (const chunk of createReadStream(path, options.chunkBytes ? { highWaterMark: options.chunkBytes } : {})) {
    const buf = carry.length === 0 ? (chunk as Buffer) : Buffer.concat([carry, chunk as Buffer]);
    let pos = 0;
    for (let from = 0; ;) {
      const lf = buf.indexOf(SEPARATOR, from);
      const crlf = buf.indexOf(SEPARATOR_CRLF, from);
      const at = lf === -1 ? crlf : crlf === -1 ? lf : Math.min(lf, crlf);
      if (at === -1) break;
      // a separator at the very start of a message would make an empty one: not a boundary
      if (at === pos && seen === 0) {
        from = at + 1;
        continue;
      }
      const cut = at === crlf ? at + 4 : at + 2;
      keep(buf.subarray(pos, cut));
      yield finish();
      pos = cut;
      from = cut;
    }
    const hold = Math.max(pos, buf.length - HOLD_BACK);
    keep(buf.subarray(pos, hold));
    carry = Buffer.from(buf.subarray(hold));
  }
  keep(carry);
  if (seen > 0) yield finish();
}

/**
 * Every email under the given paths: plain files (one message each), directories recursively
 * (Maildir included), and mbox files (each message as "path#N"). What cannot be read comes back
 * with an `error`; the walk goes on.
 */
export async function* findMessages(paths: readonly string[]): AsyncGenerator<FoundMessage> {
  let n = 0;
  for (const root of paths) {
    for await (const file of filesUnder(root, 0)) {
      const at = ++n;
      if (file.error) {
        yield { source: file.path, file: at, error: file.error };
        continue;
      }
      try {
        if (await startsLikeMbox(file.path)) {
          const messages: Buffer[] = [];
          let count = 0;
          for await (const raw of mboxMessages(file.path)) {
            const n = ++count;
            // a file holding one message with a "From " line is just an email
            if (n === 1) {
              messages.push(raw);
              continue;
            }
            if (n === 2) yield { source: `${file.path}#1`, file: at, raw: messages[0] };
            yield { source: `${file.path}#${n}`, file: at, raw };
          }
          if (count === 1) yield { source: file.path, file: at, raw: messages[0] };
          continue;
        }
        const info = await stat(file.path);
        if (info.size > MAX_MESSAGE_BYTES) {
          const fh = await open(file.path, 'r');
          try {
            const buf = Buffer.alloc(MAX_MESSAGE_BYTES);
            const { bytesRead } = await fh.read(buf, 0, MAX_MESSAGE_BYTES, 0);
            yield { source: file.path, file: at, raw: buf.subarray(0, bytesRead) };
          } finally {
            await fh.close();
          }
          continue;
        }
        const fh = await open(file.path, 'r');
        try {
          yield { source: file.path, file: at, raw: await fh.readFile() };
        } finally {
          await fh.close();
        }
      } catch (err) {
        yield { source: file.path, file: at, error: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
      }
    }
  }
}

/** How many files the walk will visit (for a progress bar); stops counting at `limit`. */
export async function countFiles(paths: readonly string[], limit = 1_000_000): Promise<number> {
  let n = 0;
  for (const root of paths) {
    for await (const _ of filesUnder(root, 0)) {
      if (++n >= limit) return n;
    }
  }
  return n;
}

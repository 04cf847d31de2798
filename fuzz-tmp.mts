import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
const { parseBounce } = await import('/work/main/src/dsn/index.ts');
const dir = '/work/shared/corpus/sisimai/eml/';
const bases = readdirSync(dir).map((f) => readFileSync(dir + f));
const fx = readdirSync('/work/main/test/fixtures/dsn/').map((f) => readFileSync('/work/main/test/fixtures/dsn/' + f));
const all = [...bases, ...fx];
let worst = 0, worstInput: Buffer | null = null, n = 0, errors = 0;
const seed = Number(process.argv[2] ?? 1);
const gen = fc.record({ base: fc.constantFrom(...all), cut: fc.nat(), cut2: fc.nat(), op: fc.constantFrom('truncate','flip','insert','dup','repeat-part','nest','crlf','splice','hdr'), bytes: fc.uint8Array({ minLength: 1, maxLength: 200 }) })
  .map(({ base, cut, cut2, op, bytes }) => {
    const at = cut % (base.length + 1); const at2 = cut2 % (base.length + 1);
    const s = base.toString('latin1');
    switch (op) {
      case 'truncate': return base.subarray(0, at);
      case 'flip': { const b = Buffer.from(base); for (let i = 0; i < bytes.length && at + i < b.length; i++) b[at + i] ^= bytes[i]; return b; }
      case 'insert': return Buffer.concat([base.subarray(0, at), Buffer.from(bytes), base.subarray(at)]);
      case 'dup': { const lines = s.split('\n'); const i = at % lines.length; lines.splice(i, 0, ...Array(2000 + (at2 % 8000)).fill(lines[i])); return Buffer.from(lines.join('\n'), 'latin1'); }
      case 'repeat-part': return Buffer.from(s.slice(0, at) + s.slice(Math.min(at, at2), Math.max(at, at2)).repeat(50) + s.slice(at), 'latin1');
      case 'nest': { const b = 'b' + at; let x = s; for (let i = 0; i < 200; i++) x = `Content-Type: multipart/mixed; boundary="${b}${i}"\n\n--${b}${i}\n${x}\n--${b}${i}--\n`; return Buffer.from('Subject: x\n' + x, 'latin1'); }
      case 'crlf': return Buffer.from(s.replace(/\n/g, at % 2 ? '\r\n' : '\r'), 'latin1');
      case 'splice': { const other = all[at2 % all.length].toString('latin1'); return Buffer.from(s.slice(0, at) + other.slice(at2 % other.length), 'latin1'); }
      default: return Buffer.from(s.replace(/^([A-Za-z-]+):/gm, (m, h) => (at % 3 === 0 ? h.toUpperCase() : h) + ':' + ' '.repeat(at % 7)), 'latin1');
    }
  });
fc.assert(fc.property(gen, (raw) => {
  const t0 = performance.now();
  const p = parseBounce(raw);
  let ms = performance.now() - t0;
  if (ms > 30) for (let k = 0; k < 3; k++) { const t1 = performance.now(); parseBounce(raw); ms = Math.min(ms, performance.now() - t1); }
  n++; if (p.error) errors++;
  if (ms > worst) { worst = ms; worstInput = raw; }
  if (/could not (?:read|understand) the email/.test(p.error ?? '')) throw new Error('safety net answered: ' + p.error);
  for (const r of p.recipients) if (r.status !== null && !/^[245]\.\d{1,3}\.\d{1,3}$/.test(r.status)) throw new Error('bad status ' + r.status);
}), { numRuns: Number(process.argv[3] ?? 5000), seed });
console.log('runs', n, 'errors', errors, 'worst ms', worst.toFixed(1), 'size', worstInput?.length);
if (worstInput) writeFileSync('/tmp/fuzz-worst-' + seed + '.eml', worstInput);

import { readFileSync } from 'node:fs';
import { parseBounce } from './src/dsn/index.ts';
for (const f of process.argv.slice(2)) {
  const r = await parseBounce(readFileSync(f));
  for (const x of r.recipients) console.log(f.split('/').pop(), x.recipient, x.status, x.reason, (x as any).rule);
}

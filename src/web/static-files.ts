import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One file the dashboard serves: its bytes are read once, when the plugin is registered. */
export interface StaticFile {
  body: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export const STATIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'static');

/**
 * The dashboard's own files keyed by URL path under /static/ (e.g. `pages/overview.js`), plus
 * uPlot from node_modules under /vendor/. A fixed map built up front: a request can only name a
 * file in it, so no path from a URL ever reaches the file system.
 */
export function loadStaticFiles(dir = STATIC_DIR): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const path of walk(dir)) {
    const type = TYPES[extname(path)];
    if (type) files.set(`/static/${relative(dir, path).split(sep).join('/')}`, { body: readFileSync(path), type });
  }
  const uplotDist = dirname(createRequire(import.meta.url).resolve('uplot'));
  files.set('/vendor/uplot.esm.js', { body: readFileSync(join(uplotDist, 'uPlot.esm.js')), type: TYPES['.js']! });
  files.set('/vendor/uplot.min.css', { body: readFileSync(join(uplotDist, 'uPlot.min.css')), type: TYPES['.css']! });
  return files;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

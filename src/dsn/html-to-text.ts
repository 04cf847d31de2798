// Enough of HTML to read a bounce written in it (Exim/cPanel templates, Office 365, some ESPs):
// block-level tags become newlines, other tags vanish, the common entities are decoded.

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** Drops <script>, <style> and <head> elements with a scan per element, never a backtracking regex. */
function dropElements(html: string): string {
  const lower = html.toLowerCase();
  let out = '';
  let pos = 0;
  const opening = /<(script|style|head)\b/g;
  for (;;) {
    opening.lastIndex = pos;
    const m = opening.exec(lower);
    if (m === null) return out + html.slice(pos);
    const at = m.index;
    const name = m[1];
    const close = lower.indexOf(`</${name}`, at);
    out += html.slice(pos, at);
    if (close === -1) return out; // an unclosed element swallows the rest, as a browser would
    const end = lower.indexOf('>', close);
    pos = end === -1 ? html.length : end + 1;
  }
}

// The source's own newline right after a block tag is the same line break twice over: "<br>\n"
// must not become a blank line, which would end a recipient's block. Indentation stays (the Exim
// and qmail layouts read it).
// Tag patterns stop at the next "<": a run of "<p<p<p…" with no ">" must cost one pass, not one
// pass per "<" (it took 15 s on 240 KB when they scanned to the next ">").
const NEWLINE_AFTER_BLOCK_TAG = /(<\s*(?:br|\/p|\/div|\/tr|\/li|\/h[1-6]|\/table|p|div|tr|li|h[1-6]|table)\b[^<>]{0,2000}>)[ \t]*\r?\n/gi;

/** Drops <!-- comments --> with indexOf; an unclosed one swallows the rest, as a browser would. */
function dropComments(html: string): string {
  let out = '';
  let pos = 0;
  for (;;) {
    const open = html.indexOf('<!--', pos);
    if (open === -1) return out + html.slice(pos);
    out += html.slice(pos, open);
    const close = html.indexOf('-->', open + 4);
    if (close === -1) return out;
    pos = close + 3;
  }
}

export function htmlToText(html: string): string {
  return dropComments(dropElements(html))
    .replace(NEWLINE_AFTER_BLOCK_TAG, '$1')
    .replace(/<\s*(br|\/p|\/div|\/tr|\/li|\/h[1-6]|\/table|p|div|tr|li|h[1-6]|table)\b[^<>]{0,2000}>/gi, '\n')
    .replace(/<\/?(td|th)\b[^<>]{0,2000}>/gi, ' ')
    .replace(/<[^<>]{0,2000}>/g, '')
    .replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6}|#39);/gi, (m, name: string) => {
      const lower = name.toLowerCase();
      if (lower.startsWith('#x')) return safeCodePoint(parseInt(lower.slice(2), 16), m);
      if (lower.startsWith('#') && lower !== '#39') return safeCodePoint(parseInt(lower.slice(1), 10), m);
      return ENTITIES[lower] ?? m;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n');
}

function safeCodePoint(cp: number, fallback: string): string {
  return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : fallback;
}

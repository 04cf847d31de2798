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

export function htmlToText(html: string): string {
  return dropElements(html)
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<\s*(br|\/p|\/div|\/tr|\/li|\/h[1-6]|\/table|p|div|tr|li|h[1-6]|table)\b[^>]*>/gi, '\n')
    .replace(/<\/?(td|th)\b[^>]*>/gi, ' ')
    .replace(/<[^>]{0,2000}>/g, '')
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

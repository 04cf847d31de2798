/**
 * Finds, in one pass over a text, every phrase of a fixed set (Aho–Corasick, compiled to a full
 * DFA over a compact alphabet). Hundreds of rule phrases cost one table step per character of the
 * reply, instead of one regex scan per rule. Matching ignores case and treats every run of
 * whitespace as one space (the reply text is already folded; phrases are folded here).
 */
export class PhraseMatcher {
  /** char code → alphabet class; class 0 is "a character no phrase uses". */
  private readonly classOf: Uint16Array;
  /** Non-BMP or rare characters outside the table's range. */
  private readonly classOfWide: Map<number, number>;
  private readonly width: number;
  /**
   * Uint16 when the states fit (half the cache footprint of Int32: the table is the hot data).
   * An entry is the next state, with `outputFlag` set when that state ends a phrase, so the scan
   * reads one table per character and looks at `outputs` only on a hit.
   */
  private readonly delta: Uint16Array | Int32Array;
  private readonly outputFlag: number;
  /** outputs[state]: the payloads of every phrase ending at this state (own and via failure links). */
  private readonly outputs: Array<readonly number[] | null>;

  /** `phrases[i]` reports `payloads[i]` when found. */
  constructor(phrases: readonly string[], payloads: readonly number[]) {
    const folded = phrases.map(foldPhrase);
    const TABLE = 0x3000; // Latin, Greek, Cyrillic, CJK punctuation: direct table; beyond: a map
    this.classOf = new Uint16Array(TABLE);
    this.classOfWide = new Map();
    let nextClass = 1;
    const assign = (ch: string) => {
      const lower = ch.toLowerCase();
      const upper = ch.toUpperCase();
      const existing = this.lookupClass(lower.codePointAt(0)!);
      const cls = existing !== 0 ? existing : nextClass++;
      for (const variant of [lower, upper, ch]) {
        if ([...variant].length !== 1) continue; // e.g. "ß".toUpperCase() is two letters
        const cp = variant.codePointAt(0)!;
        if (cp < TABLE) this.classOf[cp] = cls;
        else this.classOfWide.set(cp, cls);
      }
      return cls;
    };
    for (const p of folded) for (const ch of p) if (this.lookupClass(ch.codePointAt(0)!) === 0) assign(ch);
    // every whitespace character reads as the space class, so phrases match across line breaks
    const space = this.lookupClass(32) || assign(' ');
    for (const ws of [9, 10, 11, 12, 13, 0xa0]) this.classOf[ws] = space;
    this.width = nextClass;

    // trie
    const goto: Array<Map<number, number>> = [new Map()];
    const out: number[][] = [[]];
    folded.forEach((p, i) => {
      if (p.length === 0) return;
      let s = 0;
      for (const ch of p) {
        const c = this.lookupClass(ch.codePointAt(0)!);
        let t = goto[s].get(c);
        if (t === undefined) {
          t = goto.length;
          goto.push(new Map());
          out.push([]);
          goto[s].set(c, t);
        }
        s = t;
      }
      out[s].push(payloads[i]);
    });

    // breadth-first: failure links folded into a complete transition table
    const n = goto.length;
    const delta = n < 0x8000 ? new Uint16Array(n * this.width) : new Int32Array(n * this.width);
    const fail = new Int32Array(n);
    const queue: number[] = [];
    for (let c = 0; c < this.width; c++) {
      const t = goto[0].get(c);
      if (t !== undefined) {
        delta[c] = t;
        fail[t] = 0;
        queue.push(t);
      }
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi];
      if (out[fail[s]].length > 0) out[s] = out[s].concat(out[fail[s]]);
      for (let c = 0; c < this.width; c++) {
        const t = goto[s].get(c);
        if (t !== undefined) {
          fail[t] = delta[fail[s] * this.width + c];
          delta[s * this.width + c] = t;
          queue.push(t);
        } else {
          delta[s * this.width + c] = delta[fail[s] * this.width + c];
        }
      }
    }
    this.outputs = out.map((o) => (o.length > 0 ? [...new Set(o)] : null));
    // the breadth-first pass reads plain state numbers from the table, so the flags go on after it
    this.outputFlag = n < 0x8000 ? 0x8000 : 0x40000000;
    for (let i = 0; i < delta.length; i++) if (this.outputs[delta[i]] !== null) delta[i] |= this.outputFlag;
    this.delta = delta;
  }

  /** Appends to `found` the payload of every phrase occurrence in `text` (a payload may repeat). */
  scan(text: string, found: number[]): void {
    const { classOf, delta, width, outputs, outputFlag } = this;
    const limit = classOf.length;
    const mask = outputFlag - 1;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      const c = code < limit ? classOf[code] : this.wideClass(text, i);
      const next = delta[s * width + c];
      s = next & mask;
      if ((next & outputFlag) !== 0) {
        const o = outputs[s]!;
        for (let k = 0; k < o.length; k++) found.push(o[k]);
      }
    }
  }

  get states(): number {
    return this.outputs.length;
  }

  private wideClass(text: string, i: number): number {
    const cp = text.codePointAt(i)!;
    return this.classOfWide.get(cp) ?? 0;
  }

  private lookupClass(cp: number): number {
    return cp < this.classOf.length ? this.classOf[cp] : this.classOfWide.get(cp) ?? 0;
  }
}

/** Lower case, whitespace folded to single spaces, trimmed: the form phrases are matched in. */
export function foldPhrase(p: string): string {
  return p.toLowerCase().replace(/\s+/g, ' ').trim();
}

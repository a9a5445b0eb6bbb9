/*
 * An approximation of the engine's `standard` analyzer (Lucene StandardTokenizer, i.e. Unicode
 * UAX#29 word boundaries, then lowercase), good enough to predict which log lines a query_string
 * matches. The word-boundary rules kept are the ones that matter for log text:
 *   - letters, digits and `_` form words ("oslo_messaging", "a1b2", "__init__");
 *   - `.` and `'` join letter-letter and digit-digit ("cpu.txt", "192.168.0.1", "don't");
 *   - `:` joins letter-letter ("stack.sh:exit_trap"), `,` and `;` join digit-digit ("1,000");
 *   - ideographs are single-character tokens; everything else separates.
 * The integration tests check the ground truth built with it against the real engine.
 */
const enum C {
  Other = 0,
  Letter = 1,
  Digit = 2,
  Extend = 3, // ExtendNumLet: '_'
  MidLetter = 4, // ':'
  MidNumLet = 5, // '.', "'"
  MidNum = 6, // ',', ';'
  Ideo = 7,
}

const LETTER = /\p{L}|\p{M}/u;
const DIGIT = /\p{Nd}/u;
const IDEO = /\p{Script=Han}|\p{Script=Hiragana}/u;

function classOf(ch: string): C {
  const code = ch.charCodeAt(0);
  if (code < 128) {
    if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90)) return C.Letter;
    if (code >= 48 && code <= 57) return C.Digit;
    if (code === 95) return C.Extend;
    if (code === 58) return C.MidLetter;
    if (code === 46 || code === 39) return C.MidNumLet;
    if (code === 44 || code === 59) return C.MidNum;
    return C.Other;
  }
  if (ch === '\u2019' || ch === '\u2018' || ch === '\u2024' || ch === '\uFE52' || ch === '\uFF07' || ch === '\uFF0E')
    return C.MidNumLet;
  if (
    ch === '\u00B7' ||
    ch === '\u0387' ||
    ch === '\u05F4' ||
    ch === '\u2027' ||
    ch === '\uFE13' ||
    ch === '\uFE55' ||
    ch === '\uFF1A'
  )
    return C.MidLetter;
  if (
    ch === '\u037E' ||
    ch === '\u0589' ||
    ch === '\u060C' ||
    ch === '\u060D' ||
    ch === '\u066C' ||
    ch === '\u07F8' ||
    ch === '\u2044' ||
    ch === '\uFE10' ||
    ch === '\uFE14' ||
    ch === '\uFE50' ||
    ch === '\uFE54' ||
    ch === '\uFF0C' ||
    ch === '\uFF1B'
  )
    return C.MidNum;
  if (IDEO.test(ch)) return C.Ideo;
  if (LETTER.test(ch)) return C.Letter;
  if (DIGIT.test(ch)) return C.Digit;
  if (/\p{Pc}/u.test(ch)) return C.Extend;
  return C.Other;
}

const MAX_TOKEN_LENGTH = 255;

const ASCII_CLASS = new Uint8Array(128);
for (let i = 0; i < 128; i++) ASCII_CLASS[i] = classOf(String.fromCharCode(i));
const NON_ASCII = /[^\x00-\x7f]/;

/** ASCII-only text (nearly every log line): the same rules without per-character arrays. */
function analyzeAscii(text: string): string[] {
  const tokens: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = ASCII_CLASS[text.charCodeAt(i)];
    if (c !== C.Letter && c !== C.Digit && c !== C.Extend) {
      i++;
      continue;
    }
    const start = i;
    let hasWordChar = c !== C.Extend;
    let j = i;
    for (;;) {
      const next = j + 1;
      if (next >= n) break;
      const cn = ASCII_CLASS[text.charCodeAt(next)];
      if (cn === C.Letter || cn === C.Digit || cn === C.Extend) {
        if (cn !== C.Extend) hasWordChar = true;
        j = next;
        continue;
      }
      const after = next + 1 < n ? ASCII_CLASS[text.charCodeAt(next + 1)] : C.Other;
      const cj = ASCII_CLASS[text.charCodeAt(j)];
      if (cj === C.Letter && after === C.Letter && (cn === C.MidLetter || cn === C.MidNumLet)) {
        j = next + 1;
        continue;
      }
      if (cj === C.Digit && after === C.Digit && (cn === C.MidNum || cn === C.MidNumLet)) {
        j = next + 1;
        continue;
      }
      break;
    }
    if (hasWordChar) {
      const token = text.slice(start, j + 1).toLowerCase();
      for (let k = 0; k < token.length; k += MAX_TOKEN_LENGTH) tokens.push(token.slice(k, k + MAX_TOKEN_LENGTH));
    }
    i = j + 1;
  }
  return tokens;
}

/** Tokens of `text` as the standard analyzer would index them (lowercased). */
export function analyze(text: string): string[] {
  if (!NON_ASCII.test(text)) return analyzeAscii(text);
  const tokens: string[] = [];
  const chars = Array.from(text);
  const classes = chars.map(classOf);
  const n = chars.length;
  let i = 0;
  while (i < n) {
    const c = classes[i];
    if (c === C.Ideo) {
      tokens.push(chars[i].toLowerCase());
      i++;
      continue;
    }
    if (c !== C.Letter && c !== C.Digit && c !== C.Extend) {
      i++;
      continue;
    }
    const start = i;
    let hasWordChar = c !== C.Extend;
    let j = i;
    // j is the last character inside the token
    for (;;) {
      const next = j + 1;
      if (next >= n) break;
      const cn = classes[next];
      if (cn === C.Letter || cn === C.Digit || cn === C.Extend) {
        if (cn !== C.Extend) hasWordChar = true;
        j = next;
        continue;
      }
      const after = next + 1 < n ? classes[next + 1] : C.Other;
      const cj = classes[j];
      if (cj === C.Letter && after === C.Letter && (cn === C.MidLetter || cn === C.MidNumLet)) {
        j = next + 1;
        continue;
      }
      if (cj === C.Digit && after === C.Digit && (cn === C.MidNum || cn === C.MidNumLet)) {
        j = next + 1;
        continue;
      }
      break;
    }
    if (hasWordChar) {
      const token = chars
        .slice(start, j + 1)
        .join('')
        .toLowerCase();
      for (let k = 0; k < token.length; k += MAX_TOKEN_LENGTH) tokens.push(token.slice(k, k + MAX_TOKEN_LENGTH));
    }
    i = j + 1;
  }
  return tokens;
}

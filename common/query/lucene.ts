/*
 * Lucene query-string syntax, as the engine's `query_string` query reads it (Lucene's classic QueryParser).
 *
 * The structure comes from the npm `lucene` parser (a PEG grammar). It is too strict in some places and too lax
 * in others compared with the classic parser (see lucene.test.ts, "npm parser versus classic Lucene"), so it runs
 * behind a small lexer that mirrors the classic token rules. The lexer gives every token its offset, rejects what
 * the classic parser rejects with a message that names the problem, and hands the npm parser a normalized text
 * it understands. The npm tree is then walked in step with the tokens to build our typed AST with offsets.
 *
 * Semantics: a parenthesized group (and the top level) is a flat list of clauses, each introduced by a conjunction
 * (AND / OR / none) and a modifier (NOT, -, +, !). There is no operator precedence: the classic parser turns the
 * list into MUST / SHOULD / MUST_NOT clauses (see `clauseOccurs`).
 */
import * as lucene from 'lucene';

export interface Span {
  /** Offset of the first character (0-based, UTF-16 units as in JS strings). */
  start: number;
  /** Offset after the last character. */
  end: number;
}

export interface FieldRef extends Span {
  /** Field name as written (escapes kept), e.g. `message`, `@fields.build_name`. */
  name: string;
}

interface LeafBase extends Span {
  field?: FieldRef;
  /** `^2` */
  boost?: string;
}

/** An unquoted single term: `tags:console`, `voting:1`. */
export interface TermNode extends LeafBase {
  type: 'term';
  /** As written, escapes kept: `127\.0\.0\.1`. */
  raw: string;
  /** Escapes removed. */
  value: string;
  /** `foo~` / `foo~0.8`: the text after `~` ('' for a bare `~`). */
  fuzzy?: string;
}

/** An unquoted term with an unescaped `*` or `?`. */
export interface WildcardNode extends LeafBase {
  type: 'wildcard';
  raw: string;
  value: string;
  /** The term starts with `*` or `?` (every term of the field must be visited). */
  leading: boolean;
}

/** A quoted phrase: `message:"Connection refused"`. */
export interface PhraseNode extends LeafBase {
  type: 'phrase';
  /** Text between the quotes as written (escapes kept). */
  raw: string;
  /** Escapes removed. */
  value: string;
  /** `"a b"~3` */
  proximity?: string;
}

/** `field:[a TO b]`, `{a TO b}`, mixed brackets allowed. */
export interface RangeNode extends LeafBase {
  type: 'range';
  min: string;
  max: string;
  includeMin: boolean;
  includeMax: boolean;
}

/** `field:/regex/` */
export interface RegexNode extends LeafBase {
  type: 'regex';
  /** Between the slashes, as written. */
  pattern: string;
}

/** `( ... )` or `field:( ... )` */
export interface GroupNode extends LeafBase {
  type: 'group';
  body: BoolNode;
}

export type LeafNode = TermNode | WildcardNode | PhraseNode | RangeNode | RegexNode;
export type OperandNode = LeafNode | GroupNode;

export type Conjunction = 'AND' | 'OR';
/** `NOT` and `!` and `-` prohibit; `+` requires. */
export type Modifier = 'NOT' | '!' | '-' | '+';

export interface Clause extends Span {
  /** The conjunction written before this clause; null for the first clause or when none was written. */
  conj: Conjunction | null;
  /** As written: `AND`, `&&`, `OR`, `||`. */
  conjRaw?: string;
  modifier: Modifier | null;
  node: OperandNode;
}

/** The clause list of the whole query or of one group. */
export interface BoolNode extends Span {
  type: 'bool';
  clauses: Clause[];
}

export type LuceneNode = BoolNode | OperandNode;

export interface LuceneSyntaxError {
  message: string;
  offset: number;
  /** 1-based */
  line: number;
  /** 1-based */
  column: number;
}

export type ParseResult = { ok: true; ast: BoolNode } | { ok: false; error: LuceneSyntaxError };

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export function syntaxError(text: string, offset: number, message: string): LuceneSyntaxError {
  const { line, column } = lineColumn(text, offset);
  return { message, offset, line, column };
}

// ---------------------------------------------------------------------------------------------------------------
// Lexer: the classic parser's token rules.

type TokenKind =
  | 'AND'
  | 'OR'
  | 'NOT' // NOT or !
  | 'PLUS'
  | 'MINUS'
  | 'LPAREN'
  | 'RPAREN'
  | 'COLON'
  | 'CARAT' // ^number
  | 'TILDE' // ~ or ~number
  | 'QUOTED'
  | 'TERM'
  | 'REGEX'
  | 'RANGE';

interface Token extends Span {
  kind: TokenKind;
  text: string;
  /** CARAT / TILDE: the number after the sign. */
  number?: string;
  range?: { min: string; max: string; includeMin: boolean; includeMax: boolean };
}

class LexError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r', '\f', '\u3000']);
/** Characters that end an unquoted term (unless escaped). `+ - !` may appear inside a term but not start one. */
const TERM_STOP = new Set([...WHITESPACE, '(', ')', ':', '^', '[', ']', '"', '{', '}', '~', '/', '\\']);
const TERM_START_STOP = new Set([...TERM_STOP, '+', '-', '!']);

function describeChar(c: string): string {
  return c === undefined ? 'end of query' : JSON.stringify(c);
}

function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  const push = (kind: TokenKind, start: number, end: number, extra: Partial<Token> = {}) =>
    tokens.push({ kind, start, end, text: text.slice(start, end), ...extra });

  const readNumber = (from: number): number => {
    let j = from;
    while (j < n && /[0-9.]/.test(text[j])) j++;
    return j;
  };

  while (i < n) {
    const c = text[i];
    if (WHITESPACE.has(c)) {
      i++;
      continue;
    }
    const start = i;
    switch (c) {
      case '(':
        push('LPAREN', i, ++i);
        continue;
      case ')':
        push('RPAREN', i, ++i);
        continue;
      case ':':
        push('COLON', i, ++i);
        continue;
      case '+':
        push('PLUS', i, ++i);
        continue;
      case '-':
        push('MINUS', i, ++i);
        continue;
      case '!':
        push('NOT', i, ++i);
        continue;
      case '^': {
        const end = readNumber(i + 1);
        if (end === i + 1)
          throw new LexError(i, `a boost '^' must be followed by a number, found ${describeChar(text[i + 1])}`);
        push('CARAT', start, end, { number: text.slice(i + 1, end) });
        i = end;
        continue;
      }
      case '~': {
        const end = readNumber(i + 1);
        push('TILDE', start, end, { number: text.slice(i + 1, end) });
        i = end;
        continue;
      }
      case '"': {
        let j = i + 1;
        while (j < n && text[j] !== '"') {
          if (text[j] === '\\') {
            if (j + 1 >= n) break;
            j += 2;
          } else j++;
        }
        if (j >= n) throw new LexError(start, "unbalanced quote: the phrase opened here has no closing '\"'");
        i = j + 1;
        push('QUOTED', start, i);
        continue;
      }
      case '/': {
        let j = i + 1;
        while (j < n && text[j] !== '/') {
          if (text[j] === '\\' && text[j + 1] === '/') j += 2;
          else j++;
        }
        if (j >= n)
          throw new LexError(
            start,
            "unterminated regular expression: '/' starts a regex in Lucene syntax (quote the value or escape the slash as '\\/')",
          );
        i = j + 1;
        push('REGEX', start, i);
        continue;
      }
      case '[':
      case '{': {
        i = lexRange(text, i, tokens);
        continue;
      }
      case ']':
      case '}':
        throw new LexError(i, `unexpected ${describeChar(c)}: no range is open`);
    }
    // unquoted term (maybe AND / OR / NOT / && / ||)
    if (TERM_START_STOP.has(c) && c !== '\\') throw new LexError(i, `unexpected ${describeChar(c)}`);
    let j = i;
    while (j < n) {
      const d = text[j];
      if (d === '\\') {
        if (j + 1 >= n) throw new LexError(j, "the query ends with an escape character '\\' (escape it as '\\\\')");
        j += 2;
        continue;
      }
      if (TERM_STOP.has(d)) break;
      j++;
    }
    const word = text.slice(i, j);
    if (word === 'AND' || word === '&&') push('AND', i, j);
    else if (word === 'OR' || word === '||') push('OR', i, j);
    else if (word === 'NOT') push('NOT', i, j);
    else push('TERM', i, j);
    i = j;
  }
  return tokens;
}

function lexRange(text: string, open: number, tokens: Token[]): number {
  const n = text.length;
  let i = open + 1;
  const parts: string[] = [];
  const skipWs = () => {
    while (i < n && WHITESPACE.has(text[i])) i++;
  };
  for (;;) {
    skipWs();
    if (i >= n)
      throw new LexError(
        open,
        `unbalanced range: the range opened here with '${text[open]}' is not closed with ']' or '}'`,
      );
    const c = text[i];
    if (c === ']' || c === '}') break;
    let j = i;
    if (c === '"') {
      j++;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= n) throw new LexError(i, 'unbalanced quote in a range bound');
      j++;
    } else {
      while (j < n && !WHITESPACE.has(text[j]) && text[j] !== ']' && text[j] !== '}') j++;
    }
    parts.push(text.slice(i, j));
    i = j;
  }
  const close = text[i];
  if (parts.length !== 3 || parts[1] !== 'TO')
    throw new LexError(
      open,
      `malformed range: expected '${text[open]}lower TO upper${close}', found '${text.slice(open, i + 1)}'`,
    );
  const unq = (s: string) => (s.startsWith('"') ? s.slice(1, -1) : s);
  tokens.push({
    kind: 'RANGE',
    start: open,
    end: i + 1,
    text: text.slice(open, i + 1),
    range: { min: unq(parts[0]), max: unq(parts[2]), includeMin: text[open] === '[', includeMax: close === ']' },
  });
  return i + 1;
}

// ---------------------------------------------------------------------------------------------------------------
// Grammar check on tokens (classic: Query := Clause ((Conj)? (Mod)? Clause)* ; Clause := [field:] (atom | '(' Query ')') [^n])

/** Parenthesis nesting the parser accepts at all (the npm grammar recurses per level); signatures get a lower limit in validate.ts. */
export const MAX_PARSE_DEPTH = 64;
/** Tokens the parser accepts at all: bounds the work one query can cause. */
export const MAX_PARSE_TOKENS = 4096;

function checkGrammar(text: string, tokens: Token[]): void {
  if (tokens.length > MAX_PARSE_TOKENS)
    throw new LexError(tokens[MAX_PARSE_TOKENS].start, `too many tokens: more than ${MAX_PARSE_TOKENS}`);
  const atomKinds = new Set<TokenKind>(['QUOTED', 'TERM', 'REGEX', 'RANGE']);
  const parens: Token[] = [];
  let expectClause = true; // at the start of a group / after a conjunction or modifier
  let sawConj: Token | null = null;
  let sawMod: Token | null = null;
  let afterField: Token | null = null;
  let prev: Token | null = null;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    const next = tokens[k + 1];
    switch (t.kind) {
      case 'AND':
      case 'OR':
        if (afterField) throw new LexError(t.start, `field '${afterField.text}' has no value before ${t.text}`);
        if (expectClause) {
          if (sawConj) throw new LexError(t.start, `two operators in a row: '${sawConj.text} ${t.text}'`);
          if (sawMod) throw new LexError(t.start, `'${t.text}' after '${sawMod.text}': a clause must follow NOT`);
          const where = prev && prev.kind === 'LPAREN' ? "after '('" : 'at the start of the query';
          throw new LexError(t.start, `operator ${t.text} ${where} has no left-hand clause`);
        }
        sawConj = t;
        expectClause = true;
        break;
      case 'NOT':
      case 'PLUS':
      case 'MINUS':
        if (afterField) throw new LexError(t.start, `field '${afterField.text}' has no value before '${t.text}'`);
        if (sawMod) throw new LexError(t.start, `two modifiers in a row: '${sawMod.text} ${t.text}'`);
        sawMod = t;
        expectClause = true;
        break;
      case 'LPAREN':
        parens.push(t);
        // checked here, before any recursive step, so that deep nesting is an error and not a stack overflow
        if (parens.length > MAX_PARSE_DEPTH)
          throw new LexError(t.start, `parentheses nested more than ${MAX_PARSE_DEPTH} deep`);
        afterField = null;
        sawConj = sawMod = null;
        expectClause = true;
        if (next && next.kind === 'RPAREN') throw new LexError(t.start, "empty group '()'");
        break;
      case 'RPAREN':
        if (!parens.length) throw new LexError(t.start, "unbalanced parenthesis: ')' without a matching '('");
        if (afterField) throw new LexError(t.start, `field '${afterField.text}' has no value before ')'`);
        if (sawConj || sawMod) {
          const op = (sawMod ?? sawConj)!;
          throw new LexError(op.start, `operator ${op.text} before ')' has no right-hand clause`);
        }
        parens.pop();
        expectClause = false;
        if (next && next.kind === 'CARAT') k++;
        break;
      case 'COLON':
        throw new LexError(
          t.start,
          prev ? `unexpected ':' after '${prev.text}'` : "unexpected ':' at the start of the query",
        );
      case 'CARAT':
        throw new LexError(t.start, "a boost '^' must follow a term, phrase or group");
      case 'TILDE':
        throw new LexError(t.start, "'~' must follow a term or phrase");
      default: {
        if (!atomKinds.has(t.kind)) throw new LexError(t.start, `unexpected '${t.text}'`);
        if (t.kind === 'TERM' && next && next.kind === 'COLON') {
          if (afterField)
            throw new LexError(t.start, `field '${afterField.text}' followed by another field name '${t.text}:'`);
          afterField = t;
          k++; // the colon
          if (!tokens[k + 1]) throw new LexError(t.start, `field '${t.text}' has no value`);
          prev = tokens[k];
          continue;
        }
        afterField = null;
        sawConj = sawMod = null;
        expectClause = false;
        // modifiers after the atom
        while (
          tokens[k + 1] &&
          (tokens[k + 1].kind === 'TILDE' || tokens[k + 1].kind === 'CARAT') &&
          tokens[k + 1].start === tokens[k].end
        )
          k++;
      }
    }
    if (t.kind === 'TERM' || t.kind === 'QUOTED' || t.kind === 'REGEX' || t.kind === 'RANGE') afterField = null;
    prev = tokens[k];
  }
  if (parens.length)
    throw new LexError(parens[parens.length - 1].start, "unbalanced parenthesis: '(' opened here is never closed");
  if (afterField) throw new LexError(afterField.start, `field '${afterField.text}' has no value`);
  if (sawConj || sawMod) {
    const op = (sawMod ?? sawConj)!;
    throw new LexError(op.start, `operator ${op.text} at the end of the query has no right-hand clause`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Normalized text for the npm parser, and the walk of its tree in step with our tokens.

/** Characters the npm grammar accepts after a backslash (the classic parser accepts any). */
const NPM_ESCAPABLE = new Set([
  '+',
  '-',
  '!',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  '^',
  '"',
  '?',
  ':',
  '\\',
  '&',
  '|',
  "'",
  '/',
  '~',
  '*',
  ' ',
]);

function npmSafeEscapes(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      out += NPM_ESCAPABLE.has(s[i + 1]) ? s.slice(i, i + 2) : '\\-';
      i++;
    } else out += s[i];
  }
  return out;
}

/** The token list re-serialized in the npm grammar's dialect: `-(`/`!` → `NOT`, group boosts dropped, escapes reduced. */
function npmText(tokens: Token[]): string {
  const parts: string[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    const next = tokens[k + 1];
    switch (t.kind) {
      case 'AND':
      case 'OR': {
        // 'AND NOT' must reach the npm grammar as one literal: with two spaces or a newline between the words
        // it reads 'AND' and silently drops the NOT (see the test)
        const word = t.kind === 'AND' ? 'AND' : 'OR';
        if (next && next.kind === 'NOT') {
          parts.push(` ${word} NOT `);
          k++;
        } else if (next && (next.kind === 'MINUS' || next.kind === 'PLUS') && !prefixAppliesToTerm(tokens, k + 1)) {
          parts.push(next.kind === 'MINUS' ? ` ${word} NOT ` : ` ${word} `);
          k++;
        } else parts.push(` ${word} `);
        break;
      }
      case 'NOT':
      case 'MINUS':
      case 'PLUS':
        // a prefix stays a prefix on a term, phrase or regex; before a group or a range the npm grammar only knows NOT
        if (t.text !== 'NOT' && prefixAppliesToTerm(tokens, k)) parts.push(t.kind === 'PLUS' ? ' +' : ' -');
        else parts.push(t.kind === 'PLUS' ? ' ' : ' NOT ');
        break;
      case 'LPAREN':
        parts.push('(');
        break;
      case 'RPAREN':
        parts.push(') ');
        if (next && next.kind === 'CARAT') k++;
        break;
      case 'COLON':
        parts.push(':');
        break;
      case 'CARAT':
        parts.push(`^${t.number}`);
        break;
      case 'TILDE':
        // npm reads `foo~2` as `foo~` followed by the term `2` (it only knows similarities `~0.x`); Lucene reads an
        // edit distance. Phrases keep their slop.
        if (tokens[k - 1]?.kind === 'QUOTED') parts.push(t.number ? `~${t.number}` : '');
        else parts.push(/^0\./.test(t.number ?? '') ? `~${t.number}` : '~');
        break;
      case 'QUOTED':
        parts.push(sep(tokens[k - 1]) + '"' + npmSafeEscapes(t.text.slice(1, -1)) + '"');
        break;
      case 'REGEX':
        parts.push(sep(tokens[k - 1]) + '/' + npmSafeEscapes(t.text.slice(1, -1)).replace(/^$/, 'x') + '/');
        break;
      case 'RANGE': {
        const r = t.range!;
        const safe = (s: string) => s.replace(/[\s"\]}\[{]/g, '_') || '_';
        parts.push(`${r.includeMin ? '[' : '{'}${safe(r.min)} TO ${safe(r.max)}${r.includeMax ? ']' : '}'}`);
        break;
      }
      case 'TERM':
        parts.push(sep(tokens[k - 1]) + npmSafeEscapes(t.text));
        break;
    }
  }
  return parts.join('').trim();
}

/** Whether the modifier at tokens[k] stands before an unfielded term, phrase or regex (not a group, range or field). */
function prefixAppliesToTerm(tokens: Token[], k: number): boolean {
  const j = k + 1;
  // `-field:x`: the npm grammar reads "-field" as the field name, so a fielded clause gets NOT instead
  if (tokens[j]?.kind === 'TERM' && tokens[j + 1]?.kind === 'COLON') return false;
  const kind = tokens[j]?.kind;
  return kind === 'TERM' || kind === 'QUOTED' || kind === 'REGEX';
}

/** No space between a field's colon or a prefix modifier and what follows. */
function sep(prev: Token | undefined): string {
  return prev && (prev.kind === 'COLON' || isPrefix(prev)) ? '' : ' ';
}

function isPrefix(t: Token | undefined): boolean {
  return !!t && (t.kind === 'MINUS' || t.kind === 'PLUS' || (t.kind === 'NOT' && t.text === '!'));
}

/** Remove backslash escapes. */
export function unescapeLucene(s: string): string {
  return s.replace(/\\(.)/gs, '$1');
}

const LUCENE_SPECIAL = /[+\-!(){}[\]^"~*?:\\/&|\s]/g;
/** Escape a literal value for use as an unquoted Lucene term. */
export function escapeLuceneTerm(s: string): string {
  return s.replace(LUCENE_SPECIAL, (c) => '\\' + c);
}
/** Quote a literal value as a Lucene phrase. */
export function quoteLucenePhrase(s: string): string {
  return '"' + s.replace(/(["\\])/g, '\\$1') + '"';
}

function hasUnescaped(raw: string, chars: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\\') i++;
    else if (chars.includes(raw[i])) return true;
  }
  return false;
}

class Walker {
  private k = 0;
  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.k];
  }
  private take(kinds: TokenKind[], what: string): Token {
    const t = this.tokens[this.k];
    if (!t || !kinds.includes(t.kind))
      throw new LexError(t ? t.start : this.text.length, `parser disagreement: expected ${what}`);
    this.k++;
    return t;
  }
  done(): boolean {
    return this.k >= this.tokens.length;
  }

  /** A chain node of the npm tree (`{start?, left, operator?, right?}`) as our clause list. */
  bool(chain: any, openParen?: Token): BoolNode {
    const items: { op: string | null; operand: any }[] = [{ op: chain.start ?? null, operand: chain.left }];
    let op = chain.operator;
    let r = chain.right;
    while (r) {
      if (r.left !== undefined && !r.parenthesized && r.field === undefined) {
        items.push({ op: r.start ? `${op ?? ''} ${r.start}` : op, operand: r.left });
        op = r.operator;
        r = r.right;
      } else {
        items.push({ op, operand: r });
        r = undefined;
      }
    }
    const clauses: Clause[] = items.map((item) => this.clause(item.op, item.operand));
    const start = openParen ? openParen.start : clauses[0].start;
    const end = clauses[clauses.length - 1].end;
    return { type: 'bool', clauses, start, end };
  }

  private clause(npmOp: string | null, operand: any): Clause {
    let conj: Conjunction | null = null;
    let conjRaw: string | undefined;
    let modifier: Modifier | null = null;
    let start = -1;
    const t = this.peek();
    if (t && (t.kind === 'AND' || t.kind === 'OR')) {
      this.k++;
      conj = t.kind;
      conjRaw = t.text;
      start = t.start;
    }
    const m = this.peek();
    if (m && (m.kind === 'NOT' || m.kind === 'MINUS' || m.kind === 'PLUS')) {
      this.k++;
      modifier = m.kind === 'NOT' ? (m.text === '!' ? '!' : 'NOT') : m.kind === 'MINUS' ? '-' : '+';
      if (start < 0) start = m.start;
    }
    // cross-check with the npm tree
    const npmProhibit = (npmOp ?? '').includes('NOT') || operand.prefix === '-' || operand.prefix === '!';
    const ours = modifier === 'NOT' || modifier === '!' || modifier === '-';
    const npmConj = npmOp && /AND|&&/.test(npmOp) ? 'AND' : npmOp && /OR|\|\|/.test(npmOp) ? 'OR' : null;
    if (npmProhibit !== ours || npmConj !== conj) {
      const at = this.peek();
      throw new LexError(at ? at.start : this.text.length, 'parser disagreement on the operators of this clause');
    }
    const node = this.operand(operand);
    return { conj, conjRaw, modifier, node, start: start < 0 ? node.start : start, end: node.end };
  }

  private field(npmNode: any): FieldRef | undefined {
    const f = npmNode.field;
    if (f === undefined || f === '<implicit>') return undefined;
    const name = this.take(['TERM'], `field name '${f}'`);
    this.take(['COLON'], "':'");
    return { name: name.text, start: name.start, end: name.end };
  }

  private operand(n: any): OperandNode {
    if (n.parenthesized || (n.left !== undefined && n.term === undefined && n.term_min === undefined)) {
      const field = this.field(n);
      const open = this.take(['LPAREN'], "'('");
      const inner = { ...n };
      delete inner.parenthesized;
      delete inner.field;
      const body = this.bool(inner, open);
      const close = this.take(['RPAREN'], "')'");
      body.end = close.end;
      const group: GroupNode = { type: 'group', body, start: field ? field.start : open.start, end: close.end };
      if (field) group.field = field;
      const b = this.peek();
      if (b && b.kind === 'CARAT' && b.start === close.end) {
        this.k++;
        group.boost = b.number;
        group.end = b.end;
      }
      return group;
    }
    const field = this.field(n);
    if (n.term_min !== undefined) {
      const t = this.take(['RANGE'], 'a range');
      const node: RangeNode = { type: 'range', ...t.range!, start: field ? field.start : t.start, end: t.end };
      if (field) node.field = field;
      return node;
    }
    const t = this.take(
      n.quoted ? ['QUOTED'] : n.regex ? ['REGEX'] : ['TERM'],
      n.quoted ? 'a phrase' : n.regex ? 'a regex' : 'a term',
    );
    const start = field ? field.start : t.start;
    let node: LeafNode;
    if (t.kind === 'QUOTED') {
      const raw = t.text.slice(1, -1);
      node = { type: 'phrase', raw, value: unescapeLucene(raw), start, end: t.end };
    } else if (t.kind === 'REGEX') {
      node = { type: 'regex', pattern: t.text.slice(1, -1), start, end: t.end };
    } else if (hasUnescaped(t.text, '*?')) {
      node = {
        type: 'wildcard',
        raw: t.text,
        value: unescapeLucene(t.text),
        leading: t.text[0] === '*' || t.text[0] === '?',
        start,
        end: t.end,
      };
    } else {
      node = { type: 'term', raw: t.text, value: unescapeLucene(t.text), start, end: t.end };
    }
    if (field) node.field = field;
    for (;;) {
      const s = this.peek();
      if (!s || s.start !== node.end || (s.kind !== 'TILDE' && s.kind !== 'CARAT')) break;
      this.k++;
      if (s.kind === 'CARAT') node.boost = s.number;
      else if (node.type === 'phrase') node.proximity = s.number;
      else if (node.type === 'term') node.fuzzy = s.number;
      else throw new LexError(s.start, `'~' cannot follow a ${node.type}`);
      node.end = s.end;
    }
    return node;
  }
}

/** Parse a Lucene query string. Never throws. */
export function parseLucene(text: string): ParseResult {
  try {
    if (!text.trim()) return { ok: false, error: syntaxError(text, 0, 'empty query') };
    const tokens = lex(text);
    checkGrammar(text, tokens);
    const normalized = npmText(tokens);
    let tree: any;
    try {
      tree = lucene.parse(normalized);
    } catch (e: any) {
      // our checks accepted what the npm grammar refuses: report at the closest token
      const off = e?.location?.start?.offset ?? 0;
      const ratio = normalized.length ? off / normalized.length : 0;
      const tok = tokens[Math.min(tokens.length - 1, Math.floor(ratio * tokens.length))];
      return { ok: false, error: syntaxError(text, tok ? tok.start : 0, `syntax error: ${e.message}`) };
    }
    if (tree.left === undefined) {
      // a lone term comes back as a leaf-only node in some versions; wrap it
      tree = { left: tree };
    }
    const walker = new Walker(text, tokens);
    const ast = walker.bool(tree);
    if (!walker.done()) throw new LexError(ast.end, 'parser disagreement: text left over');
    return { ok: true, ast };
  } catch (e) {
    if (e instanceof LexError) return { ok: false, error: syntaxError(text, e.offset, e.message) };
    throw e;
  }
}

/** Parse or throw an Error whose message includes line and column. */
export function parseLuceneOrThrow(text: string): BoolNode {
  const r = parseLucene(text);
  if (!r.ok)
    throw new Error(`Lucene syntax error at line ${r.error.line}, column ${r.error.column}: ${r.error.message}`);
  return r.ast;
}

// ---------------------------------------------------------------------------------------------------------------
// Printer

function printField(f?: FieldRef): string {
  return f ? `${f.name}:` : '';
}

export function printLucene(node: LuceneNode): string {
  switch (node.type) {
    case 'bool':
      return node.clauses
        .map((c, i) => {
          const parts: string[] = [];
          if (c.conj && i > 0) parts.push(c.conjRaw ?? c.conj);
          let op = printLucene(c.node);
          if (c.modifier === 'NOT') op = `NOT ${op}`;
          else if (c.modifier) op = `${c.modifier}${op}`;
          parts.push(op);
          return parts.join(' ');
        })
        .join(' ');
    case 'group':
      return `${printField(node.field)}(${printLucene(node.body)})${node.boost !== undefined ? `^${node.boost}` : ''}`;
    case 'term':
      return `${printField(node.field)}${node.raw}${node.fuzzy !== undefined ? `~${node.fuzzy}` : ''}${node.boost !== undefined ? `^${node.boost}` : ''}`;
    case 'wildcard':
      return `${printField(node.field)}${node.raw}${node.boost !== undefined ? `^${node.boost}` : ''}`;
    case 'phrase':
      return `${printField(node.field)}"${node.raw}"${node.proximity !== undefined ? `~${node.proximity}` : ''}${node.boost !== undefined ? `^${node.boost}` : ''}`;
    case 'regex':
      return `${printField(node.field)}/${node.pattern}/${node.boost !== undefined ? `^${node.boost}` : ''}`;
    case 'range': {
      const b = (s: string) => (/[\s\]}]/.test(s) || s === '' ? quoteLucenePhrase(s) : s);
      return `${printField(node.field)}${node.includeMin ? '[' : '{'}${b(node.min)} TO ${b(node.max)}${node.includeMax ? ']' : '}'}${node.boost !== undefined ? `^${node.boost}` : ''}`;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Semantics and traversal

export type Occur = 'must' | 'should' | 'must_not';

/**
 * What the classic QueryParser makes of a clause list (default operator OR, as the engine's query_string default):
 * a clause introduced by AND makes itself and the clause before it required (unless that one is prohibited);
 * NOT / - / ! prohibit; + requires; everything else is optional (SHOULD). With any MUST clause present, SHOULD
 * clauses no longer restrict the matches. There is no precedence of AND over OR.
 */
export function clauseOccurs(bool: BoolNode, defaultOperator: 'OR' | 'AND' = 'OR'): Occur[] {
  const out: Occur[] = [];
  bool.clauses.forEach((c, i) => {
    if (i > 0 && c.conj === 'AND' && out[i - 1] !== 'must_not') out[i - 1] = 'must';
    if (i > 0 && defaultOperator === 'AND' && c.conj === 'OR' && out[i - 1] !== 'must_not') out[i - 1] = 'should';
    const prohibited = c.modifier === 'NOT' || c.modifier === '!' || c.modifier === '-';
    let required = c.modifier === '+';
    if (defaultOperator === 'OR') {
      if (c.conj === 'AND' && !prohibited) required = true;
    } else {
      required = !prohibited && c.conj !== 'OR'; // the classic parser ignores '+' here
    }
    out.push(prohibited ? 'must_not' : required ? 'must' : 'should');
  });
  return out;
}

/** Every leaf in source order, with the effective field (a group's field applies to its unfielded leaves). */
export function leaves(node: LuceneNode, inherited?: FieldRef): { leaf: LeafNode; field?: FieldRef }[] {
  const out: { leaf: LeafNode; field?: FieldRef }[] = [];
  const visit = (n: LuceneNode, f?: FieldRef) => {
    if (n.type === 'bool') n.clauses.forEach((c) => visit(c.node, f));
    else if (n.type === 'group') visit(n.body, n.field ?? f);
    else out.push({ leaf: n, field: n.field ?? f });
  };
  visit(node, inherited);
  return out;
}

/** Rebuild a tree bottom-up: `fn` may replace any operand (return it unchanged to keep it). */
export function mapOperands(
  node: BoolNode,
  fn: (n: OperandNode, clause: Clause) => OperandNode | OperandNode[],
): BoolNode {
  const clauses: Clause[] = [];
  for (const c of node.clauses) {
    const inner: OperandNode = c.node.type === 'group' ? { ...c.node, body: mapOperands(c.node.body, fn) } : c.node;
    const r = fn(inner, c);
    clauses.push({ ...c, node: Array.isArray(r) ? wrapGroup(r) : r });
  }
  return { ...node, clauses };
}

/** Several operands ORed in a new group (positions taken from the first). */
export function wrapGroup(nodes: OperandNode[]): OperandNode {
  if (nodes.length === 1) return nodes[0];
  const start = nodes[0].start;
  const end = nodes[nodes.length - 1].end;
  return {
    type: 'group',
    start,
    end,
    body: {
      type: 'bool',
      start,
      end,
      clauses: nodes.map((n, i) => ({ conj: i ? 'OR' : null, modifier: null, node: n, start: n.start, end: n.end })),
    },
  };
}

/** The tree without offsets, for structural comparison. */
export function stripPositions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripPositions);
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'start' || k === 'end' || k === 'conjRaw') continue;
      out[k] = stripPositions(v);
    }
    return out;
  }
  return node;
}

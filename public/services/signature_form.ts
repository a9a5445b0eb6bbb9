/*
 * The editor's form state and its conversions: to the API input (validated by the shared
 * validateSignatureInput), to a Signature for the YAML view, and back from a stored signature.
 * Also: picking a failed build's most telling error line and a query from it.
 */
import { signatureFromInput, SignatureInput, validateSignatureInput, Validated } from '../../common/api/signatures';
import type { PreviewSample } from '../../common/api/preview';
import { QueryProblem, validateSignature } from '../../common/query/validate';
import type { BugTracker, Signature, SignatureMode } from '../../common/signature/types';
import { EXCEPTION_RE, lineScore } from '../../common/telling_line';

export interface SignatureForm {
  tracker: BugTracker;
  bugId: string;
  bugUrl: string;
  title: string;
  owner: string;
  mode: SignatureMode;
  query: string;
  allowNonvoting: boolean;
  suppressGraph: boolean;
  suppressNotification: boolean;
  /** Comma or newline separated. */
  testIds: string;
  projects: string;
  branches: string;
  queues: string;
}

export const EMPTY_FORM: SignatureForm = {
  tracker: 'launchpad',
  bugId: '',
  bugUrl: '',
  title: '',
  owner: '',
  mode: 'explains',
  query: '',
  allowNonvoting: false,
  suppressGraph: false,
  suppressNotification: false,
  testIds: '',
  projects: '',
  branches: '',
  queues: '',
};

export const splitList = (s: string) =>
  s
    .split(/[,\n]/)
    .map((x) => x.trim())
    .filter(Boolean);

export function formFromSignature(s: Signature): SignatureForm {
  return {
    tracker: s.bug.tracker,
    bugId: s.bug.id,
    bugUrl: s.bug.url ?? '',
    title: s.title ?? '',
    owner: s.owner ?? '',
    mode: s.mode,
    query: s.query,
    allowNonvoting: s.allowNonvoting,
    suppressGraph: s.suppressGraph,
    suppressNotification: s.suppressNotification,
    testIds: (s.testIds ?? []).join(', '),
    projects: (s.scope?.projects ?? []).join(', '),
    branches: (s.scope?.branches ?? []).join(', '),
    queues: (s.scope?.queues ?? []).join(', '),
  };
}

/** The request body for create/update, validated by the same function the server runs. */
export function formToInput(f: SignatureForm): Validated<SignatureInput> {
  const scope: Record<string, string[]> = {};
  for (const key of ['projects', 'branches', 'queues'] as const) {
    const list = splitList(f[key]);
    if (list.length) scope[key] = list;
  }
  const body: Record<string, unknown> = {
    bug: { tracker: f.tracker, id: f.bugId.trim(), ...(f.bugUrl.trim() ? { url: f.bugUrl.trim() } : {}) },
    query: f.query,
    allowNonvoting: f.allowNonvoting,
    suppressGraph: f.suppressGraph,
    suppressNotification: f.suppressNotification,
    mode: f.mode,
    ...(splitList(f.testIds).length ? { testIds: splitList(f.testIds) } : {}),
    ...(f.title.trim() ? { title: f.title.trim() } : {}),
    ...(f.owner.trim() ? { owner: f.owner.trim() } : {}),
    ...(Object.keys(scope).length ? { scope } : {}),
  };
  return validateSignatureInput(body);
}

/** The signature the form describes (for the YAML view), or undefined while the form is invalid. */
export function formToSignature(
  f: SignatureForm,
  id?: string,
  stamps?: { created?: string; updated?: string },
): Signature | undefined {
  const input = formToInput(f);
  if (!input.ok) return undefined;
  const sig = signatureFromInput({ ...input.value, ...(id ? { id } : {}) }, stamps?.updated ?? '');
  if (!stamps?.created) delete sig.created;
  else sig.created = stamps.created;
  if (!stamps?.updated) delete sig.updated;
  return sig;
}

/** The fields of a stored signature as an update body (for revert). */
export function inputFromSignature(s: Signature): SignatureInput {
  return {
    bug: s.bug,
    query: s.query,
    allowNonvoting: s.allowNonvoting,
    suppressGraph: s.suppressGraph,
    suppressNotification: s.suppressNotification,
    mode: s.mode,
    testIds: s.testIds ?? [],
    ...(s.title !== undefined ? { title: s.title } : {}),
    ...(s.owner !== undefined ? { owner: s.owner } : {}),
    scope: s.scope ?? {},
  };
}

/** Lines of a build that look like the cause of the failure, and how telling a line is (shared with the server's clusters). */
export { ERROR_LINES_QUERY, lineScore } from '../../common/telling_line';

/** The most telling line of a build's samples (earliest among the best). */
export function tellingLine(samples: PreviewSample[]): PreviewSample | undefined {
  let best: PreviewSample | undefined;
  let bestScore = -Infinity;
  const byTime = samples.slice().sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  for (const s of byTime) {
    const score = lineScore(s.line);
    if (score > bestScore) {
      best = s;
      bestScore = score;
    }
  }
  return best;
}

/** Tokens that change from build to build (ids, numbers, addresses, temp paths) end the phrase. */
function volatile(token: string): boolean {
  return /\d{3,}|[0-9a-f]{8,}|^\/tmp\/|\d+\.\d+\.\d+\.\d+|^req-|^[0-9a-f-]{20,}$/i.test(token);
}

/**
 * A log line without what leads most lines and says nothing about the bug: an ISO or syslog timestamp
 * (`Nov 30 00:21:50.371394`), host and `process[pid]:`, a process id, the log level, the logger name and
 * a request id in brackets.
 */
export function lineBody(line: string): string {
  const body = line
    .trim()
    .replace(/^\d{4}-\d\d-\d\d[T ][\d:.,]+Z?\s*/, '')
    .replace(/^[A-Z][a-z]{2}\s+\d{1,2}\s+\d\d:\d\d:\d\d(?:[.,]\d+)?\s+/, '')
    .replace(/^\S+\s+[\w.@-]+\[\d+\]:\s*/, '')
    .replace(/^\d+\s+/, '')
    .replace(/^(?:TRACE|DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)\b[:\s]*/, '')
    .replace(/^[a-z_][\w]*(?:\.[\w]+)+\s+/, '')
    .replace(/^\[[^\]]*\]\s*/, '');
  return body.trim() || line.trim();
}

/** A signature query from a log line: the exception and its stable message words as a phrase. */
export function queryFromLine(line: string): string {
  // Zuul console lines start with the node name (`controller | ...`), which varies between jobs.
  let text = line.trim().replace(/^[\w.-]+\s+\|\s+/, '');
  const m = EXCEPTION_RE.exec(text);
  if (m) text = `${m[1].split('.').pop()}: ${m[2]}`;
  else {
    const err = /\b(?:ERROR|FAILED|FAIL)\b[:\s]+(?:\w+(?:\.\w+)+\s+)?(?:\[[^\]]*\]\s*)?(.*)$/.exec(text);
    text = err && err[1].trim().length > 10 ? err[1] : lineBody(text);
  }
  const words: string[] = [];
  for (const w of text.split(/\s+/)) {
    if (!w) continue;
    if (volatile(w)) break;
    words.push(w);
    if (words.length >= 10) break;
  }
  const phrase = (words.length >= 2 ? words.join(' ') : text.split(/\s+/).slice(0, 6).join(' ')).replace(
    /[:,;.]+$/,
    '',
  );
  return `message:"${phrase.replace(/["\\]/g, '\\$&')}"`;
}

/** Longest pre-filled title; longer lines are cut at a word boundary with an ellipsis. */
export const TITLE_FROM_LINE_MAX = 80;

/**
 * A title from a log line: without the node name, timestamp, process id, log level, logger name and
 * request id that lead most lines (they say nothing about the bug), cut at a word under TITLE_FROM_LINE_MAX.
 */
export function titleFromLine(line: string): string {
  let text = line.trim().replace(/^[\w.-]+\s+\|\s+/, '');
  const m = EXCEPTION_RE.exec(text);
  if (m) text = `${m[1].split('.').pop()}: ${m[2]}`;
  else text = lineBody(text);
  text = text.trim() || line.trim();
  if (text.length <= TITLE_FROM_LINE_MAX) return text;
  const cut = text.slice(0, TITLE_FROM_LINE_MAX - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > TITLE_FROM_LINE_MAX / 2 ? cut.slice(0, space) : cut).replace(/[\s:,;.]+$/, '')}…`;
}

/**
 * The editor's check of a query, as the host will run it: old-schema fields translated (common/query/build.ts
 * signatureEngineQuery), then validated. Problems carry the text their positions refer to. A leading wildcard on
 * analysed text is not refused here: its cost is measured by the host when the signature is saved
 * (server/lib/signatures/leading_wildcards.ts), so it is shown as a warning saying so.
 */
export interface EditorQueryCheck {
  ok: boolean;
  /** The query that runs, when rewrites changed the author's text. */
  translated?: string;
  rewrites: Array<{ from: string; to: string; reason: string }>;
  errors: QueryProblem[];
  warnings: QueryProblem[];
  /** Problems whose positions refer to the author's text (old fields with no equivalent). */
  writtenWarnings: QueryProblem[];
}

export function editorQueryCheck(query: string): EditorQueryCheck {
  const v = validateSignature({ query }, { legacy: true });
  const measuredByHost = (p: QueryProblem) => p.code === 'leading_wildcard';
  const writtenWarnings = v.warnings.filter((w) => w.code === 'legacy_field' && v.translated !== undefined);
  return {
    ok: v.errors.filter((e) => !measuredByHost(e)).length === 0,
    ...(v.translated !== undefined ? { translated: v.translated } : {}),
    rewrites: v.rewrites,
    errors: v.errors.filter((e) => !measuredByHost(e)),
    warnings: [
      ...v.errors.filter(measuredByHost).map((e) => ({
        ...e,
        message: `${e.message.replace(/; not measured on the engine, so refused.*$/, '')}; the host measures its cost on the log indices when you save`,
      })),
      ...v.warnings.filter((w) => !writtenWarnings.includes(w)),
    ],
    writtenWarnings,
  };
}

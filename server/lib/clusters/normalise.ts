/*
 * Normalising a telling log line for clustering (issue 15): the line's own message without the
 * log format's prefix (console node, oslo level/module/context, syslog process), then the parts
 * that change from build to build replaced by placeholders: timestamps, uuids, URLs, paths,
 * addresses, host names, hex ids and numbers.
 */

const PREFIXES: RegExp[] = [
  /^[A-Z][a-z]{2}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}(?:\.\d+)?\s+[\w.-]+\s+/, // syslog date and host: `Nov 26 04:51:36.154541 np0097041197 `
  /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\s+/, // ISO date: `2026-11-29 07:45:32.987 `
  /^[\w.-]+\s+\|\s+/, // Zuul console: `controller | ...`
  /^\d+\s+(?=(?:ERROR|CRITICAL|WARNING|INFO|DEBUG|TRACE)\s)/, // tempest: pid before the level
  /^(?:ERROR|CRITICAL|WARNING|INFO|DEBUG|TRACE)\s+[\w.-]+\s+(?:\[[^\]]*\]\s*)?/, // oslo.log: level module [context]
  /^kernel:\s+\[\s*[\d.]+\]\s+/, // syslog kernel line
  /^[\w.@-]+\[\d+\]:\s+/, // syslog process[pid]:
];

/** The message of a line without its log format's prefix. */
export function messageCore(line: string): string {
  let text = line.trim();
  // twice: a syslog-framed oslo line has its level and module after `process[pid]: `
  for (let pass = 0; pass < 2; pass++) for (const re of PREFIXES) text = text.replace(re, '');
  return text;
}

const RULES: Array<[RegExp, string]> = [
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<ts>'],
  [/\b\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b/g, '<ts>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '<ip>'],
  [/\b(?:[0-9a-f]{2}:){5}[0-9a-f]{2}\b/gi, '<mac>'],
  [/(?:\/tmp|\/var\/tmp|\/home\/[\w.-]+|\/run\/user)\/[^\s"'<>]*/g, '<path>'], // temporary and per-user paths; other paths are what failed
  [/\bnp\d{6,}\b/g, '<host>'],
  [/\b[a-z][a-z-]*\d[\w-]*(?:\.[\w-]+)*\.(?:org|com|net|io|local|internal)\b/gi, '<host>'], // numbered hosts (ze01.opendev.org, mirror.ovh-bhs1...)
  [/(?=[0-9a-f]*\d)[0-9a-f]{8,}/gi, '<hex>'],
  [/(?<![A-Za-z0-9_])\d+(?:\.\d+)*/g, '<num>'],
];

/** The line with its variable parts replaced by placeholders (prefix already removed by messageCore). */
export function normaliseText(core: string): string {
  let text = core;
  for (const [re, to] of RULES) text = text.replace(re, to);
  return text.replace(/\s+/g, ' ').trim();
}

/** messageCore, then normaliseText. */
export function normaliseLine(line: string): string {
  return normaliseText(messageCore(line));
}

const PLACEHOLDER = /<(?:ts|uuid|ip|mac|path|host|hex|num)>/;

/** The normalised text without its placeholders (the words every such line has). */
export function literalText(normalised: string): string {
  return normalised
    .replace(/<(?:ts|uuid|ip|mac|path|host|hex|num)>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Lower-case word tokens of a normalised line, without placeholders (what similarity compares). */
export function tokens(normalised: string): string[] {
  const out: string[] = [];
  for (const raw of normalised.toLowerCase().split(/[^\w<>.'-]+/)) {
    const t = raw.replace(/^['.-]+|['.-]+$/g, '');
    if (t.length < 2 || PLACEHOLDER.test(t)) continue;
    out.push(t);
  }
  return out;
}

/** Word tokens and adjacent word pairs (`a b`): what tells an ordinary line from a new one. */
export function wordsAndPairs(normalised: string): string[] {
  const words = tokens(normalised);
  const out = words.slice();
  for (let i = 1; i < words.length; i++) out.push(`${words[i - 1]} ${words[i]}`);
  return out;
}

/** Whether one whitespace-separated word of a raw line holds a variable part. */
export function isVolatileWord(word: string): boolean {
  return PLACEHOLDER.test(normaliseText(word));
}

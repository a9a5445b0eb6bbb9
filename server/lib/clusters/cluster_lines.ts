/*
 * Clustering uncategorized builds by their telling lines (issue 15), in bounded time and without the
 * engine:
 *  1. each build's text is its telling lines, normalised (normalise.ts); builds with the same
 *     normalised text form one group;
 *  2. groups, largest first, join the first cluster whose leading text shares at least
 *     SIMILARITY of their word tokens (Jaccard), found through an inverted index of the leaders'
 *     tokens (postings longer than MAX_POSTINGS are skipped, so a common word costs nothing);
 *     otherwise they lead a new cluster;
 *  3. the proposed query is built from the word runs of the leading line that (almost) every build
 *     of the cluster contains, plus the file tag when the builds share the file.
 * The cost is O(builds x lines) for the normalisation and O(groups x tokens x MAX_POSTINGS) for the merge.
 */
import { createHash } from 'crypto';
import { isVolatileWord, messageCore, normaliseText, tokens } from './normalise';

export const SIMILARITY = 0.6;
const MAX_POSTINGS = 2000;
/** A phrase is "common" when this share of the cluster's builds contain it. */
export const COMMON_SHARE = 0.95;
const MAX_PHRASE_WORDS = 12;

export interface TellingLine {
  line: string;
  file?: string;
  logUrl?: string;
}

export interface BuildLines {
  uuid: string;
  job: string;
  project: string;
  /** epoch ms */
  time: number;
  /** Its telling lines, most telling first (at least one). */
  lines: TellingLine[];
}

export interface LineCluster {
  id: string;
  /** Normalised text of the leading group. */
  template: string;
  /** Builds, newest first. */
  builds: BuildLines[];
  /** Phrases (raw text of the leading line) that COMMON_SHARE of the builds contain. */
  phrases: string[];
  /** The file of the telling line when COMMON_SHARE of the builds share it. */
  file?: string;
}

interface Group {
  key: string;
  toks: Set<string>;
  builds: BuildLines[];
}

/** The normalised text a build is clustered on. */
export function buildKey(b: BuildLines): string {
  return b.lines.map((l) => normaliseText(messageCore(l.line))).join(' // ');
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (!a.size && !b.size) return 1;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / (a.size + b.size - shared);
}

export function clusterId(template: string): string {
  return createHash('sha1').update(template).digest('hex').slice(0, 12);
}

/** Runs of consecutive non-volatile words of a raw line's message (phrase candidates). */
export function wordRuns(core: string): string[] {
  const runs: string[] = [];
  let run: string[] = [];
  const flush = () => {
    // a run worth a phrase has at least one word of letters
    const text = run.join(' ').replace(/^[^\w]+|[^\w)\]'"]+$/g, '');
    if (run.length && /[A-Za-z]{2}/.test(text)) runs.push(text);
    run = [];
  };
  for (const w of core.split(/\s+/)) {
    if (!w) continue;
    if (isVolatileWord(w) || w.includes('"') || w.includes('\\')) flush();
    else {
      run.push(w);
      if (run.length >= MAX_PHRASE_WORDS) flush();
    }
  }
  flush();
  return runs;
}

const squash = (s: string) => s.toLowerCase().replace(/\s+/g, ' ');

/** Members whose text is compared for the common phrases (the newest ones of a big cluster). */
const PHRASE_SAMPLE = 300;

/**
 * Phrases of the leading line that COMMON_SHARE of the builds contain: whole word runs where they
 * are common, else their longest common word windows; the longest first, up to three. When nothing
 * is common, the run most builds contain.
 */
function commonPhrases(builds: BuildLines[]): string[] {
  const texts = builds.slice(0, PHRASE_SAMPLE).map((b) => squash(b.lines.map((l) => messageCore(l.line)).join(' \n ')));
  const need = Math.ceil(texts.length * COMMON_SHARE);
  const covered = (p: string) => texts.filter((t) => t.includes(squash(p))).length;
  const runs = wordRuns(messageCore(builds[0].lines[0].line));
  const chosen: string[] = [];
  for (const run of runs) {
    const words = run.split(' ');
    const used = new Array(words.length).fill(false);
    for (let len = words.length; len >= 1; len--) {
      for (let i = 0; i + len <= words.length; i++) {
        if (used.slice(i, i + len).some(Boolean)) continue;
        const p = words.slice(i, i + len).join(' ');
        if (!/[A-Za-z]{3}/.test(p) || covered(p) < need) continue;
        chosen.push(p);
        for (let k = i; k < i + len; k++) used[k] = true;
      }
    }
  }
  const ranked = chosen.sort((a, b) => b.split(' ').length - a.split(' ').length || b.length - a.length);
  if (!ranked.length) {
    const best = runs.map((p) => ({ p, n: covered(p) })).sort((a, b) => b.n - a.n || b.p.length - a.p.length)[0];
    return best ? [best.p] : [];
  }
  // the longest phrase, and more while the chosen ones have fewer than four words
  const out = [ranked[0]];
  for (const p of ranked.slice(1)) {
    if (out.length >= 3 || out.join(' ').split(' ').length >= 4) break;
    out.push(p);
  }
  return out;
}

function sharedFile(builds: BuildLines[]): string | undefined {
  const counts = new Map<string, number>();
  for (const b of builds) {
    const f = b.lines[0].file;
    if (f) counts.set(f, (counts.get(f) ?? 0) + 1);
  }
  const [file, n] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
  return file && n! >= Math.ceil(builds.length * COMMON_SHARE) ? file : undefined;
}

/** Clusters builds by the similarity of their telling lines. Deterministic for a given input. */
export function clusterBuilds(builds: BuildLines[], similarity = SIMILARITY): LineCluster[] {
  const groups = new Map<string, Group>();
  for (const b of builds) {
    if (!b.lines.length) continue;
    const key = buildKey(b);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, toks: new Set(tokens(key)), builds: [] }));
    g.builds.push(b);
  }
  const ordered = [...groups.values()].sort(
    (a, b) => b.builds.length - a.builds.length || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  const leaders: Group[] = [];
  const members: Group[][] = [];
  const postings = new Map<string, number[]>();
  for (const g of ordered) {
    const shared = new Map<number, number>();
    for (const t of g.toks) {
      const list = postings.get(t);
      if (!list || list.length > MAX_POSTINGS) continue;
      for (const c of list) shared.set(c, (shared.get(c) ?? 0) + 1);
    }
    let best = -1;
    let bestSim = similarity;
    for (const [c, n] of shared) {
      const sim = n / (g.toks.size + leaders[c].toks.size - n);
      if (sim > bestSim || (sim === bestSim && best >= 0 && c < best)) {
        best = c;
        bestSim = sim;
      }
    }
    if (best >= 0 && jaccard(g.toks, leaders[best].toks) >= similarity) members[best].push(g);
    else {
      const c = leaders.length;
      leaders.push(g);
      members.push([g]);
      for (const t of g.toks) {
        const list = postings.get(t) ?? [];
        list.push(c);
        postings.set(t, list);
      }
    }
  }
  return leaders.map((lead, c) => {
    const all = members[c].flatMap((g) => g.builds);
    // the leading group's builds first, so that its line leads the phrases and samples
    const sorted = [
      ...lead.builds.sort((a, b) => b.time - a.time),
      ...all.filter((b) => !lead.builds.includes(b)).sort((a, b) => b.time - a.time),
    ];
    return {
      id: clusterId(lead.key),
      template: lead.key,
      builds: sorted,
      phrases: commonPhrases(sorted),
      file: sharedFile(sorted),
    };
  });
}

const escapePhrase = (p: string) => p.replace(/["\\]/g, '\\$&');

/** Jobs a narrowed proposal may name at most. */
const MAX_NARROWING_JOBS = 3;

/**
 * Narrower proposals for a cluster whose proposal matches successful builds too (issue 15): a further
 * phrase that COMMON_SHARE of its builds contain (from any of their telling lines), the jobs of its builds
 * when there are few, and both. Each still matches the cluster's builds that contain its parts.
 */
export function narrowedQueries(c: LineCluster): string[] {
  const texts = c.builds
    .slice(0, PHRASE_SAMPLE)
    .map((b) => squash(b.lines.map((l) => messageCore(l.line)).join(' \n ')));
  const need = Math.ceil(texts.length * COMMON_SHARE);
  const taken = c.phrases.map(squash);
  const extra: string[] = [];
  for (const line of c.builds[0].lines)
    for (const run of wordRuns(messageCore(line.line))) {
      const p = squash(run);
      if (p.split(' ').length < 2 || taken.some((t) => t.includes(p) || p.includes(t))) continue;
      if (texts.filter((t) => t.includes(p)).length >= need && !extra.includes(run)) extra.push(run);
    }
  const base = proposalQuery(c);
  const jobs = [...new Set(c.builds.map((b) => b.job))].sort();
  const jobClause =
    jobs.length <= MAX_NARROWING_JOBS
      ? jobs.length === 1
        ? `build_name:"${escapePhrase(jobs[0])}"`
        : `(${jobs.map((j) => `build_name:"${escapePhrase(j)}"`).join(' OR ')})`
      : undefined;
  const out: string[] = [];
  const longest = extra.sort((a, b) => b.length - a.length)[0];
  if (longest) out.push(`${base} AND message:"${escapePhrase(longest)}"`);
  if (jobClause) out.push(`${base} AND ${jobClause}`);
  if (longest && jobClause) out.push(`${base} AND message:"${escapePhrase(longest)}" AND ${jobClause}`);
  return out;
}

/** The proposed signature query of a cluster (elastic-recheck's format). */
export function proposalQuery(c: Pick<LineCluster, 'phrases' | 'file'>): string {
  const parts = c.phrases.map((p) => `message:"${escapePhrase(p)}"`);
  if (c.file) parts.push(`tags:"${escapePhrase(c.file)}"`);
  return parts.join(' AND ');
}

/** [start, end) ranges of `line` where one of the phrases occurs (case-insensitive). */
export function commonRanges(line: string, phrases: string[]): Array<[number, number]> {
  const lower = line.toLowerCase();
  const ranges: Array<[number, number]> = [];
  for (const p of phrases) {
    const needle = p.toLowerCase();
    let from = 0;
    for (let i = lower.indexOf(needle, from); i >= 0 && needle; i = lower.indexOf(needle, from)) {
      ranges.push([i, i + needle.length]);
      from = i + needle.length;
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/*
 * The CI log data generator: builds over a time window, one document per log line in the
 * ci-log-processing schema, and the exact ground truth of which signatures match which build.
 *
 * Builds are produced one at a time (`builds()`), each from its own random stream, so any number
 * of lines streams through constant memory and the same seed always gives the same data.
 *
 * Ground truth is exact by construction: every line is checked with the in-process evaluator
 * (lucene_eval.ts) against every usable signature (a token pre-filter keeps this cheap). Noise
 * and unknown/infra failure lines that would match a signature are drawn again; a known cause line
 * must match its signature and is drawn again while it matches another one.
 */
import type { Signature } from '../common/signature/types';
import { analyze } from './analyzer';
import {
  ALL_PROJECTS,
  BRANCHES,
  CUSTOM_RESULTS,
  EXECUTORS,
  FILES_BY_BASENAME,
  FILES_BY_KIND,
  INFRA_ERRORS,
  JOBS,
  JOB_OUTPUT,
  LOG_STORAGE,
  QUEUES,
  REGIONS,
  TEMPEST_TESTS,
  UNIT_TEST_NAMES,
  UNKNOWN_ERRORS,
  adHocFile,
  basename,
  noiseGenerators,
  type FileSpec,
  type JobKind,
  type JobSpec,
  type LineContext,
} from './catalog';
import { EvalDoc, anchorTokens, evaluate, evaluate3, parseQuery, type Expr, type LogDoc } from './lucene_eval';
import { Rng } from './random';
import { composeFailure, renderMessage } from './render';
import { Unsatisfiable, planFor, type LinePlan } from './synthesize';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export type BuildStatusName = 'SUCCESS' | 'FAILURE' | 'TIMED_OUT' | 'POST_FAILURE' | 'NODE_FAILURE' | 'RETRY_LIMIT';
export type CauseKind = 'known' | 'unknown' | 'infra' | 'none';

/** Build result shares per pipeline (percent). */
export const STATUS_RATES: Record<string, Record<BuildStatusName, number>> = {
  check: { SUCCESS: 76, FAILURE: 16, TIMED_OUT: 2.5, POST_FAILURE: 2, NODE_FAILURE: 1.5, RETRY_LIMIT: 2 },
  gate: { SUCCESS: 88, FAILURE: 8.5, TIMED_OUT: 1, POST_FAILURE: 1, NODE_FAILURE: 0.5, RETRY_LIMIT: 1 },
  periodic: { SUCCESS: 70, FAILURE: 22, TIMED_OUT: 3, POST_FAILURE: 2, NODE_FAILURE: 1.5, RETRY_LIMIT: 1.5 },
};

/** What explains a failed build, per result (shares). */
export const CAUSE_RATES: Record<BuildStatusName, Partial<Record<CauseKind, number>>> = {
  SUCCESS: { none: 1 },
  FAILURE: { known: 55, unknown: 33, infra: 12 },
  TIMED_OUT: { known: 35, unknown: 15, infra: 50 },
  POST_FAILURE: { known: 25, infra: 75 },
  NODE_FAILURE: { infra: 1 },
  RETRY_LIMIT: { infra: 1 },
};

/**
 * Share of successful builds that still log a known error line (false-positive checks). Most of
 * them go to a few "noisy" signatures (about one in ten), as in real life, so that precision checks
 * have something to find while most signatures stay within elastic-recheck's 10 % rule.
 */
export const FALSE_POSITIVE_RATE = 0.01;
const NOISY_SHARE = 0.8;

export interface GeneratorOptions {
  signatures: Signature[];
  seed?: string | number;
  /** Number of builds. */
  builds: number;
  /** Average lines per build (default 400). */
  linesPerBuild?: number;
  /** Window length in days, ending at `now` (default 10). */
  days?: number;
  /** End of the window (default: the current time). Fix it for reproducible data. */
  now?: Date | number | string;
}

export interface SkippedSignature {
  id: string;
  reason: string;
}

interface UsableSignature {
  signature: Signature;
  expr: Expr;
  anchors: string[] | null;
  weight: number;
  activeFrom: number;
  activeTo: number;
  /** Draws most of the false positives. */
  noisy: boolean;
}

export interface CauseTruth {
  kind: CauseKind;
  /** Known cause: the signature whose bug failed the build. */
  signature?: string;
  /** Unknown or infrastructure cause: which error text family wrote the line (`unknown:console:2`), for scoring clusters. */
  family?: string;
  /** File (basename), its log_url, line number and message of the cause line, when there is one. */
  file?: string;
  logUrl?: string;
  line?: number;
  message?: string;
}

export interface BuildTruth {
  uuid: string;
  buildSet: string;
  job: string;
  project: string;
  branch: string;
  queue: string;
  voting: 0 | 1;
  status: BuildStatusName;
  change?: number;
  patchset?: string;
  tenant: string;
  /** ISO-8601 */
  start: string;
  end: string;
  cause: CauseTruth;
  /** A SUCCESS build that logged a known error line anyway. */
  falsePositive?: boolean;
  /**
   * Signatures the engine must report for this build: those whose query matches at least one of
   * its lines, with elastic-recheck's rule that a signature without allow-nonvoting only counts
   * on voting builds. Sorted.
   */
  expectedSignatures: string[];
  /**
   * expectedSignatures after elastic-recheck's test_ids rule: a signature with test_ids counts only
   * when one of them failed in the build (names compared without their `[attrs]` suffix).
   */
  confirmedSignatures: string[];
  /** Failed tests of the build (subunit names, `[attrs]` included). */
  failedTests: string[];
  /** Whether the build has test results at all. */
  hasTestResults: boolean;
  lines: number;
  files: string[];
}

export interface GeneratedLine {
  /** epoch ms */
  time: number;
  message: string;
  lineNumber: number;
}

export interface GeneratedFile {
  /** Document fields shared by every line of the file (build fields, filename, tags, log_url). */
  fields: LogDoc;
  lines: GeneratedLine[];
}

/** One test result (ci-log-processing `subunit-*` document). */
export interface GeneratedTest {
  name: string;
  status: 'success' | 'fail' | 'skip';
  /** seconds */
  duration: number;
  /** epoch ms (test start) */
  time: number;
}

export interface GeneratedBuild {
  truth: BuildTruth;
  files: GeneratedFile[];
  /** Test results of jobs that run tests (tempest, tox); empty otherwise. */
  tests: GeneratedTest[];
  /** Build fields of the subunit documents. */
  testFields: LogDoc;
}

interface BuildBase {
  job: JobSpec;
  project: string;
  branch: string;
  queue: string;
  voting: 0 | 1;
  status: BuildStatusName;
  /** Field values a signature asked for that are not modelled above (e.g. tenant, build_ref). */
  extra: Record<string, string>;
}

function toEpoch(now: GeneratorOptions['now']): number {
  if (now === undefined) return Date.now();
  const t = now instanceof Date ? now.getTime() : typeof now === 'number' ? now : Date.parse(now);
  if (!Number.isFinite(t)) throw new Error(`invalid "now": ${String(now)}`);
  return t;
}

function jobByName(name: string): JobSpec {
  const known = JOBS.find((j) => j.name === name);
  if (known) return known;
  const kind: JobKind = /tox|pep8|unit|functional|lint/.test(name)
    ? 'tox'
    : /grenade/.test(name)
      ? 'grenade'
      : /multinode|live-migration/.test(name)
        ? 'multinode'
        : /docs|releasenotes/.test(name)
          ? 'docs'
          : /ironic/.test(name)
            ? 'ironic'
            : /swift/.test(name)
              ? 'swift'
              : 'devstack';
  return { name, kind, projects: ALL_PROJECTS, weight: 1 };
}

/** subunit names carry `[attrs]`; elastic-recheck compared them without. */
export function bareTestName(name: string): string {
  return name.replace(/\[[^\]]*\]$/, '');
}

function withAttrs(name: string, rng: Rng): string {
  return rng.chance(0.7) ? `${name}[id-${rng.uuid()}${rng.chance(0.3) ? ',smoke' : ''}]` : name;
}

function unitTests(project: string): string[] {
  const mod = project.replace(/^openstack\//, '').replace(/[.-]/g, '_');
  return UNIT_TEST_NAMES.map((t) => `${mod}.tests.unit.${t}`);
}

const FILE_LIKE = /\.(txt|log|html|json|yaml|gz|subunit)$/;

export class DataGenerator {
  readonly usable: UsableSignature[] = [];
  readonly skipped: SkippedSignature[] = [];
  readonly now: number;
  readonly days: number;
  readonly seed: string;
  readonly buildCount: number;
  readonly linesPerBuild: number;
  private readonly root: Rng;
  private readonly anchorIndex = new Map<string, number[]>();
  private readonly unanchored: number[] = [];
  private readonly windowStart: number;
  /** Tempest test names, including every test id the signatures name. */
  private readonly tempestPool: string[];
  private readonly allTestIds: Set<string>;

  constructor(readonly options: GeneratorOptions) {
    this.seed = String(options.seed ?? 1);
    this.root = new Rng(`elastic-recheck-generator:${this.seed}`);
    this.now = toEpoch(options.now);
    this.days = options.days ?? 10;
    if (!(this.days > 0)) throw new Error('days must be greater than 0');
    this.buildCount = options.builds;
    if (!Number.isInteger(this.buildCount) || this.buildCount < 0)
      throw new Error('builds must be a whole number >= 0');
    this.linesPerBuild = options.linesPerBuild ?? 400;
    if (!(this.linesPerBuild >= 4)) throw new Error('linesPerBuild must be at least 4');
    this.windowStart = this.now - this.days * DAY;
    this.prepareSignatures(options.signatures);
    this.allTestIds = new Set(this.usable.flatMap((u) => (u.signature.testIds ?? []).map(bareTestName)));
    this.tempestPool = [...new Set([...TEMPEST_TESTS, ...this.allTestIds])];
  }

  /* ---------------- signatures ---------------- */

  private prepareSignatures(signatures: Signature[]): void {
    const seen = new Set<string>();
    const candidates: Array<{ signature: Signature; expr: Expr }> = [];
    for (const signature of signatures) {
      if (seen.has(signature.id)) {
        this.skipped.push({ id: signature.id, reason: 'duplicate id' });
        continue;
      }
      seen.add(signature.id);
      try {
        candidates.push({ signature, expr: parseQuery(signature.query) });
      } catch (error: any) {
        this.skipped.push({ id: signature.id, reason: `query does not parse: ${error?.message ?? error}` });
      }
    }
    // Signatures that match ordinary lines cannot be given exact ground truth.
    const samples = this.noiseSamples();
    const kept: Array<{ signature: Signature; expr: Expr }> = [];
    for (const c of candidates) {
      let hits = 0;
      for (const doc of samples) if (evaluate3(c.expr, doc) !== 0) hits++;
      if (hits > samples.length * 0.02) {
        this.skipped.push({
          id: c.signature.id,
          reason: `matches ordinary log lines (${hits} of ${samples.length} sampled lines), so its hits cannot be controlled`,
        });
      } else kept.push(c);
    }
    // Each kept signature must be synthesizable in the new schema.
    const order = this.root.derive('signature-order').shuffle(kept.map((_, i) => i));
    const rank = new Map<number, number>();
    order.forEach((idx, r) => rank.set(idx, r));
    kept.forEach((c, idx) => {
      const rng = this.root.derive(`probe:${c.signature.id}`);
      let reason = '';
      let ok = false;
      for (let attempt = 0; attempt < 40 && !ok; attempt++) {
        try {
          const plan = planFor(c.expr, rng);
          const base = this.applyPlan(this.baseBuild(rng), plan, c.signature, rng, false);
          const file = this.fileFor(plan, base.job, rng);
          const ctx = this.lineContext(rng, base);
          const message = renderMessage(file, composeFailure(file, plan.parts, ctx), this.now, ctx, 1234);
          const doc = new EvalDoc({ ...this.buildFieldsForCheck(base), ...this.fileFieldsForCheck(file), message });
          if (evaluate(c.expr, doc)) ok = true;
          else reason = 'no synthesized line satisfies the query (MUST_NOT or analyzer conflict)';
        } catch (error: any) {
          if (!(error instanceof Unsatisfiable)) throw error;
          reason = error.message;
        }
      }
      if (!ok) {
        this.skipped.push({
          id: c.signature.id,
          reason: `cannot be satisfied in the ci-log-processing schema: ${reason}`,
        });
        return;
      }
      const r = rank.get(idx) ?? 0;
      const activity = this.root.derive(`activity:${c.signature.id}`);
      let activeFrom = this.windowStart;
      let activeTo = this.now;
      const span = this.now - this.windowStart;
      const shape = activity.next();
      if (shape < 0.15)
        activeFrom = this.windowStart + span * (0.2 + 0.5 * activity.next()); // a new bug
      else if (shape < 0.25) activeTo = this.windowStart + span * (0.4 + 0.4 * activity.next()); // fixed during the window
      this.usable.push({
        signature: c.signature,
        expr: c.expr,
        anchors: anchorTokens(c.expr),
        weight: 1 / Math.pow(r + 1, 0.8),
        activeFrom,
        activeTo,
        noisy: false,
      });
    });
    const noisyRng = this.root.derive('noisy');
    const noisyCount = Math.max(1, Math.round(this.usable.length / 10));
    for (const u of noisyRng.shuffle(this.usable).slice(0, this.usable.length ? noisyCount : 0)) u.noisy = true;
    this.usable.forEach((u, i) => {
      if (!u.anchors) this.unanchored.push(i);
      else
        for (const t of u.anchors) {
          const list = this.anchorIndex.get(t) ?? [];
          list.push(i);
          this.anchorIndex.set(t, list);
        }
    });
  }

  /** Ordinary lines of every file, with build fields unknown, for screening signatures. */
  private noiseSamples(): EvalDoc[] {
    const rng = this.root.derive('noise-samples');
    const unknown = new Set([
      'build_name',
      'build_status',
      'build_uuid',
      'build_set',
      'build_queue',
      'build_ref',
      'build_branch',
      'build_change',
      'build_patchset',
      'project',
      'tenant',
      'voting',
      'change_url',
      'log_url',
      'hosts_id',
      'hosts_region',
      'zuul_executor',
      'build_newrev',
      'line_number',
    ]);
    const docs: EvalDoc[] = [];
    const specs = new Set<FileSpec>([...FILES_BY_BASENAME.values()]);
    for (const spec of specs) {
      const gens = noiseGenerators(spec);
      for (let i = 0; i < 12; i++) {
        const c: LineContext = {
          rng,
          node: 'np0012345678',
          job: 'tempest-full-py3',
          project: 'openstack/nova',
          branch: 'master',
        };
        const message = renderMessage(spec, gens[i % gens.length](c), this.now, c, 4242);
        docs.push(
          new EvalDoc(
            { ...this.fileFieldsForCheck(spec), build_node: 'zuul-executor', node_provider: 'local', message },
            unknown,
          ),
        );
      }
    }
    return docs;
  }

  /** Ids of the usable signatures. */
  get signatureIds(): string[] {
    return this.usable.map((u) => u.signature.id);
  }

  /* ---------------- builds ---------------- */

  private baseBuild(rng: Rng): BuildBase {
    const queue = rng.weightedKey(QUEUES);
    const jobs = queue === 'periodic' ? JOBS.filter((j) => j.periodic) : JOBS;
    const job = rng.weighted(
      jobs,
      jobs.map((j) => j.weight),
    );
    const project = rng.pick(job.projects);
    const branch = rng.weightedKey(BRANCHES);
    const voting: 0 | 1 = queue === 'check' && job.nonVoting ? 0 : 1;
    const status = rng.weightedKey(STATUS_RATES[queue]);
    return { job, project, branch, queue, voting, status, extra: {} };
  }

  /**
   * When the plan needs a file the build's job does not produce (a tox job has no screen-n-cpu.txt)
   * and does not name the job itself, switch to a job (and project) that produces it.
   */
  private jobForPlan(base: BuildBase, plan: LinePlan, rng: Rng): BuildBase {
    if (plan.fields.build_name !== undefined) return base;
    const ok = (spec: FileSpec) =>
      (!plan.filename || basename(spec.path) === plan.filename) &&
      plan.tags.every((t) => spec.tags.includes(t) || basename(spec.path) === t);
    if (FILES_BY_KIND[base.job.kind].some(ok)) return base;
    let jobs = JOBS.filter((j) => FILES_BY_KIND[j.kind].some(ok));
    if (base.queue === 'periodic') jobs = jobs.filter((j) => j.periodic);
    if (plan.fields.project !== undefined) jobs = jobs.filter((j) => j.projects.includes(plan.fields.project));
    if (jobs.length === 0) return base;
    const job = rng.weighted(
      jobs,
      jobs.map((j) => j.weight),
    );
    const project = job.projects.includes(base.project) ? base.project : rng.pick(job.projects);
    return { ...base, job, project, voting: base.queue === 'check' && job.nonVoting ? 0 : 1 };
  }

  /** Makes a build satisfy a plan's field requirements. */
  private applyPlan(base: BuildBase, plan: LinePlan, sig: Signature, rng: Rng, keepStatus: boolean): BuildBase {
    const b: BuildBase = { ...base, extra: { ...base.extra } };
    const f = plan.fields;
    if (f.build_name !== undefined) {
      b.job = jobByName(f.build_name);
      if (f.project === undefined && !b.job.projects.includes(b.project)) b.project = rng.pick(b.job.projects);
    }
    if (f.project !== undefined) b.project = f.project;
    if (f.build_branch !== undefined) b.branch = f.build_branch;
    if (f.build_queue !== undefined) b.queue = f.build_queue;
    if (f.build_status !== undefined) {
      if (keepStatus && f.build_status !== b.status) throw new Unsatisfiable(`needs build_status "${f.build_status}"`);
      b.status = f.build_status as BuildStatusName;
    }
    if (b.queue !== 'check') b.voting = 1;
    if (f.voting !== undefined) b.voting = Number(f.voting) === 1 ? 1 : 0;
    else if (!sig.allowNonvoting && b.voting === 0 && rng.chance(0.85)) b.voting = 1;
    for (const [k, v] of Object.entries(f)) {
      if (!['build_name', 'project', 'build_branch', 'build_queue', 'build_status', 'voting'].includes(k))
        b.extra[k] = v;
    }
    return b;
  }

  private fileFor(plan: LinePlan, job: JobSpec, rng: Rng): FileSpec {
    const ok = (s: FileSpec) =>
      (!plan.filename || basename(s.path) === plan.filename) &&
      plan.tags.every((t) => s.tags.includes(t) || basename(s.path) === t);
    const own = FILES_BY_KIND[job.kind].filter(ok);
    if (own.length) return rng.pick(own);
    const any = [...FILES_BY_BASENAME.values()].filter(ok);
    if (any.length) return rng.pick(any);
    const fileLike = plan.tags.filter((t) => FILE_LIKE.test(t) && t !== 'console.html');
    if (plan.filename && fileLike.some((t) => t !== plan.filename))
      throw new Unsatisfiable(`needs file "${plan.filename}" tagged "${fileLike.join('", "')}"`);
    if (!plan.filename && fileLike.length > 1)
      throw new Unsatisfiable(`needs one file tagged with several file names (${fileLike.join(', ')})`);
    return adHocFile(plan.filename ?? fileLike[0] ?? 'job-output.txt', plan.tags);
  }

  private lineContext(rng: Rng, b: BuildBase): LineContext {
    return { rng, node: `np00${rng.range(10000000, 99999999)}`, job: b.job.name, project: b.project, branch: b.branch };
  }

  private buildFieldsForCheck(b: BuildBase): LogDoc {
    return {
      build_name: b.job.name,
      build_status: b.status,
      build_queue: b.queue,
      build_branch: b.branch,
      project: b.project,
      voting: b.voting,
      tenant: 'openstack',
      build_node: 'zuul-executor',
      node_provider: 'local',
      ...b.extra,
    };
  }

  private fileFieldsForCheck(spec: FileSpec): LogDoc {
    const base = basename(spec.path);
    return { filename: base, tags: [...spec.tags, base] };
  }

  /**
   * Signatures (indices into usable) whose query matches the document; with `voting`, only those
   * that count under elastic-recheck's voting rule. A token pre-filter skips most evaluations.
   */
  private matches(doc: EvalDoc, voting = true): number[] {
    let hit: number[] | undefined;
    for (const t of doc.tokens()) {
      const list = this.anchorIndex.get(t);
      if (list) (hit ??= []).push(...list);
    }
    if (!hit && this.unanchored.length === 0) return [];
    const candidates = new Set<number>(this.unanchored);
    if (hit) for (const i of hit) candidates.add(i);
    const out: number[] = [];
    for (const i of candidates) {
      const u = this.usable[i];
      if (voting && !u.signature.allowNonvoting && Number(doc.fields.voting) !== 1) continue;
      if (evaluate(u.expr, doc)) out.push(i);
    }
    return out.sort((a, b) => a - b);
  }

  /** Signatures whose query matches the document, ignoring the voting rule. */
  private rawMatches(doc: EvalDoc): number[] {
    return this.matches(doc, false);
  }

  private pickSignature(rng: Rng, time: number, falsePositive = false): UsableSignature | undefined {
    if (this.usable.length === 0) return undefined;
    if (falsePositive && rng.chance(NOISY_SHARE)) return rng.pick(this.usable.filter((u) => u.noisy));
    const active = this.usable.filter((u) => u.activeFrom <= time && time <= u.activeTo);
    const pool = active.length ? active : this.usable;
    return rng.weighted(
      pool,
      pool.map((u) => u.weight),
    );
  }

  /** All builds, lazily, in start-time-independent order (build i depends only on seed and i). */
  *builds(): Generator<GeneratedBuild> {
    for (let i = 0; i < this.buildCount; i++) yield this.build(i);
  }

  build(index: number): GeneratedBuild {
    const rng = this.root.derive(`build:${index}`);
    const span = this.now - this.windowStart;
    const start = this.windowStart + Math.floor(rng.next() * Math.max(span - 3 * HOUR, span * 0.5));
    let base = this.baseBuild(rng);
    let causeKind = rng.weightedKey(CAUSE_RATES[base.status] as Record<CauseKind, number>);
    let falsePositive = base.status === 'SUCCESS' && rng.chance(FALSE_POSITIVE_RATE);

    // A known cause (or a false-positive line) decides parts of the build.
    let causeSig: UsableSignature | undefined;
    let causePlan: LinePlan | undefined;
    let causeFile: FileSpec | undefined;
    if (causeKind === 'known' || falsePositive) {
      const chosen = this.chooseKnownCause(rng, base, start, falsePositive);
      if (chosen) ({ sig: causeSig, plan: causePlan, file: causeFile, base } = chosen);
      else if (falsePositive) falsePositive = false;
      else causeKind = base.status === 'FAILURE' || base.status === 'TIMED_OUT' ? 'unknown' : 'infra';
    }
    if (base.status === 'NODE_FAILURE' || base.status === 'RETRY_LIMIT') causeKind = 'infra';

    const uuid = rng.hex(32);
    const buildSet = rng.hex(32);
    const hasChange = base.queue !== 'periodic';
    const change = hasChange ? rng.range(880000, 969999) : undefined;
    const patchset = hasChange ? String(rng.range(1, 14)) : undefined;
    const durations: Record<JobKind, [number, number]> = {
      devstack: [55, 140],
      grenade: [90, 170],
      multinode: [80, 170],
      swift: [50, 100],
      ironic: [70, 150],
      tox: [4, 25],
      docs: [4, 12],
    };
    const [dmin, dmax] = durations[base.job.kind];
    let duration = (dmin + rng.next() * (dmax - dmin)) * MINUTE;
    if (base.status === 'TIMED_OUT') duration = Math.max(duration, 180 * MINUTE);
    if (base.status === 'NODE_FAILURE') duration = rng.range(1, 20) * MINUTE;
    const end = start + duration;
    const executor = rng.pick(EXECUTORS);
    const nodes = base.job.kind === 'multinode' || base.job.name.includes('multinode') ? 2 : 1;
    const hostsRegion = Array.from({ length: nodes }, () => rng.pick(REGIONS));
    const hostsId = hostsRegion.map(() => rng.hex(56));
    const ctx = this.lineContext(rng, base);
    const logRoot = hasChange
      ? `${LOG_STORAGE}/${String(change).slice(-2)}/${change}/${patchset}/${base.queue}/${base.job.name}/${uuid.slice(0, 7)}`
      : `${LOG_STORAGE}/periodic/opendev.org/${base.project}/${base.branch}/${base.job.name}/${uuid.slice(0, 7)}`;

    const buildFields: LogDoc = {
      build_name: base.job.name,
      build_status: base.status,
      build_uuid: uuid,
      build_set: buildSet,
      build_queue: base.queue,
      build_ref: hasChange
        ? `refs/changes/${String(change).slice(-2)}/${change}/${patchset}`
        : `refs/heads/${base.branch}`,
      build_branch: base.branch,
      build_change: change,
      build_patchset: patchset ?? '',
      build_newrev: '',
      build_node: 'zuul-executor',
      node_provider: 'local',
      project: base.project,
      tenant: 'openstack',
      voting: base.voting,
      change_url: hasChange ? `https://review.opendev.org/${change}` : '',
      hosts_id: hostsId,
      hosts_region: hostsRegion,
      zuul_executor: executor,
    };
    for (const [k, v] of Object.entries(base.extra)) buildFields[k] = /^(build_change|voting)$/.test(k) ? Number(v) : v;
    const voting = Number(buildFields.voting) === 1 ? 1 : 0;

    // Files and how many lines each gets.
    const specs: FileSpec[] = base.status === 'NODE_FAILURE' ? [CUSTOM_RESULTS] : [...FILES_BY_KIND[base.job.kind]];
    if (causeFile && !specs.includes(causeFile)) specs.push(causeFile);
    const total =
      base.status === 'NODE_FAILURE'
        ? rng.range(1, 3)
        : Math.max(4, Math.round(this.linesPerBuild * (0.5 + rng.next())));
    const counts = new Map<FileSpec, number>();
    const weights = specs.map((s) => s.weight);
    for (let k = 0; k < total; k++) {
      const s = rng.weighted(specs, weights);
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    if (!counts.has(JOB_OUTPUT) && specs.includes(JOB_OUTPUT)) counts.set(JOB_OUTPUT, 1);

    // The failure line: file and text (its position comes with the file's lines).
    const expected = new Set<number>();
    const cause: CauseTruth = { kind: falsePositive ? 'none' : causeKind };
    const known = causeSig && causePlan && causeFile ? { sig: causeSig, plan: causePlan, file: causeFile } : undefined;
    const failure = this.failureLine(rng, ctx, { specs, base, buildFields, logRoot, end }, cause, known, falsePositive);
    const special = failure.special;
    falsePositive = failure.falsePositive;

    // Lines, file by file, in time order; the failure line goes near the end of its file.
    const files: GeneratedFile[] = [];
    let lineTotal = 0;
    for (const spec of specs) {
      let n = counts.get(spec) ?? 0;
      const hasSpecial = special?.spec === spec;
      if (n === 0 && !hasSpecial) continue;
      if (hasSpecial) n = Math.max(n, 1);
      const specialAt = hasSpecial ? Math.min(n - 1, Math.floor(n * (0.6 + 0.37 * rng.next()))) : -1;
      const fields: LogDoc = { ...buildFields, ...this.fileFields(spec, logRoot) };
      if (base.status === 'NODE_FAILURE') delete fields.log_url;
      const lines = this.fileLines(rng, ctx, spec, fields, { n, specialAt, special, start, duration }, cause, expected);
      lineTotal += lines.length;
      files.push({ fields, lines });
    }

    const tests = this.testResults(rng, base, cause, causeSig, falsePositive, start, duration);
    const failedTests = tests.filter((x) => x.status === 'fail').map((x) => x.name);
    const failedBare = new Set(failedTests.map(bareTestName));
    const expectedIds = [...expected].map((i) => this.usable[i].signature);

    const truth: BuildTruth = {
      uuid,
      buildSet,
      job: String(buildFields.build_name),
      project: String(buildFields.project),
      branch: String(buildFields.build_branch),
      queue: String(buildFields.build_queue),
      voting,
      status: String(buildFields.build_status) as BuildStatusName,
      change,
      patchset,
      tenant: String(buildFields.tenant),
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      cause,
      expectedSignatures: expectedIds.map((sig) => sig.id).sort(),
      confirmedSignatures: expectedIds
        .filter((sig) => !sig.testIds?.length || sig.testIds.some((id) => failedBare.has(bareTestName(id))))
        .map((sig) => sig.id)
        .sort(),
      failedTests,
      hasTestResults: tests.length > 0,
      lines: lineTotal,
      files: files.map((f) => String(f.fields.filename)),
    };
    if (falsePositive) truth.falsePositive = true;
    const testFields: LogDoc = {};
    for (const k of [
      'build_name',
      'build_status',
      'build_uuid',
      'build_set',
      'build_queue',
      'build_ref',
      'build_branch',
      'build_change',
      'build_patchset',
      'project',
      'tenant',
      'voting',
      'zuul_executor',
    ])
      testFields[k] = buildFields[k];
    testFields.log_url = `${logRoot}/testrepository.subunit`;
    return { truth, files, tests, testFields };
  }

  /**
   * The lines of one file in time order: ordinary lines (drawn again while one would match a
   * signature) and, at `specialAt`, the failure line, whose signatures go into `expected`.
   */
  private fileLines(
    rng: Rng,
    ctx: LineContext,
    spec: FileSpec,
    fields: LogDoc,
    o: { n: number; specialAt: number; special?: { spec: FileSpec; text: string }; start: number; duration: number },
    cause: CauseTruth,
    expected: Set<number>,
  ): GeneratedLine[] {
    const gens = noiseGenerators(spec);
    const pid = rng.range(1000, 99999);
    const lines: GeneratedLine[] = [];
    for (let k = 0; k < o.n; k++) {
      const time = Math.floor(o.start + (o.duration * (k + rng.next())) / o.n);
      let message: string | undefined;
      if (k === o.specialAt && o.special) {
        message = renderMessage(spec, o.special.text, time, ctx, pid);
        const doc = new EvalDoc({ ...fields, message });
        for (const i of this.matches(doc)) expected.add(i);
        cause.file = basename(spec.path);
        if (fields.log_url) cause.logUrl = String(fields.log_url);
        cause.line = k + 1;
        cause.message = message;
      } else {
        for (let attempt = 0; attempt < 6 && message === undefined; attempt++) {
          const candidate = renderMessage(spec, gens[rng.int(gens.length)](ctx), time, ctx, pid);
          const doc = new EvalDoc({ ...fields, message: candidate });
          if (this.rawMatches(doc).length === 0) message = candidate;
        }
        if (message === undefined) continue;
      }
      lines.push({ time, message, lineNumber: k + 1 });
    }
    return lines;
  }

  /**
   * The text of the line that explains the build: a known cause's line that matches its signature
   * and (if at all possible) no other, or an unknown/infrastructure error that matches none.
   * Updates `cause` (signature, or kind unknown when no line could be made).
   */
  private failureLine(
    rng: Rng,
    ctx: LineContext,
    b: { specs: FileSpec[]; base: BuildBase; buildFields: LogDoc; logRoot: string; end: number },
    cause: CauseTruth,
    known: { sig: UsableSignature; plan: LinePlan; file: FileSpec } | undefined,
    falsePositive: boolean,
  ): { special?: { spec: FileSpec; text: string }; falsePositive: boolean } {
    let special: { spec: FileSpec; text: string } | undefined;
    if (known) {
      const sigIndex = this.usable.indexOf(known.sig);
      let chosen: string | undefined;
      let fallback: string | undefined;
      for (let attempt = 0; attempt < 25 && !chosen; attempt++) {
        const plan = attempt === 0 ? known.plan : this.replan(known.sig, known.plan, rng);
        const text = composeFailure(known.file, plan.parts, ctx);
        const message = renderMessage(known.file, text, b.end - 2 * MINUTE, ctx, 1000 + rng.int(60000));
        const doc = new EvalDoc({ ...b.buildFields, ...this.fileFields(known.file, b.logRoot), message });
        if (!evaluate(known.sig.expr, doc)) continue;
        const others = this.rawMatches(doc).filter((i) => i !== sigIndex);
        if (others.length === 0) chosen = text;
        else fallback ??= text;
      }
      const text = chosen ?? fallback;
      if (text) {
        special = { spec: known.file, text };
        if (!falsePositive) cause.signature = known.sig.signature.id;
      } else if (!falsePositive) {
        cause.kind = 'unknown';
      } else falsePositive = false;
    }
    if (!special && (cause.kind === 'unknown' || cause.kind === 'infra')) {
      for (let attempt = 0; attempt < 10 && !special; attempt++) {
        let spec: FileSpec;
        let text: string;
        let family: string;
        // rng.int(n) then indexing draws exactly as rng.pick did, so the data stays the same per seed
        if (cause.kind === 'unknown') {
          const oslo = b.specs.filter((s) => s.format === 'oslo');
          spec =
            oslo.length && rng.chance(0.4) ? rng.pick(oslo) : b.specs.includes(JOB_OUTPUT) ? JOB_OUTPUT : b.specs[0];
          const format = spec.format === 'oslo' ? 'oslo' : 'console';
          const k = rng.int(UNKNOWN_ERRORS[format].length);
          text = UNKNOWN_ERRORS[format][k]({ ...ctx, service: spec.service });
          family = `unknown:${format}:${k}`;
        } else {
          spec = b.base.status === 'NODE_FAILURE' ? CUSTOM_RESULTS : JOB_OUTPUT;
          if (!b.specs.includes(spec)) spec = b.specs[0];
          const kind = INFRA_ERRORS[b.base.status] ? b.base.status : 'FAILURE';
          const k = rng.int(INFRA_ERRORS[kind].length);
          text = INFRA_ERRORS[kind][k](ctx);
          family = `infra:${kind}:${k}`;
        }
        const message = renderMessage(spec, text, b.end - MINUTE, ctx, 1000 + rng.int(60000));
        const doc = new EvalDoc({ ...b.buildFields, ...this.fileFields(spec, b.logRoot), message });
        if (this.rawMatches(doc).length === 0) {
          special = { spec, text };
          cause.family = family;
        }
      }
    }
    return { special, falsePositive };
  }

  /** A signature for a known cause or false positive, and the build and file its query needs. */
  private chooseKnownCause(
    rng: Rng,
    base: BuildBase,
    start: number,
    falsePositive: boolean,
  ): { sig: UsableSignature; plan: LinePlan; file: FileSpec; base: BuildBase } | undefined {
    for (let attempt = 0; attempt < 12; attempt++) {
      const sig = this.pickSignature(rng, start, falsePositive);
      if (!sig) return undefined;
      try {
        const plan = planFor(sig.expr, rng);
        const b = this.applyPlan(
          this.jobForPlan(attempt === 0 ? base : this.baseBuildWithStatus(rng, base.status), plan, rng),
          plan,
          sig.signature,
          rng,
          falsePositive || base.status !== 'FAILURE',
        );
        return { sig, plan, file: this.fileFor(plan, b.job, rng), base: b };
      } catch (error) {
        if (!(error instanceof Unsatisfiable)) throw error;
      }
    }
    return undefined;
  }

  /** Test results (subunit) of jobs that run tests; the failing test follows the cause. */
  private testResults(
    rng: Rng,
    base: BuildBase,
    cause: CauseTruth,
    causeSig: UsableSignature | undefined,
    falsePositive: boolean,
    start: number,
    duration: number,
  ): GeneratedTest[] {
    const tests: GeneratedTest[] = [];
    if (base.status === 'NODE_FAILURE' || base.job.kind === 'docs') return tests;
    const pool = base.job.kind === 'tox' ? unitTests(base.project) : this.tempestPool;
    const n = Math.min(60, Math.max(5, Math.round(this.linesPerBuild / 8)));
    const names = new Set<string>();
    while (names.size < Math.min(n, pool.length)) names.add(rng.pick(pool));
    let failing: string | undefined;
    const failedBuild = base.status === 'FAILURE' || base.status === 'TIMED_OUT';
    const sigTestIds = causeSig?.signature.testIds ?? [];
    if (!falsePositive && cause.kind === 'known' && sigTestIds.length && base.job.kind !== 'tox') {
      // usually one of the signature's tests; sometimes another one (the test_ids rule then rejects the hit)
      failing = rng.chance(0.8)
        ? withAttrs(rng.pick(sigTestIds), rng)
        : rng.pick([...names].filter((t) => !sigTestIds.includes(bareTestName(t))));
    } else if (failedBuild && cause.kind !== 'infra' && rng.chance(cause.kind === 'unknown' ? 0.9 : 0.6)) {
      failing = rng.pick([...names].filter((t) => !this.allTestIds.has(bareTestName(t))));
    }
    if (failing) names.add(failing);
    let t = start + duration * 0.5;
    for (const name of names) {
      const d = Math.round(rng.next() * 30000) / 1000;
      tests.push({
        name,
        status: name === failing ? 'fail' : rng.chance(0.06) ? 'skip' : 'success',
        duration: d,
        time: Math.floor(t),
      });
      t += (duration * 0.45) / names.size;
    }
    return tests;
  }

  private baseBuildWithStatus(rng: Rng, status: BuildStatusName): BuildBase {
    return { ...this.baseBuild(rng), status };
  }

  /** Another random wording of the same requirements (fields and file stay as planned). */
  private replan(sig: UsableSignature, plan: LinePlan, rng: Rng): LinePlan {
    for (let i = 0; i < 5; i++) {
      try {
        const p = planFor(sig.expr, rng);
        const sameFields =
          Object.keys(p.fields).every((k) => p.fields[k] === plan.fields[k]) &&
          Object.keys(plan.fields).every((k) => p.fields[k] === plan.fields[k]);
        if (sameFields && p.filename === plan.filename && p.tags.every((t) => plan.tags.includes(t))) return p;
      } catch (error) {
        if (!(error instanceof Unsatisfiable)) throw error;
      }
    }
    return plan;
  }

  private fileFields(spec: FileSpec, logRoot: string): LogDoc {
    const base = basename(spec.path);
    return { filename: base, tags: [...spec.tags, base], log_url: `${logRoot}/${spec.path}` };
  }
}

/** Analyzer re-export for tests and tools that need to predict tokens. */
export { analyze };

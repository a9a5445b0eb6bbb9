/*
 * The background work, one pass at a time (the scheduler decides when and makes sure only one host
 * instance runs it):
 *   1. intake  — new finished failed builds from each Zuul tenant (lib/intake/intake.ts);
 *   2. classify — builds whose logs are fully indexed are classified against the signatures; builds
 *      still not ready after `readiness.timeout` (counted from the build's end) are marked not_ready;
 *      the reports each result needs are planned into the result document (the outbox);
 *   3. report  — every due channel is claimed (compare-and-set), delivered, and recorded: sent, or
 *      retried later with exponential backoff, or failed after `report.giveUpAfter`.
 * Each step stands alone: Zuul being down does not stop reporting, Gerrit being down does not stop
 * intake. An unreachable engine makes the pass fail and the next pass start over from the stored state.
 *
 * Exactly once per build and channel: the claim write (status `sending`) happens before delivery and
 * the result write after it, both compare-and-set on the result document. A delivery interrupted
 * between the two (a crash) is settled on a later pass: Gerrit is asked whether our tagged comment is
 * on the change; Matrix is re-sent with the same transaction id (Matrix drops the repeat); a Slack or
 * generic webhook cannot tell, so it is marked failed rather than risk a duplicate.
 */
import type { BuildResult, ReportState } from '../../../common/api/results';
import type { Signature } from '../../../common/signature/types';
import { configSecrets, RecheckConfig, scrubSecrets, WebhookConfig } from '../../config';
import { classifyBuild } from '../classify/classify';
import { checkReadiness } from '../classify/readiness';
import { EngineClient } from '../../../lib/engine_client';
import { pollTenant, IntakeSummary } from '../intake/intake';
import { ZuulClient } from '../intake/zuul_client';
import { chatFoundText, chatUnrecognizedText, gerritComment, JobBugs, notReadyText } from '../report/messages';
import { ChatPayload, DeliveryError, GerritClient, sendWebhook } from '../report/senders';
import { compileSignatures, CompiledSignature } from '../signatures/compile';
import { dueReports, ensureResultsIndex, ResultHit, waitingResults } from './results_index';
import { replaceDoc } from './store';

export interface LoopLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface LoopDeps {
  /** Engine access for background work (elastic_recheck.engine.*, or the host's internal user). */
  engine: EngineClient;
  config: RecheckConfig;
  /** The stored signatures (saved objects). */
  loadSignatures: () => Promise<Signature[]>;
  logger: LoopLogger;
  now?: () => number;
  /** More steps run after report, each on its own (bug data and alarms: server/lib/bugs/bug_work.ts). */
  extraSteps?: Array<{ name: string; run: () => Promise<void> }>;
}

export interface PassSummary {
  intake: IntakeSummary[];
  classified: number;
  notReady: number;
  waiting: number;
  sent: number;
  retried: number;
  failed: number;
  errors: string[];
}

const GERRIT = 'gerrit';
const chatChannel = (hook: WebhookConfig) => `chat:${hook.name}`;

/** Does a webhook's project list cover this project? `all`, the full name, or its last segment. */
export function projectRouted(projects: string[], project: string): boolean {
  const short = project.split('/').pop() ?? project;
  return projects.some((p) => p === 'all' || p === project || p === short);
}

export function changeUrlOf(build: BuildResult['build'], config: RecheckConfig): string {
  if (build.refUrl) return build.refUrl;
  const base = config.gerrit.changeUrl ?? config.gerrit.url;
  return build.change !== undefined && base ? `${base}/${build.change}` : (build.ref ?? build.uuid);
}

/** The channels a result goes to, with their texts (elastic-recheck routing, per project). */
export function planReports(result: BuildResult, config: RecheckConfig, now: number): Record<string, ReportState> {
  const { build } = result;
  const at = new Date(now).toISOString();
  const explaining = result.matches.filter((m) => m.mode === 'explains');
  const event: 'positive' | 'negative' = result.stage === 'classified' && explaining.length > 0 ? 'positive' : 'negative';
  const jobs: JobBugs[] = [{ job: build.job, bugUrls: explaining.map((m) => m.bug.url) }];
  const changeUrl = changeUrlOf(build, config);
  const reports: Record<string, ReportState> = {};
  const pending = (channel: string, kind: ReportState['kind'], text: string): ReportState => ({ channel, kind, event, status: 'pending', attempts: 0, nextAttemptAt: at, text });
  const skipped = (channel: string, kind: ReportState['kind'], reason: string): ReportState => ({ channel, kind, event, status: 'skipped', attempts: 0, reason });

  if (config.gerrit.comment) {
    if (build.change === undefined || build.patchset === undefined) reports[GERRIT] = skipped(GERRIT, 'gerrit', 'the build is not for a Gerrit change');
    else if (result.stage !== 'classified') reports[GERRIT] = skipped(GERRIT, 'gerrit', 'logs were not ready; nothing to say on the change');
    else if (event === 'negative') reports[GERRIT] = skipped(GERRIT, 'gerrit', 'no known bug matched (elastic-recheck comments only when it recognizes a bug)');
    else reports[GERRIT] = pending(GERRIT, 'gerrit', gerritComment(jobs, config.gerrit.messages));
  }
  for (const hook of config.webhooks) {
    if (!hook.events.includes(event)) continue;
    if (!projectRouted(hook.projects, build.project)) continue;
    if (hook.pipelines.length && !hook.pipelines.includes(build.pipeline)) continue;
    const text =
      result.stage === 'not_ready'
        ? notReadyText(config.readiness.timeoutMs, build.job, build.change, build.patchset, build.uuid)
        : event === 'positive'
          ? chatFoundText(build.project, changeUrl, jobs)
          : chatUnrecognizedText(build.project, changeUrl, [build.job], build.pipeline);
    reports[chatChannel(hook)] = pending(chatChannel(hook), hook.type, text);
  }
  return reports;
}

/** Outbox bookkeeping: is anything left to deliver, and when is it due. */
export function withOutbox(result: BuildResult, staleMs: number): BuildResult {
  let next: number | undefined;
  for (const r of Object.values(result.reports)) {
    const due = r.status === 'pending' ? Date.parse(r.nextAttemptAt ?? result.updatedAt) : r.status === 'sending' ? Date.parse(r.claimedAt!) + staleMs : undefined;
    if (due !== undefined && (next === undefined || due < next)) next = due;
  }
  return { ...result, reportPending: next !== undefined, nextReportAt: next === undefined ? undefined : new Date(next).toISOString() };
}

export function backoffMs(attempts: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, attempts - 1));
}

export class RecheckLoop {
  private readonly now: () => number;
  private readonly secrets: string[];
  private readonly zuul?: ZuulClient;
  private readonly gerrit?: GerritClient;

  constructor(private readonly deps: LoopDeps) {
    this.now = deps.now ?? Date.now;
    const { config } = deps;
    this.secrets = configSecrets(config);
    if (config.zuul.url) this.zuul = new ZuulClient(config.zuul.url, config.zuul.timeoutMs);
    if (config.gerrit.comment && config.gerrit.url) {
      this.gerrit = new GerritClient(config.gerrit.url, config.gerrit.username ?? '', config.gerrit.password ?? '', config.gerrit.tag, config.gerrit.timeoutMs);
    }
  }

  /** A claim older than this is an interrupted delivery. */
  private get staleMs(): number {
    return 2 * this.deps.config.report.timeoutMs;
  }

  private scrub(error: unknown): string {
    return scrubSecrets(error instanceof Error ? error.message : String(error), this.secrets);
  }

  /** One full pass: intake, classify, report. Never throws; problems are in `errors` and logged. */
  async runOnce(): Promise<PassSummary> {
    const summary: PassSummary = { intake: [], classified: 0, notReady: 0, waiting: 0, sent: 0, retried: 0, failed: 0, errors: [] };
    const step = async (name: string, work: () => Promise<void>) => {
      try {
        await work();
      } catch (error) {
        const message = `${name}: ${this.scrub(error)}`;
        summary.errors.push(message);
        this.deps.logger.warn(`elastic-recheck background ${message}`);
      }
    };
    await step('intake', async () => {
      if (!this.zuul) return;
      for (const tenant of this.deps.config.zuul.tenants) {
        await step(`intake ${tenant}`, async () => {
          const s = await pollTenant({ engine: this.deps.engine, zuul: this.zuul!, config: this.deps.config, now: this.now }, tenant);
          summary.intake.push(s);
          if (s.taken) this.deps.logger.info(`took ${s.taken} failed build(s) from Zuul tenant ${tenant} (ids ${s.from}..${s.to - 1})`);
        });
      }
    });
    await step('classify', () => this.classifyStep(summary));
    await step('report', () => this.reportStep(summary));
    for (const extra of this.deps.extraSteps ?? []) await step(extra.name, extra.run);
    return summary;
  }

  async classifyStep(summary: PassSummary): Promise<void> {
    const { engine, config } = this.deps;
    await ensureResultsIndex(engine, config.results.index);
    const waiting = await waitingResults(engine, config.results.index, config.schedule.batchSize);
    if (!waiting.length) return;
    let compiled: CompiledSignature[] | undefined;
    let saidNoSignatures = false;
    const readinessConfig = { requiredFiles: config.readiness.requiredFiles, requiredFilesByJob: config.readiness.requiredFilesByJob, endMarker: config.readiness.endMarker, timeoutMs: config.readiness.timeoutMs, pollIntervalMs: config.readiness.pollIntervalMs };
    for (const hit of waiting) {
      const result = hit.source;
      const now = this.now();
      const at = new Date(now).toISOString();
      const ref = { uuid: result.build.uuid };
      const readiness = await checkReadiness(engine, ref, { index: config.logs.indexPattern, config: readinessConfig });
      let next: BuildResult;
      if (readiness.ready) {
        compiled ??= compileSignatures(await this.deps.loadSignatures());
        if (!compiled.length) {
          // classifying against nothing would call every build unexplained: the builds wait for signatures
          if (!saidNoSignatures) this.deps.logger.info('no signatures stored: builds whose logs are ready wait unclassified until signatures are imported');
          saidNoSignatures = true;
          summary.waiting++;
          continue;
        }
        const classified = await classifyBuild(engine, compiled, ref, { index: config.logs.indexPattern, purpose: 'notification' });
        if (classified.kind !== 'classified') continue; // indexed lines vanished between the two looks: try again next pass
        next = { ...result, stage: 'classified', classifiedAt: at, updatedAt: at, matches: classified.matches, explained: classified.explained };
        summary.classified++;
      } else {
        const since = Date.parse(result.build.endTime ? `${result.build.endTime}${/Z|[+-]\d\d:?\d\d$/.test(result.build.endTime) ? '' : 'Z'}` : result.takenAt);
        const attempts = (result.readiness?.attempts ?? 0) + 1;
        const state = { attempts, lastCheckAt: at, missingFiles: readiness.missingFiles, markerFound: readiness.markerFound };
        if (now - since < config.readiness.timeoutMs) {
          await replaceDoc(engine, config.results.index, hit.id, { ...result, readiness: state, updatedAt: at }, hit);
          summary.waiting++;
          continue;
        }
        next = { ...result, stage: 'not_ready', readiness: state, updatedAt: at };
        summary.notReady++;
      }
      next.reports = planReports(next, config, now);
      // compare-and-set: if another instance got here first, its result stands
      await replaceDoc(engine, config.results.index, hit.id, withOutbox(next, this.staleMs), hit, true);
    }
  }

  async reportStep(summary: PassSummary): Promise<void> {
    const { engine, config } = this.deps;
    await ensureResultsIndex(engine, config.results.index);
    const due = await dueReports(engine, config.results.index, this.now(), config.schedule.batchSize);
    for (const hit of due) await this.deliverResult(hit, summary);
  }

  private async deliverResult(hit: ResultHit, summary: PassSummary): Promise<void> {
    const { config } = this.deps;
    let version: { seqNo: number; primaryTerm: number } = hit;
    let result = hit.source;
    for (const channel of Object.keys(result.reports)) {
      const state = result.reports[channel];
      const now = this.now();
      const dueNow = state.status === 'pending' && Date.parse(state.nextAttemptAt ?? result.updatedAt) <= now;
      const interrupted = state.status === 'sending' && Date.parse(state.claimedAt!) + this.staleMs <= now;
      if (!dueNow && !interrupted) continue;

      if (interrupted) {
        const settled = await this.settleInterrupted(result, state);
        if (settled) {
          const written = await this.write(hit.id, { ...result, reports: { ...result.reports, [channel]: settled } }, version);
          if (!written) return;
          ({ result, version } = written);
          if (settled.status === 'sent') summary.sent++;
          if (settled.status === 'failed') summary.failed++;
          if (settled.status !== 'pending' || Date.parse(settled.nextAttemptAt!) > this.now()) continue;
        } else continue;
      }

      // claim
      const current = result.reports[channel];
      const at = new Date(now).toISOString();
      const claim: ReportState = { ...current, status: 'sending', claimedAt: at, attempts: current.attempts + 1, firstAttemptAt: current.firstAttemptAt ?? at };
      const claimed = await this.write(hit.id, { ...result, reports: { ...result.reports, [channel]: claim } }, version);
      if (!claimed) return; // another instance is on it
      ({ result, version } = claimed);

      let outcome: ReportState;
      try {
        await this.deliver(result, claim);
        outcome = { ...claim, status: 'sent', sentAt: new Date(this.now()).toISOString(), claimedAt: undefined, lastError: undefined, nextAttemptAt: undefined };
        summary.sent++;
      } catch (error) {
        const message = this.scrub(error);
        const retryable = error instanceof DeliveryError ? error.retryable : false;
        const elapsed = this.now() - Date.parse(claim.firstAttemptAt!);
        if (retryable && elapsed < config.report.giveUpAfterMs) {
          const wait = backoffMs(claim.attempts, config.report.retryInitialMs, config.report.retryMaxMs);
          outcome = { ...claim, status: 'pending', claimedAt: undefined, lastError: message, nextAttemptAt: new Date(this.now() + wait).toISOString() };
          summary.retried++;
          this.deps.logger.debug(`report ${channel} for build ${result.build.uuid} will be retried in ${wait}ms: ${message}`);
        } else {
          outcome = {
            ...claim,
            status: 'failed',
            claimedAt: undefined,
            lastError: message,
            nextAttemptAt: undefined,
            reason: retryable ? `gave up after ${claim.attempts} attempt(s) over ${Math.round(elapsed / 1000)}s` : 'the service refused the report',
          };
          summary.failed++;
          this.deps.logger.warn(`report ${channel} for build ${result.build.uuid} failed: ${message}`);
        }
      }
      const recorded = await this.write(hit.id, { ...result, reports: { ...result.reports, [channel]: outcome } }, version);
      if (!recorded) return;
      ({ result, version } = recorded);
    }
  }

  private async write(id: string, result: BuildResult, version: { seqNo: number; primaryTerm: number }) {
    const next = withOutbox({ ...result, updatedAt: new Date(this.now()).toISOString() }, this.staleMs);
    const written = await replaceDoc(this.deps.engine, this.deps.config.results.index, id, next, version, true);
    return written ? { result: next, version: written } : null;
  }

  /** A delivery that was claimed but never recorded. Returns the settled state, or null to leave it. */
  private async settleInterrupted(result: BuildResult, state: ReportState): Promise<ReportState | null> {
    const base = { ...state, claimedAt: undefined };
    if (state.kind === 'gerrit') {
      if (!this.gerrit) return { ...base, status: 'failed', reason: 'Gerrit is no longer configured' };
      const target = { project: result.build.project, change: result.build.change!, patchset: result.build.patchset! };
      try {
        if (await this.gerrit.hasMessage(target, state.text ?? '', result.build.uuid)) return { ...base, status: 'sent', sentAt: new Date(this.now()).toISOString(), reason: 'found on the change after an interrupted delivery' };
      } catch (error) {
        return { ...base, status: 'pending', lastError: this.scrub(error), nextAttemptAt: new Date(this.now() + this.deps.config.report.retryInitialMs).toISOString() };
      }
      return { ...base, status: 'pending', nextAttemptAt: new Date(this.now()).toISOString() };
    }
    if (state.kind === 'matrix') return { ...base, status: 'pending', nextAttemptAt: new Date(this.now()).toISOString() }; // same txn id: Matrix drops a repeat
    return { ...base, status: 'failed', reason: 'delivery was interrupted and this webhook cannot tell whether it arrived; not resent to avoid a duplicate' };
  }

  private async deliver(result: BuildResult, state: ReportState): Promise<void> {
    const { config } = this.deps;
    const { build } = result;
    if (state.kind === 'gerrit') {
      if (!this.gerrit) throw new DeliveryError('Gerrit is not configured', 400);
      await this.gerrit.review({ project: build.project, change: build.change!, patchset: build.patchset! }, state.text ?? '', build.uuid);
      return;
    }
    const hook = config.webhooks.find((h) => chatChannel(h) === state.channel);
    if (!hook) throw new DeliveryError(`webhook ${state.channel} is no longer configured`, 400);
    const payload: ChatPayload = {
      event: state.event,
      text: state.text ?? '',
      build: { uuid: build.uuid, job: build.job, project: build.project, pipeline: build.pipeline, change: build.change, patchset: build.patchset, result: build.result, logUrl: build.logUrl },
      changeUrl: changeUrlOf(build, config),
      bugs: result.matches.filter((m) => m.mode === 'explains').map((m) => ({ signatureId: m.signatureId, url: m.bug.url })),
    };
    await sendWebhook(hook, payload, config.report.timeoutMs);
  }
}

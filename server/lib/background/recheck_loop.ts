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
 * Exactly once per build and channel: the claim write (status `sending`, a fresh `claimId`) happens before
 * delivery and the result write after it, both compare-and-set on the result document. The process that
 * claims remembers, per claimId, whether it has started the delivery and what came of it, so an engine
 * that dies between the steps costs nothing: once it is back, the claim is settled from that memory. A
 * claim whose process died (host killed) is settled after it is stale: Gerrit is asked whether the comment
 * with this build's tag is on the change; Matrix is re-sent with the same transaction id and generic
 * webhooks with the same Idempotency-Key (both drop a repeat); a Slack webhook cannot tell, so it is marked
 * failed rather than risk a duplicate. A delivery that got no answer (time-out) is treated the same way:
 * Gerrit retries look on the change first, Slack is not retried. docs/api.md states each channel's guarantee.
 */
import { randomUUID } from 'crypto';
import type { BuildResult, ReportState } from '../../../common/api/results';
import type { Signature } from '../../../common/signature/types';
import { configSecrets, RecheckConfig, scrubSecrets, WebhookConfig } from '../../config';
import { classifyBuild } from '../classify/classify';
import { checkReadiness } from '../classify/readiness';
import { EngineClient } from '../../../lib/engine_client';
import { pollTenant, IntakeSummary } from '../intake/intake';
import { ZuulClient } from '../intake/zuul_client';
import { chatFoundText, chatUnrecognizedText, gerritComment, JobBugs, notReadyText } from '../report/messages';
import { ChatPayload, deliveryIdOf, DeliveryError, GerritClient, sendWebhook } from '../report/senders';
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
  /** Called after each step of a report (fault-injection tests stop the "host" here). */
  checkpoint?: (step: ReportStep, at: { uuid: string; channel: string }) => Promise<void> | void;
}

export type ReportStep = 'claimed' | 'delivered' | 'recorded';

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
  const event: 'positive' | 'negative' =
    result.stage === 'classified' && explaining.length > 0 ? 'positive' : 'negative';
  const jobs: JobBugs[] = [{ job: build.job, bugUrls: explaining.map((m) => m.bug.url) }];
  const changeUrl = changeUrlOf(build, config);
  const reports: Record<string, ReportState> = {};
  const pending = (channel: string, kind: ReportState['kind'], text: string): ReportState => ({
    channel,
    kind,
    event,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: at,
    text,
  });
  const skipped = (channel: string, kind: ReportState['kind'], reason: string): ReportState => ({
    channel,
    kind,
    event,
    status: 'skipped',
    attempts: 0,
    reason,
  });

  if (config.gerrit.comment) {
    if (build.change === undefined || build.patchset === undefined)
      reports[GERRIT] = skipped(GERRIT, 'gerrit', 'the build is not for a Gerrit change');
    else if (result.stage !== 'classified')
      reports[GERRIT] = skipped(GERRIT, 'gerrit', 'logs were not ready; nothing to say on the change');
    else if (event === 'negative')
      reports[GERRIT] = skipped(
        GERRIT,
        'gerrit',
        'no known bug matched (elastic-recheck comments only when it recognizes a bug)',
      );
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
    const due =
      r.status === 'pending'
        ? Date.parse(r.nextAttemptAt ?? result.updatedAt)
        : r.status === 'sending'
          ? Date.parse(r.claimedAt!) + staleMs
          : undefined;
    if (due !== undefined && (next === undefined || due < next)) next = due;
  }
  return {
    ...result,
    reportPending: next !== undefined,
    nextReportAt: next === undefined ? undefined : new Date(next).toISOString(),
  };
}

export function backoffMs(attempts: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, attempts - 1));
}

export class RecheckLoop {
  private readonly now: () => number;
  private readonly secrets: string[];
  private readonly zuul?: ZuulClient;
  private readonly gerrit?: GerritClient;
  /** Claims of this process whose delivery has not started: settled by resending. */
  private readonly unsent = new Set<string>();
  /** Outcomes of this process's deliveries that are not recorded yet (the engine was away). */
  private readonly outcomes = new Map<string, ReportState>();
  /** Claims this process is working on right now: never settled by this process meanwhile. */
  private readonly inFlight = new Set<string>();

  constructor(private readonly deps: LoopDeps) {
    this.now = deps.now ?? Date.now;
    const { config } = deps;
    this.secrets = configSecrets(config);
    if (config.zuul.url) this.zuul = new ZuulClient(config.zuul.url, config.zuul.timeoutMs);
    if (config.gerrit.comment && config.gerrit.url) {
      this.gerrit = new GerritClient(
        config.gerrit.url,
        config.gerrit.username ?? '',
        config.gerrit.password ?? '',
        config.gerrit.tag,
        config.gerrit.timeoutMs,
      );
    }
  }

  /**
   * The step wrote a result document: the writes go without a forced refresh (`refresh=true` was 83 % of
   * the intake's time, README "Performance"), and the step ends with one refresh of the results index so
   * the next step's searches (waiting results, due reports) and the results page see them. Within a step
   * each write carries the version of the previous one (compare-and-set), so no search is involved, and a
   * stale search after a failed refresh only costs a refused write (409), never a second delivery.
   */
  private written = false;

  private async afterWrites(work: () => Promise<void>): Promise<void> {
    this.written = false;
    try {
      await work();
    } finally {
      if (this.written) {
        this.written = false;
        await this.deps.engine
          .request({ method: 'POST', path: `/${encodeURIComponent(this.deps.config.results.index)}/_refresh` })
          .catch((error) => this.deps.logger.warn(`elastic-recheck results refresh: ${this.scrub(error)}`));
      }
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
    const summary: PassSummary = {
      intake: [],
      classified: 0,
      notReady: 0,
      waiting: 0,
      sent: 0,
      retried: 0,
      failed: 0,
      errors: [],
    };
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
          const s = await pollTenant(
            { engine: this.deps.engine, zuul: this.zuul!, config: this.deps.config, now: this.now },
            tenant,
          );
          summary.intake.push(s);
          if (s.taken)
            this.deps.logger.info(
              `took ${s.taken} failed build(s) from Zuul tenant ${tenant} (ids ${s.from}..${s.to - 1})`,
            );
        });
      }
    });
    await step('classify', () => this.afterWrites(() => this.classifyStep(summary)));
    await step('report', () => this.afterWrites(() => this.reportStep(summary)));
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
    const readinessConfig = {
      requiredFiles: config.readiness.requiredFiles,
      requiredFilesByJob: config.readiness.requiredFilesByJob,
      endMarker: config.readiness.endMarker,
      timeoutMs: config.readiness.timeoutMs,
      pollIntervalMs: config.readiness.pollIntervalMs,
    };
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
          if (!saidNoSignatures)
            this.deps.logger.info(
              'no signatures stored: builds whose logs are ready wait unclassified until signatures are imported',
            );
          saidNoSignatures = true;
          summary.waiting++;
          continue;
        }
        const classified = await classifyBuild(engine, compiled, ref, {
          index: config.logs.indexPattern,
          purpose: 'notification',
          // the background engine is the internal user: it keeps the percolator index of the current
          // signature set, which on-demand classification then only reads (classify.ts)
          percolatorWrites: true,
        });
        if (classified.kind !== 'classified') continue; // indexed lines vanished between the two looks: try again next pass
        next = {
          ...result,
          stage: 'classified',
          classifiedAt: at,
          updatedAt: at,
          matches: classified.matches,
          explained: classified.explained,
        };
        summary.classified++;
      } else {
        const since = Date.parse(
          result.build.endTime
            ? `${result.build.endTime}${/Z|[+-]\d\d:?\d\d$/.test(result.build.endTime) ? '' : 'Z'}`
            : result.takenAt,
        );
        const attempts = (result.readiness?.attempts ?? 0) + 1;
        const state = {
          attempts,
          lastCheckAt: at,
          missingFiles: readiness.missingFiles,
          markerFound: readiness.markerFound,
        };
        if (now - since < config.readiness.timeoutMs) {
          this.written = true;
          await replaceDoc(engine, config.results.index, hit.id, { ...result, readiness: state, updatedAt: at }, hit);
          summary.waiting++;
          continue;
        }
        next = { ...result, stage: 'not_ready', readiness: state, updatedAt: at };
        summary.notReady++;
      }
      next.reports = planReports(next, config, now);
      // compare-and-set: if another instance got here first, its result stands
      this.written = true;
      await replaceDoc(engine, config.results.index, hit.id, withOutbox(next, this.staleMs), hit);
    }
  }

  async reportStep(summary: PassSummary): Promise<void> {
    const { engine, config } = this.deps;
    await ensureResultsIndex(engine, config.results.index);
    const due = await dueReports(engine, config.results.index, this.now(), config.schedule.batchSize);
    for (const hit of due) await this.deliverResult(hit, summary);
  }

  private async deliverResult(hit: ResultHit, summary: PassSummary): Promise<void> {
    let version: { seqNo: number; primaryTerm: number } = hit;
    let result = hit.source;
    for (const channel of Object.keys(result.reports)) {
      const state = result.reports[channel];
      const now = this.now();
      const dueNow = state.status === 'pending' && Date.parse(state.nextAttemptAt ?? result.updatedAt) <= now;
      const ours = state.claimId !== undefined && (this.unsent.has(state.claimId) || this.outcomes.has(state.claimId));
      const interrupted =
        state.status === 'sending' &&
        !(state.claimId && this.inFlight.has(state.claimId)) &&
        (ours || Date.parse(state.claimedAt!) + this.staleMs <= now);
      if (!dueNow && !interrupted) continue;

      if (interrupted) {
        const settled = await this.settleInterrupted(result, state);
        if (settled) {
          const written = await this.write(
            hit.id,
            { ...result, reports: { ...result.reports, [channel]: settled } },
            version,
          );
          if (!written) return;
          if (state.claimId) this.forget(state.claimId);
          ({ result, version } = written);
          if (settled.status === 'sent') summary.sent++;
          if (settled.status === 'failed') summary.failed++;
          if (settled.status !== 'pending' || Date.parse(settled.nextAttemptAt!) > this.now()) continue;
        } else continue;
      }

      // claim: the id is remembered as "not sent" before the write, so that this process can settle its own
      // claim even when the write's answer is lost (engine killed) and the claim is stored anyway
      const current = result.reports[channel];
      const at = new Date(now).toISOString();
      const claimId = randomUUID();
      const claim: ReportState = {
        ...current,
        status: 'sending',
        claimedAt: at,
        claimId,
        attempts: current.attempts + 1,
        firstAttemptAt: current.firstAttemptAt ?? at,
      };
      const where = { uuid: result.build.uuid, channel };
      this.unsent.add(claimId);
      this.inFlight.add(claimId);
      try {
        const claimed = await this.write(
          hit.id,
          { ...result, reports: { ...result.reports, [channel]: claim } },
          version,
        );
        if (!claimed) {
          this.forget(claimId);
          return; // another instance is on it
        }
        ({ result, version } = claimed);
        await this.deps.checkpoint?.('claimed', where);

        this.unsent.delete(claimId);
        const outcome = await this.attempt(result, claim, summary);
        this.outcomes.set(claimId, outcome); // known here even if recording it fails
        await this.deps.checkpoint?.('delivered', where);

        const recorded = await this.write(
          hit.id,
          { ...result, reports: { ...result.reports, [channel]: outcome } },
          version,
        );
        this.outcomes.delete(claimId);
        if (!recorded) return;
        ({ result, version } = recorded);
        await this.deps.checkpoint?.('recorded', where);
      } finally {
        this.inFlight.delete(claimId);
      }
    }
  }

  private forget(claimId: string): void {
    this.unsent.delete(claimId);
    this.outcomes.delete(claimId);
  }

  /** One delivery attempt of a claimed report; the state to record. */
  private async attempt(result: BuildResult, claim: ReportState, summary: PassSummary): Promise<ReportState> {
    const { config } = this.deps;
    const { channel } = claim;
    const done = { claimedAt: undefined, claimId: undefined };
    try {
      const found = await this.deliver(result, claim);
      summary.sent++;
      return {
        ...claim,
        ...done,
        status: 'sent',
        sentAt: new Date(this.now()).toISOString(),
        lastError: undefined,
        nextAttemptAt: undefined,
        ...(found ? { reason: 'found on the change from an earlier attempt' } : {}),
      };
    } catch (error) {
      const message = this.scrub(error);
      const uncertain = error instanceof DeliveryError && error.uncertain;
      const retryable = error instanceof DeliveryError ? error.retryable : false;
      const elapsed = this.now() - Date.parse(claim.firstAttemptAt!);
      if (uncertain && claim.kind === 'slack') {
        // a Slack webhook cannot be asked whether the message arrived, and a resend could post it twice
        summary.failed++;
        return {
          ...claim,
          ...done,
          status: 'failed',
          lastError: message,
          nextAttemptAt: undefined,
          reason: 'no answer, so the message may have arrived; not resent to avoid a duplicate',
        };
      }
      if (retryable && elapsed < config.report.giveUpAfterMs) {
        const wait = backoffMs(claim.attempts, config.report.retryInitialMs, config.report.retryMaxMs);
        summary.retried++;
        this.deps.logger.debug(
          `report ${channel} for build ${result.build.uuid} will be retried in ${wait}ms: ${message}`,
        );
        return {
          ...claim,
          ...done,
          status: 'pending',
          lastError: message,
          nextAttemptAt: new Date(this.now() + wait).toISOString(),
        };
      }
      summary.failed++;
      this.deps.logger.warn(`report ${channel} for build ${result.build.uuid} failed: ${message}`);
      return {
        ...claim,
        ...done,
        status: 'failed',
        lastError: message,
        nextAttemptAt: undefined,
        reason: retryable
          ? `gave up after ${claim.attempts} attempt(s) over ${Math.round(elapsed / 1000)}s`
          : 'the service refused the report',
      };
    }
  }

  private async write(id: string, result: BuildResult, version: { seqNo: number; primaryTerm: number }) {
    const next = withOutbox({ ...result, updatedAt: new Date(this.now()).toISOString() }, this.staleMs);
    this.written = true;
    const written = await replaceDoc(this.deps.engine, this.deps.config.results.index, id, next, version);
    return written ? { result: next, version: written } : null;
  }

  /** A delivery that was claimed but never recorded. Returns the settled state, or null to leave it. */
  private async settleInterrupted(result: BuildResult, state: ReportState): Promise<ReportState | null> {
    const base = { ...state, claimedAt: undefined, claimId: undefined };
    // this process made the claim: it knows whether it sent
    if (state.claimId && this.unsent.has(state.claimId))
      return { ...base, status: 'pending', nextAttemptAt: new Date(this.now()).toISOString() };
    const known = state.claimId ? this.outcomes.get(state.claimId) : undefined;
    if (known) return known;
    if (state.kind === 'gerrit') {
      if (!this.gerrit) return { ...base, status: 'failed', reason: 'Gerrit is no longer configured' };
      const target = { project: result.build.project, change: result.build.change!, patchset: result.build.patchset! };
      try {
        if (await this.gerrit.hasMessage(target, state.text ?? '', result.build.uuid))
          return {
            ...base,
            status: 'sent',
            sentAt: new Date(this.now()).toISOString(),
            reason: 'found on the change after an interrupted delivery',
          };
      } catch (error) {
        return {
          ...base,
          status: 'pending',
          lastError: this.scrub(error),
          nextAttemptAt: new Date(this.now() + this.deps.config.report.retryInitialMs).toISOString(),
        };
      }
      return { ...base, status: 'pending', nextAttemptAt: new Date(this.now()).toISOString() };
    }
    // same transaction id / Idempotency-Key: the receiver drops a repeat
    if (state.kind === 'matrix' || state.kind === 'json')
      return { ...base, status: 'pending', nextAttemptAt: new Date(this.now()).toISOString() };
    return {
      ...base,
      status: 'failed',
      reason:
        'delivery was interrupted and this webhook cannot tell whether it arrived; not resent to avoid a duplicate',
    };
  }

  /** Delivers one report; true when an earlier attempt turned out to have arrived (nothing sent now). */
  private async deliver(result: BuildResult, state: ReportState): Promise<boolean> {
    const { config } = this.deps;
    const { build } = result;
    if (state.kind === 'gerrit') {
      if (!this.gerrit) throw new DeliveryError('Gerrit is not configured', 400);
      const target = { project: build.project, change: build.change!, patchset: build.patchset! };
      // a retry: an earlier attempt may have arrived without an answer (time-out); look on the change first
      if (state.attempts > 1 && (await this.gerrit.hasMessage(target, state.text ?? '', build.uuid))) return true;
      await this.gerrit.review(target, state.text ?? '', build.uuid);
      return false;
    }
    const hook = config.webhooks.find((h) => chatChannel(h) === state.channel);
    if (!hook) throw new DeliveryError(`webhook ${state.channel} is no longer configured`, 400);
    const payload: ChatPayload = {
      event: state.event,
      text: state.text ?? '',
      build: {
        uuid: build.uuid,
        job: build.job,
        project: build.project,
        pipeline: build.pipeline,
        change: build.change,
        patchset: build.patchset,
        result: build.result,
        logUrl: build.logUrl,
      },
      changeUrl: changeUrlOf(build, config),
      bugs: result.matches
        .filter((m) => m.mode === 'explains')
        .map((m) => ({ signatureId: m.signatureId, url: m.bug.url })),
      deliveryId: deliveryIdOf(build.uuid, state.channel),
    };
    await sendWebhook(hook, payload, config.report.timeoutMs);
    return false;
  }
}

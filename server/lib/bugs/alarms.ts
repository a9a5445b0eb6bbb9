/*
 * Regression and spike alarms, raised by the background pass and sent once per event to the chat
 * channels (docs/api.md "Alarms"):
 *  - regression: a signature whose bug is fixed explained a failed build that ended after the fix (the
 *    tracker's fix date, else when we first saw the bug fixed). One alarm per signature and fix
 *    (id `alarm:regression:<sig>:<fix date>`);
 *  - spike: a signature's failed builds in the last day exceed `spikeFactor` x its usual daily rate
 *    (the `usualDays` before) and `spikeMinFailures`. One alarm per signature and UTC day.
 * Alarms are created with op_type=create, so an event is raised once whatever the number of passes or
 * instances. Delivery per channel is claimed (compare-and-set) before sending and recorded after, as
 * for build reports (recheck_loop.ts): an interrupted delivery is re-sent only to Matrix (same
 * transaction id); Slack and generic webhooks are marked failed rather than risk a duplicate.
 */
import { Alarm, AlarmChannelState, AlarmEvidence, bugKey, bugTitleText } from '../../../common/api/bugs';
import type { BuildResult } from '../../../common/api/results';
import type { Signature } from '../../../common/signature/types';
import { configSecrets, RecheckConfig, scrubSecrets, WebhookConfig } from '../../config';
import { EngineClient, search } from '../../../lib/engine_client';
import { createDoc, ensureIndex, replaceDoc, STATE_MAPPINGS } from '../background/store';
import { projectRouted } from '../background/recheck_loop';
import { ChatPayload, DeliveryError, sendWebhook } from '../report/senders';
import { backoff, readBugCache } from './bug_cache';

export interface AlarmDeps {
  engine: EngineClient;
  config: RecheckConfig;
  now: () => number;
  logger: { warn(m: string): void; debug(m: string): void };
}

const DAY_MS = 86400000;
const MAX_EVIDENCE = 5;
const channelOf = (hook: WebhookConfig) => `chat:${hook.name}`;

function evidenceOf(r: BuildResult, signatureId: string): AlarmEvidence {
  const m = r.matches.find((x) => x.signatureId === signatureId);
  const b = r.build;
  return {
    uuid: b.uuid,
    job: b.job,
    project: b.project,
    change: b.change,
    patchset: b.patchset,
    logUrl: b.logUrl ?? m?.lines[0]?.link,
    line: m?.lines[0]?.line,
    at: b.endTime ?? r.classifiedAt,
  };
}

/** Channels an alarm goes to: `positive` webhooks whose projects cover a build's project or one of the bug's projects. */
export function alarmChannels(config: RecheckConfig, projects: string[]): string[] {
  return config.webhooks
    .filter((h) => h.events.includes('positive') && projects.some((p) => projectRouted(h.projects, p)))
    .map(channelOf);
}

async function classifiedResults(deps: AlarmDeps, filter: object[], size: number): Promise<BuildResult[]> {
  const res = await search<BuildResult>(
    deps.engine,
    deps.config.results.index,
    {
      size,
      query: { bool: { filter: [{ term: { stage: 'classified' } }, ...filter] } },
      sort: [{ classifiedAt: 'asc' }],
    },
    { ignore_unavailable: true, allow_no_indices: true },
  );
  return res.hits.hits.map((h: any) => h._source as BuildResult);
}

async function create(deps: AlarmDeps, alarm: Alarm): Promise<boolean> {
  const at = new Date(deps.now()).toISOString();
  // the alarm is nested: the state index's own `kind` field says what the document is
  const doc = { kind: 'alarm', updatedAt: at, alarm };
  return createDoc(deps.engine, deps.config.state.index, alarm.id, JSON.parse(JSON.stringify(doc)), true);
}

/** Looks for new events; returns the alarms it created. */
export async function raiseAlarms(deps: AlarmDeps, signatures: Signature[]): Promise<Alarm[]> {
  const { config, engine } = deps;
  await ensureIndex(engine, config.state.index, STATE_MAPPINGS);
  const bugs = await readBugCache(engine, config.state.index);
  const now = deps.now();
  const at = new Date(now).toISOString();
  const raised: Alarm[] = [];
  const pending = (channels: string[]): Record<string, AlarmChannelState> =>
    Object.fromEntries(channels.map((c) => [c, { status: 'pending', attempts: 0, nextAttemptAt: at }]));

  if (config.bugs.alarms.regression) {
    for (const s of signatures) {
      const bug = bugs.get(bugKey(s.bug));
      const since = bug?.fixedAt ?? bug?.statusSince;
      if (!bug || bug.status !== 'fixed' || !since || s.mode !== 'explains') continue;
      const hits = await classifiedResults(
        deps,
        [
          { term: { 'matches.signatureId': s.id } },
          { range: { 'build.endTime': { gte: Date.parse(since), format: 'epoch_millis' } } },
        ],
        MAX_EVIDENCE,
      );
      if (!hits.length) continue;
      const evidence = hits.map((r) => evidenceOf(r, s.id));
      const title = bugTitleText(bug);
      const text = `Regression: bug ${s.bug.url} (${title}) is ${bug.trackerStatus ?? 'fixed'} but signature ${s.id} matched failed build(s) again: ${evidence.map((e) => `${e.job} ${e.logUrl ?? e.uuid}${e.line ? ` "${e.line.slice(0, 200)}"` : ''}`).join(', ')}`;
      const alarm: Alarm = {
        id: `alarm:regression:${s.id}:${since}`,
        kind: 'regression',
        signatureId: s.id,
        bug: s.bug,
        bugTitle: bug.title,
        bugStatus: bug.status,
        raisedAt: at,
        text,
        evidence,
        reports: pending(alarmChannels(config, [...evidence.map((e) => e.project), ...bug.tasks.map((t) => t.target)])),
      };
      if (await create(deps, alarm)) raised.push(alarm);
    }
  }

  const { spikeFactor, spikeMinFailures, usualDays } = config.bugs.alarms;
  const res = await search(
    engine,
    config.results.index,
    {
      size: 0,
      query: {
        bool: {
          filter: [
            { term: { stage: 'classified' } },
            { range: { 'build.endTime': { gte: now - (usualDays + 1) * DAY_MS, lt: now, format: 'epoch_millis' } } },
          ],
        },
      },
      aggs: {
        sigs: {
          terms: { field: 'matches.signatureId', size: 10000 },
          aggs: { last: { filter: { range: { 'build.endTime': { gte: now - DAY_MS, format: 'epoch_millis' } } } } },
        },
      },
    },
    { ignore_unavailable: true, allow_no_indices: true },
  );
  const byId = new Map(signatures.map((s) => [s.id, s]));
  for (const b of (res.aggregations?.sigs?.buckets ?? []) as any[]) {
    const s = byId.get(b.key);
    if (!s || s.mode !== 'explains') continue;
    const lastDay: number = b.last.doc_count;
    const usualPerDay = (b.doc_count - lastDay) / usualDays;
    if (lastDay < spikeMinFailures || lastDay <= spikeFactor * usualPerDay) continue;
    const hits = await classifiedResults(
      deps,
      [
        { term: { 'matches.signatureId': s.id } },
        { range: { 'build.endTime': { gte: now - DAY_MS, lt: now, format: 'epoch_millis' } } },
      ],
      MAX_EVIDENCE,
    );
    const evidence = hits.map((r) => evidenceOf(r, s.id));
    const bug = bugs.get(bugKey(s.bug));
    const text = `Spike: signature ${s.id} (bug ${s.bug.url}${bug?.title ? `, ${bug.title}` : ''}) matched ${lastDay} failed builds in the last day, usually ${usualPerDay.toFixed(1)} a day: ${evidence.map((e) => `${e.job} ${e.logUrl ?? e.uuid}`).join(', ')}`;
    const alarm: Alarm = {
      id: `alarm:spike:${s.id}:${at.slice(0, 10)}`,
      kind: 'spike',
      signatureId: s.id,
      bug: s.bug,
      bugTitle: bug?.title,
      bugStatus: bug?.status,
      raisedAt: at,
      lastDay,
      usualPerDay,
      factor: usualPerDay ? lastDay / usualPerDay : undefined,
      text,
      evidence,
      reports: pending(
        alarmChannels(config, [...evidence.map((e) => e.project), ...(bug?.tasks ?? []).map((t) => t.target)]),
      ),
    };
    if (await create(deps, alarm)) raised.push(alarm);
  }
  return raised;
}

interface AlarmHit {
  id: string;
  source: Alarm;
  seqNo: number;
  primaryTerm: number;
}

export async function listAlarms(engine: EngineClient, stateIndex: string, size = 1000): Promise<AlarmHit[]> {
  const res = await search<Alarm>(
    engine,
    stateIndex,
    { size, query: { term: { kind: 'alarm' } }, sort: [{ updatedAt: 'desc' }], seq_no_primary_term: true },
    { ignore_unavailable: true, allow_no_indices: true },
  );
  return res.hits.hits.map((h: any) => ({
    id: h._id,
    source: h._source.alarm as Alarm,
    seqNo: h._seq_no,
    primaryTerm: h._primary_term,
  }));
}

/** Sends every due alarm report; each channel claimed before sending and recorded after. */
export async function deliverAlarms(deps: AlarmDeps): Promise<{ sent: number; retried: number; failed: number }> {
  const { config, engine } = deps;
  const out = { sent: 0, retried: 0, failed: 0 };
  const secrets = configSecrets(config);
  const staleMs = 2 * config.report.timeoutMs;
  for (const hit of await listAlarms(engine, config.state.index)) {
    let alarm = hit.source;
    let version: { seqNo: number; primaryTerm: number } = hit;
    const write = async (channel: string, state: AlarmChannelState) => {
      const next = { ...alarm, reports: { ...alarm.reports, [channel]: state } };
      const v = await replaceDoc(
        engine,
        config.state.index,
        hit.id,
        { kind: 'alarm', updatedAt: new Date(deps.now()).toISOString(), alarm: JSON.parse(JSON.stringify(next)) },
        version,
        true,
      );
      if (v) {
        alarm = next;
        version = v;
      }
      return v !== null;
    };
    for (const [channel, state] of Object.entries(alarm.reports)) {
      const now = deps.now();
      const hook = config.webhooks.find((h) => channelOf(h) === channel);
      if (state.status === 'sending' && Date.parse(state.claimedAt!) + staleMs <= now) {
        // interrupted: only Matrix can be re-sent safely (same transaction id)
        const settled: AlarmChannelState =
          hook?.type === 'matrix'
            ? { ...state, status: 'pending', claimedAt: undefined, nextAttemptAt: new Date(now).toISOString() }
            : {
                ...state,
                status: 'failed',
                claimedAt: undefined,
                lastError:
                  'delivery was interrupted and this webhook cannot tell whether it arrived; not resent to avoid a duplicate',
              };
        if (!(await write(channel, settled))) break;
        if (settled.status === 'failed') {
          out.failed++;
          continue;
        }
      }
      const current = alarm.reports[channel];
      if (current.status !== 'pending' || Date.parse(current.nextAttemptAt ?? alarm.raisedAt) > now) continue;
      const claim: AlarmChannelState = {
        ...current,
        status: 'sending',
        attempts: current.attempts + 1,
        claimedAt: new Date(now).toISOString(),
      };
      if (!(await write(channel, claim))) break; // another instance is on it
      let outcome: AlarmChannelState;
      try {
        if (!hook) throw new DeliveryError(`webhook ${channel} is no longer configured`, 400);
        const first = alarm.evidence[0];
        const payload: ChatPayload & { alarm: Alarm } = {
          event: 'positive',
          text: alarm.text,
          // the alarm id stands for the build: it keys Matrix's transaction id, so a repeat is dropped
          build: {
            uuid: alarm.id,
            job: first?.job ?? '',
            project: first?.project ?? '',
            pipeline: '',
            change: first?.change,
            patchset: first?.patchset,
            result: 'ALARM',
            logUrl: first?.logUrl,
          },
          bugs: [{ signatureId: alarm.signatureId, url: alarm.bug.url }],
          alarm: { ...alarm, reports: {} },
        };
        await sendWebhook(hook, payload, config.report.timeoutMs);
        outcome = {
          ...claim,
          status: 'sent',
          claimedAt: undefined,
          sentAt: new Date(deps.now()).toISOString(),
          lastError: undefined,
        };
        out.sent++;
      } catch (error) {
        const message = scrubSecrets(error instanceof Error ? error.message : String(error), secrets);
        const retryable =
          error instanceof DeliveryError &&
          error.retryable &&
          deps.now() - Date.parse(alarm.raisedAt) < config.report.giveUpAfterMs;
        outcome = retryable
          ? {
              ...claim,
              status: 'pending',
              claimedAt: undefined,
              lastError: message,
              nextAttemptAt: new Date(
                deps.now() + backoff(claim.attempts, config.report.retryInitialMs, config.report.retryMaxMs),
              ).toISOString(),
            }
          : { ...claim, status: 'failed', claimedAt: undefined, lastError: message };
        if (retryable) out.retried++;
        else out.failed++;
        deps.logger.debug(`alarm ${alarm.id} to ${channel}: ${message}`);
      }
      if (!(await write(channel, outcome))) break;
    }
  }
  return out;
}

/* Typed API answers for component tests (shapes from common/api). */
import type { RatesResult, SignatureRate } from '../../common/api/rates';
import type { UncategorizedResult, UnexplainedBuild } from '../../common/api/uncategorized';
import type { SignatureListResponse, StoredSignature } from '../../common/api/signatures';
import type { PreviewResponse } from '../../common/api/preview';
import type { BuildResult } from '../../common/api/results';
import type { ClassifyResult } from '../../common/api/classify';

const H = 3600000;
export const END = Date.parse('2026-11-20T12:00:00Z');

export function rate(id: string, failed24: number, failed: number, extra: Partial<SignatureRate> = {}): SignatureRate {
  return {
    signatureId: id,
    bug: { tracker: 'launchpad', id, url: `https://bugs.launchpad.net/bugs/${id}` },
    title: `Bug title ${id}`,
    mode: 'explains',
    voting: true,
    hits: failed * 3,
    buildsByStatus: { FAILURE: failed },
    failedBuilds: failed,
    failedBuilds24h: failed24,
    series: failed ? [{ status: 'FAILURE', data: [[END - 2 * H, failed]] }] : [],
    topJobs: failed ? [{ job: `job-${id}`, failedBuilds: failed }] : [],
    ...extra,
  };
}

export function ratesResult(signatures: SignatureRate[]): RatesResult {
  return { start: END - 240 * H, end: END, bucketMs: H, signatures, took: 3 };
}

export function stored(id: string, extra: Partial<StoredSignature> = {}): StoredSignature {
  return {
    id,
    bug: { tracker: 'launchpad', id, url: `https://bugs.launchpad.net/bugs/${id}` },
    query: `message:"error ${id}"`,
    allowNonvoting: false,
    suppressGraph: false,
    suppressNotification: false,
    mode: 'explains',
    title: `Bug title ${id}`,
    owner: 'alice',
    created: '2026-11-01T00:00:00.000Z',
    updated: '2026-11-02T00:00:00.000Z',
    version: 'v1',
    ...extra,
  };
}

export function signatureList(
  list: StoredSignature[],
  total = list.length,
  page = 1,
  perPage = 20,
): SignatureListResponse {
  return {
    page,
    perPage,
    total,
    signatures: list.map((s, i) => ({
      ...s,
      hitsInWindow: i === 0 ? 0 : 10 * i,
      ...(i ? { lastHit: '2026-11-20T08:00:00.000Z' } : {}),
    })),
  };
}

export function unexplained(n: number, offset = 0, extra: Partial<UnexplainedBuild> = {}): UnexplainedBuild[] {
  return Array.from({ length: n }, (_, i) => ({
    uuid: `abcdef${String(offset + i).padStart(6, '0')}`,
    job: `tempest-full-${(offset + i) % 3}`,
    project: 'openstack/nova',
    status: 'FAILURE',
    timestamp: new Date(END - (offset + i) * H).toISOString(),
    logRoot: `https://logs.example.org/build/${offset + i}/`,
    change: 800000 + offset + i,
    patchset: '2',
    ...extra,
  }));
}

export function uncategorizedResult(builds: UnexplainedBuild[], page = 1, total = 45): UncategorizedResult {
  return {
    start: END - 240 * H,
    end: END,
    failedBuilds: total + 55,
    explainedBuilds: 55,
    rate: 55,
    jobs: [
      { job: 'tempest-full-0', failedBuilds: 60, explainedBuilds: 40, unexplainedBuilds: 20, rate: 66.66 },
      { job: 'tempest-full-1', failedBuilds: 40, explainedBuilds: 15, unexplainedBuilds: 25, rate: 37.5 },
    ],
    unexplained: builds,
    page,
    perPage: 20,
    took: 4,
  };
}

export function preview(extra: Partial<PreviewResponse> = {}): PreviewResponse {
  return {
    start: END - 240 * H,
    end: END,
    bucketMs: H,
    hits: 12,
    series: [
      { status: 'FAILURE', data: [[END - H, 4]] },
      { status: 'SUCCESS', data: [[END - H, 1]] },
    ],
    buildsByStatus: { FAILURE: 4, SUCCESS: 1 },
    samples: [
      {
        uuid: 'abcdef000001',
        job: 'tempest-full-1',
        status: 'FAILURE',
        file: 'job-output.txt',
        line: 'ERROR nova.compute No valid host was found',
        timestamp: '2026-11-20T10:00:00.000Z',
        link: 'https://logs.example.org/1/job-output.txt#L10',
      },
    ],
    success: {
      signatureId: 'preview',
      hitsByStatus: { FAILURE: 10, SUCCESS: 2 },
      buildsByStatus: { FAILURE: 4, SUCCESS: 1 },
      failedBuilds: 4,
      successBuilds: 1,
      precision: 0.8,
      successShare: 0.2,
      warning: true,
    },
    overlap: [{ signatureId: '2031001', sharedBuilds: 3, shareOfOther: 0.5, jaccard: 0.3 }],
    took: 5,
    ...extra,
  };
}

export function buildResult(uuid: string, extra: Partial<BuildResult> = {}): BuildResult {
  return {
    build: {
      uuid,
      tenant: 'openstack',
      zuulId: 1,
      job: 'tempest-full-1',
      result: 'FAILURE',
      voting: true,
      pipeline: 'gate',
      project: 'openstack/nova',
      change: 812345,
      patchset: '3',
      logUrl: `https://logs.example.org/${uuid}/`,
    },
    stage: 'classified',
    takenAt: '2026-11-20T11:00:00.000Z',
    updatedAt: '2026-11-20T11:05:00.000Z',
    matches: [
      {
        signatureId: '2031001',
        bug: { tracker: 'launchpad', id: '2031001', url: 'https://bugs.launchpad.net/bugs/2031001' },
        title: 'No valid host',
        mode: 'explains',
        hits: 2,
        lines: [],
      },
    ],
    explained: true,
    reports: {
      gerrit: {
        channel: 'gerrit',
        kind: 'gerrit',
        event: 'positive',
        status: 'sent',
        attempts: 1,
        sentAt: '2026-11-20T11:06:00.000Z',
      },
    },
    reportPending: false,
    ...extra,
  };
}

export function classified(lines: Array<{ line: string; link: string }>): ClassifyResult {
  return {
    kind: 'classified',
    build: {
      uuid: 'abcdef123456',
      job: 'tempest-full-1',
      status: 'FAILURE',
      project: 'openstack/nova',
      change: 812345,
      patchset: '3',
      logRoot: 'javascript:alert(1)//',
    },
    matches: [
      {
        signatureId: '2031001',
        bug: { tracker: 'launchpad', id: '2031001', url: 'https://bugs.launchpad.net/bugs/2031001' },
        title: 'No valid host',
        mode: 'explains',
        hits: lines.length,
        lines: lines.map((l) => ({
          file: 'job-output.txt',
          line: l.line,
          timestamp: '2026-11-20T10:00:00.000Z',
          link: l.link,
        })),
      },
    ],
    explained: true,
    unconfirmed: [],
    suppressed: [],
    signaturesChecked: 34,
    took: 3,
    elapsedMs: 12,
  };
}

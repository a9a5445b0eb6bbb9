/*
 * Typed wrappers over the host's core.http for our REST API (style: Kibana examples' services.ts,
 * dashboards-flow-framework's route_service.ts). core.http adds the base path and the xsrf header.
 */
import { HEALTH_PATH, HealthResponse } from '../../common/api/health';
import { ACCESS_PATH, AccessResponse } from '../../common/api/access';
import { CLASSIFY_PATH, type BuildRef, type ClassifyResult } from '../../common/api/classify';
import type { PreviewRequest, PreviewResponse } from '../../common/api/preview';
import { QUERY_PREVIEW_PATH } from '../../common/api/query';
import { RATES_PATH, type RatesFilters, type RatesResult } from '../../common/api/rates';
import { RESULTS_PATH, type ResultsResponse } from '../../common/api/results';
import {
  ImportReport,
  ImportRequest,
  signatureHistoryPath,
  signaturePath,
  SignatureHistoryResponse,
  SignatureInput,
  SignatureListQuery,
  SignatureListResponse,
  SIGNATURES_EXPORT_PATH,
  SIGNATURES_IMPORT_CHECK_PATH,
  SIGNATURES_IMPORT_PATH,
  SIGNATURES_PATH,
  StoredSignature,
} from '../../common/api/signatures';
import { UNCATEGORIZED_PATH, type UncategorizedResult } from '../../common/api/uncategorized';
import { CLUSTERS_PATH, type ClustersQuery, type ClustersResult } from '../../common/api/clusters';
import {
  ALARMS_PATH,
  AlarmsResponse,
  BUGS_PATH,
  BugsResponse,
  CLEANUP_PATH,
  CleanupResponse,
} from '../../common/api/bugs';
import type { HttpFetchOptions, HttpSetup } from '../types/host';

export interface WindowParams extends RatesFilters {
  /** The window [from, to) in epoch ms (time_range.ts resolves the date picker's range into it). */
  from?: number;
  to?: number;
  /** A window of this many days ending now (older callers). */
  days?: number;
}

export interface ResultsParams {
  build?: string;
  change?: number;
  signature?: string;
  job?: string;
  project?: string;
  status?: string[];
  explained?: boolean;
  /** Intake time window [from, to), epoch ms. */
  from?: number;
  to?: number;
  page?: number;
  perPage?: number;
}

type Query = NonNullable<HttpFetchOptions['query']>;

/** Drops undefined values and joins lists with commas (the routes' list format). */
function query(values: Record<string, unknown>): Query {
  const out: Query = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      if (v.length) out[k] = v.join(',');
    } else out[k] = v as string | number | boolean;
  }
  return out;
}

export class ApiClient {
  constructor(private readonly http: HttpSetup) {}

  health(signal?: AbortSignal): Promise<HealthResponse> {
    return this.http.get<HealthResponse>(HEALTH_PATH, { signal });
  }

  /** What the current user may do, as the server decides it on this host. */
  access(signal?: AbortSignal): Promise<AccessResponse> {
    return this.http.get<AccessResponse>(ACCESS_PATH, { signal });
  }

  rates(params: WindowParams, signal?: AbortSignal): Promise<RatesResult> {
    return this.http.get<RatesResult>(RATES_PATH, { query: query({ ...params }), signal });
  }

  uncategorized(
    params: WindowParams & { page?: number; perPage?: number },
    signal?: AbortSignal,
  ): Promise<UncategorizedResult> {
    return this.http.get<UncategorizedResult>(UNCATEGORIZED_PATH, { query: query({ ...params }), signal });
  }

  clusters(
    params: Omit<ClustersQuery, 'window'> & { from?: number; to?: number },
    signal?: AbortSignal,
  ): Promise<ClustersResult> {
    return this.http.get<ClustersResult>(CLUSTERS_PATH, { query: query({ ...params }), signal });
  }

  signatures(params: SignatureListQuery, signal?: AbortSignal): Promise<SignatureListResponse> {
    return this.http.get<SignatureListResponse>(SIGNATURES_PATH, { query: query({ ...params }), signal });
  }

  signature(id: string, signal?: AbortSignal): Promise<StoredSignature> {
    return this.http.get<StoredSignature>(signaturePath(id), { signal });
  }

  createSignature(input: SignatureInput): Promise<StoredSignature> {
    return this.http.post<StoredSignature>(SIGNATURES_PATH, { body: JSON.stringify(input) });
  }

  updateSignature(id: string, input: Partial<SignatureInput> & { version?: string }): Promise<StoredSignature> {
    return this.http.put<StoredSignature>(signaturePath(id), { body: JSON.stringify(input) });
  }

  deleteSignature(id: string): Promise<{ deleted: string }> {
    return this.http.delete<{ deleted: string }>(signaturePath(id));
  }

  history(id: string, signal?: AbortSignal): Promise<SignatureHistoryResponse> {
    return this.http.get<SignatureHistoryResponse>(signatureHistoryPath(id), { signal });
  }

  /** The dry run (readers may): what importing these files would do. */
  checkImport(request: Omit<ImportRequest, 'dryRun'>): Promise<ImportReport> {
    return this.http.post<ImportReport>(SIGNATURES_IMPORT_CHECK_PATH, {
      body: JSON.stringify({ ...request, dryRun: true }),
    });
  }

  importFiles(request: ImportRequest): Promise<ImportReport> {
    return this.http.post<ImportReport>(SIGNATURES_IMPORT_PATH, { body: JSON.stringify(request) });
  }

  /** A link for the browser to download (the host's base path prepended). */
  exportHref(format: 'bundle' | 'zip'): string {
    return this.http.basePath.prepend(`${SIGNATURES_EXPORT_PATH}?format=${format}`);
  }

  preview(request: PreviewRequest, signal?: AbortSignal): Promise<PreviewResponse> {
    return this.http.post<PreviewResponse>(QUERY_PREVIEW_PATH, { body: JSON.stringify(request), signal });
  }

  classify(ref: BuildRef, signal?: AbortSignal): Promise<ClassifyResult> {
    return this.http.post<ClassifyResult>(CLASSIFY_PATH, { body: JSON.stringify(ref), signal });
  }

  results(params: ResultsParams, signal?: AbortSignal): Promise<ResultsResponse> {
    return this.http.get<ResultsResponse>(RESULTS_PATH, { query: query({ ...params }), signal });
  }

  /** Tracker data of the given bugs (`tracker:id`), or of every signature's bug. */
  bugs(ids?: string[], signal?: AbortSignal): Promise<BugsResponse> {
    return this.http.get<BugsResponse>(BUGS_PATH, { query: query({ ids }), signal });
  }

  cleanup(params: CleanupParams, signal?: AbortSignal): Promise<CleanupResponse> {
    return this.http.get<CleanupResponse>(CLEANUP_PATH, { query: query({ ...params }), signal });
  }

  /** The cleanup report as the list of files to delete (a download). */
  cleanupFilesHref(params: CleanupParams): string {
    const q = new URLSearchParams({ format: 'files' });
    for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
    return this.http.basePath.prepend(`${CLEANUP_PATH}?${q}`);
  }

  alarms(signal?: AbortSignal): Promise<AlarmsResponse> {
    return this.http.get<AlarmsResponse>(ALARMS_PATH, { signal });
  }
}

export interface CleanupParams {
  closedDays?: number;
  silentDays?: number;
}

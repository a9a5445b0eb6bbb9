/* Paths of the REST API routes other than signatures (see common/api/signatures.ts for those). */
import { API_BASE_PATH } from '../constants';

export const CLASSIFY_PATH = `${API_BASE_PATH}/classify`;
export const RESULTS_PATH = `${API_BASE_PATH}/results`;
export const RATES_PATH = `${API_BASE_PATH}/rates`;
export const UNCATEGORIZED_PATH = `${API_BASE_PATH}/uncategorized`;
export const QUERY_STATS_PATH = `${API_BASE_PATH}/query_stats`;
export const QUERY_VALIDATE_PATH = `${API_BASE_PATH}/query/validate`;
export const QUERY_PREVIEW_PATH = `${API_BASE_PATH}/query/preview`;

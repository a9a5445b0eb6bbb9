/*
 * `elastic-recheck cleanup --host URL`: the host's cleanup report (GET /api/elastic_recheck/cleanup,
 * docs/api.md) as a table, as JSON, or as the list of files a change to the queries repository would
 * delete (`--files`, e.g. `| xargs git rm`). It deletes nothing.
 */
import { CLEANUP_PATH, CleanupResponse } from '../common/api/bugs';
import { CallPurpose, HostClient, READ_PRIVILEGE } from './host_client';

const READ: CallPurpose = {
  action: 'read the cleanup report',
  privilege: READ_PRIVILEGE,
};

export async function fetchCleanup(
  client: HostClient,
  days: { closedDays?: number; silentDays?: number },
): Promise<CleanupResponse> {
  const q = new URLSearchParams();
  if (days.closedDays !== undefined) q.set('closedDays', String(days.closedDays));
  if (days.silentDays !== undefined) q.set('silentDays', String(days.silentDays));
  return client.json<CleanupResponse>('GET', `${CLEANUP_PATH}${q.size ? `?${q}` : ''}`, READ);
}

export function formatCleanup(r: CleanupResponse): string {
  const out: string[] = [];
  const closed = r.items.filter((i) => i.reason === 'bug_closed_and_silent');
  const silent = r.items.filter((i) => i.reason === 'silent');
  const line = (i: CleanupResponse['items'][number]) =>
    `  ${i.file}  bug ${i.bug.id} ${i.bugStatus}${i.title ? ` "${i.title}"` : ''}, last hit ${i.lastHit ?? 'none kept'}`;
  out.push(`bug fixed or invalid, no hit for ${r.closedDays} days: ${closed.length}`, ...closed.map(line));
  out.push(`no hit for ${r.silentDays} days: ${silent.length}`, ...silent.map(line));
  out.push('nothing was deleted; `--files` lists the files to remove from the queries repository');
  return out.join('\n') + '\n';
}

export function cleanupFileList(r: CleanupResponse): string {
  return r.items.map((i) => `${i.file}\n`).join('');
}

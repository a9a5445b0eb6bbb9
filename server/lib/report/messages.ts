/*
 * Report texts in elastic-recheck's wording (bot.py / elasticRecheck.py, recheckwatchbot.yaml).
 * Golden copies: shared/corpus/elastic-recheck/golden/gerrit_irc_messages.json.
 */
import type { GerritMessages } from '../../config';

export interface JobBugs {
  job: string;
  /** Bug URLs of the matched signatures; empty = unrecognized error. */
  bugUrls: string[];
}

function jobLine(j: JobBugs): string {
  return `${j.job}: ${j.bugUrls.length ? j.bugUrls.join(' ') : 'unrecognized error'}`;
}

/**
 * Stream.leave_comment: found_bug with the sorted bug list, then recheck instructions when every
 * failed job has a bug (otherwise the "unrecognized" plea), then the footer; no_bugs_found when no
 * job has a bug (elastic-recheck never posted that one; we do not either, see reportChannels).
 */
export function gerritComment(jobs: JobBugs[], messages: GerritMessages): string {
  if (!jobs.some((j) => j.bugUrls.length)) return messages.noBugsFound;
  const bugs = '- ' + jobs.map(jobLine).sort().join('\n- ');
  const fully = jobs.every((j) => j.bugUrls.length > 0);
  return [
    messages.foundBug.replace('%(bugs)s', bugs),
    fully ? messages.recheckInstructions : messages.unrecognized,
    messages.footer,
  ].join('\n');
}

/** IRC `error_found`: "<project> change: <url> failed because of: job: urls, job: unrecognized error". */
export function chatFoundText(project: string, changeUrl: string, jobs: JobBugs[]): string {
  return `${project} change: ${changeUrl} failed because of: ${jobs.map(jobLine).join(', ')}`;
}

/** IRC `new_error`: "<project> change: <url> failed <jobs> in the <queue> queue with an unrecognized error". */
export function chatUnrecognizedText(project: string, changeUrl: string, jobs: string[], queue: string): string {
  return `${project} change: ${changeUrl} failed ${jobs.join(', ')} in the ${queue} queue with an unrecognized error`;
}

/** ResultTimedOut: "Required files not ready after 1200.0s for <job> <change>,<patchset>,<uuid>". */
export function notReadyText(
  timeoutMs: number,
  job: string,
  change: number | undefined,
  patchset: string | undefined,
  uuid: string,
): string {
  const seconds = timeoutMs / 1000;
  const shown = Number.isInteger(seconds) ? seconds.toFixed(1) : String(seconds);
  return `Required files not ready after ${shown}s for ${job} ${change ?? '-'},${patchset ?? '-'},${uuid}`;
}

/*
 * URLs that come from the engine (log_url, bug links) are data: only http(s) URLs become links.
 * Anything else (javascript:, data:, vbscript:, relative tricks) is shown as plain text.
 */
export function safeHttpUrl(url: unknown): string | undefined {
  if (typeof url !== 'string' || url.length > 4096) return undefined;
  const trimmed = url.trim();
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return undefined;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
}

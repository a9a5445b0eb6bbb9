/*
 * What went wrong with a request, in words a user can act on: the engine cannot be reached, the user may not
 * do it, the input is wrong, or the server failed. Raw transport text (proxy_error, ECONNREFUSED) is never the
 * message; the server's own precise messages (bad input, permission) are kept.
 */
export type ErrorCause = 'unreachable' | 'permission' | 'bad_input' | 'not_found' | 'timeout' | 'server';

export interface DescribedError {
  cause: ErrorCause;
  /** Short name of the cause ("Engine unreachable"). */
  label: string;
  /** What happened and what to do, for the user. */
  message: string;
  status?: number;
}

const UNREACHABLE =
  /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENOTFOUND|proxy_error|engine unreachable|no living connections|connection (refused|error)|socket hang up|fetch failed/i;

/** The HTTP status and server message of a host http error (core.http's HttpFetchError) or of any error. */
function parts(e: unknown): { status?: number; text: string } {
  if (typeof e === 'string') {
    const m = /^(?:engine answered )?(\d{3})\b/.exec(e);
    return { status: m ? Number(m[1]) : undefined, text: e };
  }
  const x = e as any;
  const status: number | undefined = x?.response?.status ?? x?.body?.statusCode ?? x?.status ?? undefined;
  const text: string = x?.body?.message ?? x?.message ?? String(e);
  return { status: typeof status === 'number' ? status : undefined, text };
}

export function describeError(e: unknown, engineDown = false): DescribedError {
  const { status, text } = parts(e);
  if (UNREACHABLE.test(text) || ((status === 502 || status === 503) && !/\b4\d\d\b/.test(text)) || status === 0)
    return {
      cause: 'unreachable',
      label: 'Engine unreachable',
      message:
        'The search engine that holds the logs and signatures did not answer. Nothing was changed; try again when it is back (the header shows its state).',
      status,
    };
  if (status === 504 || /timed? ?out/i.test(text))
    return {
      cause: 'timeout',
      label: 'Timed out',
      message: `The search took too long and was stopped: try a shorter time range or fewer filters. (${text})`,
      status,
    };
  if (status === 401 || status === 403) return { cause: 'permission', label: 'Not permitted', message: text, status };
  if (status === 400) return { cause: 'bad_input', label: 'Bad input', message: text, status };
  if (status === 404) return { cause: 'not_found', label: 'Not found', message: text, status };
  if (engineDown)
    return {
      cause: 'unreachable',
      label: 'Engine unreachable',
      message: 'The server failed while the search engine is unreachable: try again when it is back.',
      status,
    };
  return {
    cause: 'server',
    label: 'Server error',
    message: `${text}${/internal server error/i.test(text) ? ' The host server log has the details.' : ''}`,
    status,
  };
}

/* Reason phrases of the error bodies the stand-in answers with, as the hosts' hapi/Boom write them. */
import http from 'http';

const BOOM_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
};

/** The reason phrase the stand-in has for a status, if any (no Node fallback: callers choose theirs). */
export const boomText = (status: number): string | undefined => BOOM_TEXT[status];

/** The reason phrase for a status: the stand-in's, else Node's, else `Error`. */
export const statusText = (status: number): string => BOOM_TEXT[status] ?? http.STATUS_CODES[status] ?? 'Error';

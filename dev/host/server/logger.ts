/* A Kibana-like logger: `[time][level][context] message`, to a sink (stdout by default, a buffer in tests). */
import type { Logger } from '../../../server/types/host';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
const ORDER: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

export interface LogRecord {
  level: LogLevel;
  context: string;
  message: string;
}

export function createLogger(context: string, sink: (r: LogRecord) => void, minLevel: LogLevel = 'info'): Logger {
  const emit = (level: LogLevel) => (message: string | Error) => {
    if (ORDER.indexOf(level) < ORDER.indexOf(minLevel)) return;
    sink({ level, context, message: message instanceof Error ? (message.stack ?? message.message) : message });
  };
  return {
    trace: emit('trace'),
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    fatal: emit('fatal'),
    get: (...parts: string[]) => createLogger([context, ...parts].filter(Boolean).join('.'), sink, minLevel),
  };
}

export function consoleSink(r: LogRecord): void {
  const line = `[${new Date().toISOString()}][${r.level.toUpperCase()}][${r.context}] ${r.message}\n`;
  (r.level === 'error' || r.level === 'fatal' || r.level === 'warn' ? process.stderr : process.stdout).write(line);
}

/*
 * Turns a line's text into the `message` logsender would index for a file of a given format, and
 * composes failure lines out of the fragments a signature needs.
 */
import { SERVICE_ERROR_MODULES, type FileSpec, type LineContext } from './catalog';
import type { Rng } from './random';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => (n < 10 ? `0${n}` : String(n));

function clock(d: Date): string {
  return `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}
function syslogDate(d: Date): string {
  return `${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${clock(d)}`;
}
function micros(d: Date, rng: Rng): string {
  return `${String(d.getUTCMilliseconds()).padStart(3, '0')}${rng.int(1000).toString().padStart(3, '0')}`;
}

/** logsender: the text after the first `|` (left-trimmed), or the whole line. */
export function logsenderMessage(line: string): string {
  const bar = line.indexOf('|');
  return bar < 0 ? line : line.slice(bar + 1).replace(/^\s+/, '');
}

/**
 * The indexed message of one line. `text` is what the noise/failure generators produce: for
 * console files it already is the part after the timestamp (`controller | ...`), for service
 * logs it is the part after `process[pid]: `.
 */
export function renderMessage(spec: FileSpec, text: string, time: number, c: LineContext, pid: number): string {
  switch (spec.format) {
    case 'console':
    case 'devstack':
    case 'custom':
      // the raw line is `<timestamp> | <text>`; logsender keeps <text>
      return text;
    case 'tempest': {
      const d = new Date(time);
      return logsenderMessage(
        `${d.toISOString().slice(0, 10)} ${clock(d)}.${String(d.getUTCMilliseconds()).padStart(3, '0')} ${text}`,
      );
    }
    case 'oslo': {
      const d = new Date(time);
      return logsenderMessage(`${syslogDate(d)}.${micros(d, c.rng)} ${c.node} ${spec.service}[${pid}]: ${text}`);
    }
    case 'syslog': {
      const d = new Date(time);
      return logsenderMessage(`${syslogDate(d)} ${c.node} ${text}`);
    }
  }
}

const FILLER_WORDS = [
  'nova',
  'cinder',
  'neutron',
  'glance',
  'default',
  'public',
  'private',
  'tempest',
  'br-int',
  'lvmdriver-1',
];

/** Text between two fragments: spacing (so no two words fuse) and sometimes a value, like real messages. */
function joiner(c: LineContext): string {
  const rng = c.rng;
  switch (rng.int(8)) {
    case 0:
      return ': ';
    case 1:
      return ` 10.${rng.int(4)}.${rng.int(256)}.${1 + rng.int(250)}:${rng.pick([5672, 3306, 8774, 9696, 8776, 22])} `;
    case 2:
      return ` ${rng.uuid()} `;
    case 3:
      return ` '${rng.pick(FILLER_WORDS)}' `;
    case 4:
      return ' - ';
    case 5:
      return ` ${rng.uuid()}: `;
    default:
      return ' ';
  }
}

/**
 * Joins the fragments a failure line needs, mostly in the order the query names them (which is how
 * people copy them from a log), with realistic values in between.
 */
export function composeFailure(spec: FileSpec, parts: string[], c: LineContext): string {
  const rng = c.rng;
  const ordered = rng.chance(0.85) ? parts : rng.shuffle(parts);
  let core = '';
  ordered.forEach((part, i) => {
    if (i > 0) core += joiner(c);
    core += part;
  });
  switch (spec.format) {
    case 'console':
      return `${rng.pick(['controller', 'controller', 'compute1'])} | ${core}`;
    case 'devstack':
    case 'custom':
      return core;
    case 'tempest':
      return `${rng.range(10000, 99999)} ERROR tempest.lib.common.rest_client [req-${rng.uuid()} req-${rng.uuid()}] ${core}`;
    case 'oslo': {
      const mod = rng.pick(SERVICE_ERROR_MODULES[spec.service] ?? [`${spec.service.replace(/-/g, '_')}.manager`]);
      return `ERROR ${mod} [None req-${rng.uuid()} tempest-Test-${rng.range(100000, 999999)} tempest-Test-${rng.range(100000, 999999)}-project-member] ${core}`;
    }
    case 'syslog':
      return rng.chance(0.8)
        ? `kernel: [${rng.range(100, 9999)}.${rng.range(100000, 999999)}] ${core}`
        : `${rng.pick([`libvirtd[${rng.range(1000, 99999)}]`, 'systemd[1]', `iscsid[${rng.range(1000, 99999)}]`])}: ${core}`;
  }
}

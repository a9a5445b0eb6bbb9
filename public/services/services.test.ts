import { safeHttpUrl } from './safe_url';
import { discoverPath, phrase } from './discover';
import { lineScore, queryFromLine, titleFromLine, TITLE_FROM_LINE_MAX } from './signature_form';
import { resolveRange, windowDays } from './time_range';
import { freshness } from './freshness';
import { describeError } from './errors';
import { highlightTerms, splitMatches } from '../components/highlight';
import { validateQuery } from '../../common/query/validate';
import { LeaveGuard } from './leave_guard';
import { blockWhileGuarded } from './router';

describe('safeHttpUrl', () => {
  it.each([
    ['https://logs.example.org/a/b.txt#L3', 'https://logs.example.org/a/b.txt#L3'],
    ['http://x.org', 'http://x.org/'],
    ['javascript:alert(1)', undefined],
    [' JavaScript:alert(1)', undefined],
    ['java\nscript:alert(1)', undefined],
    ['data:text/html,<script>alert(1)</script>', undefined],
    ['vbscript:x', undefined],
    ['//evil.example/x', undefined],
    ['/relative/path', undefined],
    [42, undefined],
  ])('%j -> %j', (input, expected) => expect(safeHttpUrl(input)).toBe(expected));
});

describe('Discover links', () => {
  it('builds the OpenSearch Dashboards data-explorer URL with _a, _g and _q', () => {
    const p = decodeURIComponent(
      discoverPath({ query: 'message:"it\'s"', dataViewId: 'logstash-logs-*', from: 'now-1d', to: 'now' }, 'osd'),
    );
    expect(p).toBe(
      "/app/data-explorer/discover#?_a=(discover:(columns:!(_source),isDirty:!f,sort:!()),metadata:(indexPattern:'logstash-logs-*',view:discover))&_g=(filters:!(),refreshInterval:(pause:!t,value:0),time:(from:now-1d,to:now))&_q=(filters:!(),query:(language:lucene,query:'message:\"it!'s\"'))",
    );
  });

  it('escapes phrase values', () => expect(phrase('build_uuid', 'a"b\\c')).toBe('build_uuid:"a\\"b\\\\c"'));
});

describe('new signature from a log line', () => {
  it('prefers exception lines over tracebacks and info lines', () => {
    expect(lineScore('oslo.messaging.exceptions.MessagingTimeout: Timed out waiting for a reply')).toBeGreaterThan(
      lineScore('ERROR something'),
    );
    expect(lineScore('Traceback (most recent call last):')).toBeLessThan(0);
    expect(
      lineScore('controller | sphinx.errors.SphinxWarning: doc/source/index.rst:12:undefined label'),
    ).toBeGreaterThan(lineScore('controller | {2} tempest.api.compute.test_servers [1.2s] ... ok'));
  });

  it('keeps the stable words and produces a valid query', () => {
    for (const [line, query] of [
      [
        '2026-11-20 ERROR nova.compute [req-1] oslo_messaging.exceptions.MessagingTimeout: Timed out waiting for a reply to message ID 4f2a9c81d',
        'message:"MessagingTimeout: Timed out waiting for a reply to message ID"',
      ],
      ['ERROR: Could not "install" packages', 'message:"Could not \\"install\\" packages"'],
      [
        'Nov 30 00:21:50.371394 np0043702067 nova-api[98593]: WARNING oslo_config.cfg [-] Deprecated: Option "auth_uri" from group "keystone_authtoken" is deprecated',
        'message:"Deprecated: Option \\"auth_uri\\" from group \\"keystone_authtoken\\" is deprecated"',
      ],
      [
        'compute1 | fatal: [controller]: UNREACHABLE! => {"changed": false}',
        'message:"fatal: [controller]: UNREACHABLE! => {\\"changed\\": false}"',
      ],
    ]) {
      expect(queryFromLine(line)).toBe(query);
      expect(validateQuery(queryFromLine(line)).ok).toBe(true);
    }
  });
});

describe('time range to window', () => {
  const now = new Date('2026-11-20T12:00:00Z');
  it.each([
    [{ from: 'now-10d', to: 'now' }, 10],
    [{ from: 'now-36h', to: 'now' }, 2],
    [{ from: 'now-1y', to: 'now' }, 90],
    [{ from: 'garbage', to: 'now' }, 10],
  ])('%j -> %d days', (range, days) => expect(windowDays(range, now)).toBe(days));

  it.each([
    [{ from: 'now-36h', to: 'now' }, '2026-11-19T00:00:00.000Z', '2026-11-20T12:00:00.000Z', 'Last 36 hours'],
    [{ from: 'now-1d', to: 'now' }, '2026-11-19T12:00:00.000Z', '2026-11-20T12:00:00.000Z', 'Last 1 day'],
    [
      { from: '2026-11-10T00:00:00.000Z', to: '2026-11-20T00:00:00.000Z' },
      '2026-11-10T00:00:00.000Z',
      '2026-11-20T00:00:00.000Z',
      '2026-11-10 to 2026-11-20 UTC',
    ],
    [
      { from: 'now-7d/d', to: 'now-2d/d' },
      '2026-11-13T00:00:00.000Z',
      '2026-11-18T23:59:59.999Z',
      '2026-11-13 to 2026-11-18 23:59 UTC',
    ],
  ])('%j resolves to an exact window and label', (range, from, to, label) => {
    expect(resolveRange(range, now)).toEqual({ ok: true, from: Date.parse(from), to: Date.parse(to), label });
  });

  it.each([
    [{ from: 'yesterdayish', to: 'now' }, 'from', 'from: "yesterdayish" is not a date or date-math expression'],
    [{ from: 'now', to: 'now-1d' }, 'to', 'to: the end of the range must be after its start'],
    [{ from: 'now-1y', to: 'now' }, 'from', 'from: the range must not exceed 90 days'],
  ])('%j is refused naming %s', (range, param, message) =>
    expect(resolveRange(range, now)).toEqual({ ok: false, param, message }),
  );
});

describe('freshness of the logs for the range shown', () => {
  const now = Date.parse('2026-11-20T12:00:00Z');
  const H = 3600000;
  const iso = (t: number) => new Date(t).toISOString();
  it('an hour-old newest line for a range ending now is normal, not a warning', () => {
    expect(freshness(iso(now - H), 'logs-*', now, { from: now - 10 * 24 * H, to: now }, 60)).toMatchObject({
      color: 'default',
      text: 'Logs up to date (newest log 60 min ago, 2026-11-20 11:00:00 UTC)',
    });
  });
  it('well past the threshold: a warning that says what it means', () => {
    expect(freshness(iso(now - 3 * H), 'logs-*', now, { from: now - 24 * H, to: now }, 60).color).toBe('warning');
  });
  it('a past range the logs cover is fine however old the newest line', () => {
    expect(freshness(iso(now - 48 * H), 'logs-*', now, { from: now - 10 * 24 * H, to: now - 3 * 24 * H })).toEqual(
      expect.objectContaining({
        color: 'default',
        text: 'Logs cover the range shown (newest log 2026-11-18 12:00:00 UTC)',
      }),
    );
  });
  it('no line in the range at all is red', () => {
    expect(freshness(iso(now - 20 * 24 * H), 'logs-*', now, { from: now - 10 * 24 * H, to: now }).color).toBe('danger');
    expect(freshness(null, 'logs-*', now).text).toBe('No log documents in logs-*');
  });
});

describe('error causes', () => {
  it.each([
    [
      { body: { statusCode: 502, message: 'engine answered 502: proxy_error: connect ECONNREFUSED 127.0.0.1:9200' } },
      'unreachable',
    ],
    ['engine unreachable at http://127.0.0.1:9200: ECONNREFUSED', 'unreachable'],
    [{ body: { statusCode: 403, message: 'needs the all privilege' } }, 'permission'],
    [{ body: { statusCode: 400, message: 'from: expected epoch ms' } }, 'bad_input'],
    [{ body: { statusCode: 504, message: 'search timed out' } }, 'timeout'],
    [{ body: { statusCode: 500, message: 'An internal server error occurred.' } }, 'server'],
  ])('%j -> %s', (error, cause) => {
    const d = describeError(error);
    expect(d.cause).toBe(cause);
    expect(d.message).not.toMatch(/ECONNREFUSED|proxy_error/);
  });
  it('a bare 500 while the health says the engine is down is the engine', () =>
    expect(
      describeError({ body: { statusCode: 500, message: 'An internal server error occurred.' } }, true).cause,
    ).toBe('unreachable'));
});

describe('title from a log line', () => {
  it.each([
    [
      '2026-11-20 10:00:00.123 12345 ERROR nova.compute.manager [req-1 admin] Instance failed to spawn',
      'Instance failed to spawn',
    ],
    [
      'controller | oslo_messaging.exceptions.MessagingTimeout: Timed out waiting for a reply to message ID 42',
      'MessagingTimeout: Timed out waiting for a reply to message ID 42',
    ],
    [
      'Nov 30 00:21:50.371394 np0043702067 nova-api[98593]: WARNING oslo_config.cfg [-] Deprecated: Option "auth_uri"',
      'Deprecated: Option "auth_uri"',
    ],
  ])('%s -> %s', (line, title) => expect(titleFromLine(line)).toBe(title));
  it('cuts a long line at a word, with an ellipsis', () => {
    const title = titleFromLine(`ERROR ${'word '.repeat(40)}end`);
    expect(title.length).toBeLessThanOrEqual(TITLE_FROM_LINE_MAX);
    expect(title).toMatch(/^word( word)+…$/);
  });
});

describe('highlighting', () => {
  it('takes positive message terms, not negated ones or other fields', () => {
    expect(
      highlightTerms('message:"No valid host" AND NOT message:ignored AND tags:console AND message:conn*'),
    ).toEqual(['No valid host', 'conn*']);
  });
  it('marks whole tokens as the standard analyzer makes them, not a term inside a longer word', () => {
    const marked = (text: string, terms: string[]) =>
      splitMatches(text, terms)
        .filter((p) => p.match)
        .map((p) => p.text);
    expect(marked('tox InvocationError: Error in nova.compute, Error.', ['Error'])).toEqual(['Error', 'Error']);
    expect(marked('nova.compute.manager compute failed', ['compute'])).toEqual(['compute']);
    expect(marked('ERRORS and error_code and ERROR', ['error'])).toEqual(['ERROR']);
    expect(marked('1.2.3 and 2 and 3', ['2'])).toEqual(['2']);
    expect(marked('connection refused, Connecting', ['conn*'])).toEqual(['conn', 'Conn']);
  });
  it('splits text into marked parts case-insensitively', () => {
    expect(splitMatches('x no  valid HOST y', ['No valid host'])).toEqual([
      { text: 'x ', match: false },
      { text: 'no  valid HOST', match: true },
      { text: ' y', match: false },
    ]);
  });
});

describe('blocking the host history while there are unsaved edits', () => {
  /** The part of a host ScopedHistory the block uses; `prompt` is what the host would ask with. */
  function hostHistory() {
    const state: { prompt?: unknown; blocks: number } = { blocks: 0 };
    const history = {
      location: { pathname: '/', search: '', hash: '' },
      length: 1,
      push: () => undefined,
      replace: () => undefined,
      go: () => undefined,
      goBack: () => undefined,
      goForward: () => undefined,
      listen: () => () => undefined,
      createHref: (l: { pathname?: string }) =>
        `/kbn/app/elasticRecheck${l.pathname === '/' ? '' : (l.pathname ?? '')}`,
      block(prompt?: unknown) {
        state.prompt = prompt;
        state.blocks++;
        return () => {
          if (state.prompt === prompt) state.prompt = undefined;
        };
      },
    };
    const ask = (pathname: string, action: string) =>
      typeof state.prompt === 'function'
        ? (state.prompt as (l: object, a: string) => unknown)({ pathname, search: '', hash: '' }, action)
        : state.prompt;
    return { history, state, ask };
  }

  it('blocks only while the guard has a message: Back and in-app moves ask, moves to other apps are onAppLeave’s', () => {
    const { history, state, ask } = hostHistory();
    const guard = new LeaveGuard();
    const stop = blockWhileGuarded(history, guard);
    expect(state.prompt).toBeUndefined();
    guard.set('Your changes are not saved.');
    expect(state.blocks).toBe(1);
    expect(ask('/app/elasticRecheck/signatures', 'POP')).toBe('Your changes are not saved.');
    expect(ask('/app/discover', 'POP')).toBe('Your changes are not saved.');
    expect(ask('/app/elasticRecheck/builds', 'PUSH')).toBe('Your changes are not saved.');
    expect(ask('/app/discover', 'PUSH')).toBeUndefined();
    // the router's own question answered "leave": the guard is cleared before it moves, so nothing asks again
    guard.set(undefined);
    expect(state.prompt).toBeUndefined();
    guard.set('Again.');
    expect(state.blocks).toBe(2);
    stop();
    expect(state.prompt).toBeUndefined();
  });

  it('does nothing on a host history without block', () => {
    const { history } = hostHistory();
    const guard = new LeaveGuard();
    const stop = blockWhileGuarded({ ...history, block: undefined }, guard);
    guard.set('x');
    expect(stop).not.toThrow();
  });
});

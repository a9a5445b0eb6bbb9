/** @jest-layer engine */
/*
 * Bug data from the four trackers, each a real HTTP server on 127.0.0.1 speaking its documented subset
 * (test/fake_services/fake_trackers.ts), cached in the real engine: titles, statuses and projects;
 * private, missing and unreachable bugs each reported as such; paging; slow answers; rate limits;
 * freshness and backoff on an injected clock; credentials never stored.
 */
import { engineRequest, engineUrl, uniqueName } from '../setup/engine';
import { FakeTrackers } from '../fake_services/fake_trackers';
import { parseConfig, RecheckConfig } from '../../server/config';
import { httpEngineClient, EngineClient } from '../../lib/engine_client';
import { readBugCache, refreshBugs } from '../../server/lib/bugs/bug_cache';
import { fetchBug, launchpadStatus, TrackerError } from '../../server/lib/bugs/trackers';
import { affectsText, bugTitleText } from '../../common/api/bugs';
import type { BugRef } from '../../common/signature/types';

let trackers: FakeTrackers;
let engine: EngineClient;
const indices: string[] = [];

const lp = (id: string): BugRef => ({ tracker: 'launchpad', id, url: `https://bugs.launchpad.net/bugs/${id}` });
const gh = (id: string): BugRef => ({
  tracker: 'github',
  id,
  url: `https://github.com/${id.replace('#', '/issues/')}`,
});
const jira = (id: string): BugRef => ({ tracker: 'jira', id, url: `https://jira.example.org/browse/${id}` });
const sb = (id: string): BugRef => ({
  tracker: 'storyboard',
  id,
  url: `https://storyboard.openstack.org/#!/story/${id}`,
});

function config(overrides: Record<string, unknown> = {}): RecheckConfig {
  const state = uniqueName('er-bugs-state');
  indices.push(state);
  const u = trackers.urls;
  return parseConfig({
    state: { index: state },
    bugs: {
      launchpad: { url: u.launchpad },
      github: { url: u.github },
      jira: { url: u.jira },
      storyboard: { url: u.storyboard },
      timeout: '300ms',
      maxAge: '6h',
      retryInitial: '1m',
      retryMax: '10m',
      ...overrides,
    },
  });
}

beforeAll(async () => {
  trackers = await new FakeTrackers().start();
  engine = httpEngineClient(engineUrl());
  trackers.launchpad.set('1708704', {
    id: '1708704',
    title: 'RPC timeout in nova-compute',
    tasks: [
      { target: 'nova', status: 'Confirmed', importance: 'High' },
      { target: 'oslo.messaging', status: 'Fix Released' },
    ],
  });
  trackers.launchpad.set('1111', {
    id: '1111',
    title: 'Fixed long ago',
    tasks: [
      { target: 'neutron', status: 'Fix Released', fixedAt: '2026-10-01T00:00:00.000Z' },
      { target: 'neutron/stable', status: 'Fix Committed', fixedAt: '2026-10-05T12:00:00.000Z' },
      { target: 'tempest', status: 'Invalid' },
    ],
  });
  trackers.launchpad.set('2222', {
    id: '2222',
    title: 'Security hole',
    private: true,
    tasks: [{ target: 'keystone', status: 'Triaged' }],
  });
  trackers.launchpad.set('3333', {
    id: '3333',
    title: 'Not a bug',
    tasks: [{ target: 'cinder', status: "Won't Fix" }],
  });
  trackers.launchpad.set('4444', {
    id: '4444',
    title: 'Affects many',
    tasks: Array.from({ length: 7 }, (_, i) => ({ target: `project-${i}`, status: i === 6 ? 'New' : 'Fix Released' })),
  });
  trackers.github.set('openstack/nova#12', {
    repo: 'openstack/nova',
    number: 12,
    title: 'Flaky resize test',
    state: 'closed',
    stateReason: 'completed',
  });
  trackers.github.set('openstack/nova#13', {
    repo: 'openstack/nova',
    number: 13,
    title: 'Wontfix',
    state: 'closed',
    stateReason: 'not_planned',
  });
  trackers.github.set('openstack/nova#14', {
    repo: 'openstack/nova',
    number: 14,
    title: 'Still broken',
    state: 'open',
  });
  trackers.jira.set('CI-7', {
    key: 'CI-7',
    summary: 'Gate timeouts',
    status: 'In Progress',
    category: 'indeterminate',
    components: ['zuul', 'nodepool'],
  });
  trackers.jira.set('CI-8', {
    key: 'CI-8',
    summary: 'Duplicate report',
    status: 'Closed',
    category: 'done',
    resolution: 'Duplicate',
  });
  trackers.jira.set('CI-9', {
    key: 'CI-9',
    summary: 'Fixed thing',
    status: 'Done',
    category: 'done',
    resolution: 'Fixed',
  });
  trackers.stories.set(2006737, {
    id: 2006737,
    title: 'os-brick iSCSI failure',
    status: 'merged',
    tasks: [
      { project: 'openstack/os-brick', status: 'merged' },
      { project: 'openstack/nova', status: 'merged' },
      { project: 'openstack/cinder', status: 'invalid' },
    ],
  });
  trackers.stories.set(2000001, { id: 2000001, title: 'Private story', status: 'active', private: true, tasks: [] });
});

afterEach(() => {
  trackers.failing.clear();
  trackers.pageSize = 75;
  trackers.release();
});

afterAll(async () => {
  await trackers.stop();
  for (const index of indices) await engineRequest('DELETE', `/${index}?ignore_unavailable=true`);
});

describe('tracker clients', () => {
  it('reads a Launchpad bug with its tasks, following next_collection_link page by page', async () => {
    trackers.pageSize = 3;
    const before = trackers.requests.length;
    const bug = await fetchBug(lp('4444'), config().bugs)!;
    expect(bug.title).toBe('Affects many');
    expect(bug.tasks.map((t) => t.target)).toEqual(Array.from({ length: 7 }, (_, i) => `project-${i}`));
    expect(bug.status).toBe('open'); // one task is still New
    const pages = trackers.requests.slice(before).filter((r) => r.path.endsWith('/bug_tasks'));
    expect(pages.map((r) => r.query.get('ws.start') ?? '0')).toEqual(['0', '3', '6']);
  });

  it('sums Launchpad task statuses: open while any task is open, else fixed, else invalid', async () => {
    const c = config().bugs;
    expect((await fetchBug(lp('1708704'), c))!.status).toBe('open');
    const fixed = (await fetchBug(lp('1111'), c))!;
    expect(fixed.status).toBe('fixed');
    expect(fixed.fixedAt).toBe('2026-10-05T12:00:00.000Z'); // the latest fix of its tasks
    expect(affectsText({ ...fixed, tracker: 'launchpad', id: '1111', url: '', attempts: 0 })).toBe(
      '(neutron - Fix Released), (neutron/stable - Fix Committed), (tempest - Invalid)',
    );
    expect((await fetchBug(lp('3333'), c))!.status).toBe('invalid');
    expect(launchpadStatus([])).toBe('unknown');
  });

  it('tells a private Launchpad bug from a readable one only with credentials, and sends them as OAuth', async () => {
    const anonymous = config().bugs;
    await expect(fetchBug(lp('2222'), anonymous)).rejects.toMatchObject({ kind: 'missing' });
    const signed = config({
      launchpad: {
        url: trackers.urls.launchpad,
        consumerKey: 'er',
        oauthToken: trackers.token,
        oauthTokenSecret: 'lp-secret',
      },
    }).bugs;
    const bug = (await fetchBug(lp('2222'), signed))!;
    expect(bug.availability).toBe('private');
    expect(bug.title).toBe('Security hole');
    const last = trackers.requests[trackers.requests.length - 1];
    expect(last.headers.authorization).toMatch(/^OAuth .*oauth_signature_method="PLAINTEXT"/);
  });

  it('reads GitHub issues: open, closed as completed (fixed), closed as not planned (invalid)', async () => {
    const c = config().bugs;
    expect(await fetchBug(gh('openstack/nova#12'), c)).toMatchObject({
      title: 'Flaky resize test',
      status: 'fixed',
      trackerStatus: 'closed (completed)',
      tasks: [{ target: 'openstack/nova', status: 'closed' }],
    });
    expect((await fetchBug(gh('openstack/nova#13'), c))!.status).toBe('invalid');
    expect((await fetchBug(gh('openstack/nova#14'), c))!.status).toBe('open');
    await expect(fetchBug(gh('openstack/nova#99'), c)).rejects.toMatchObject({ kind: 'missing' });
  });

  it('reads Jira issues by status category and resolution, with components as projects', async () => {
    const c = config().bugs;
    expect(await fetchBug(jira('CI-7'), c)).toMatchObject({
      title: 'Gate timeouts',
      status: 'open',
      trackerStatus: 'In Progress',
      tasks: [{ target: 'zuul' }, { target: 'nodepool' }],
    });
    expect((await fetchBug(jira('CI-8'), c))!.status).toBe('invalid');
    expect(await fetchBug(jira('CI-9'), c)).toMatchObject({
      status: 'fixed',
      trackerStatus: 'Done (Fixed)',
      tasks: [{ target: 'CI' }],
    });
    const req = trackers.requests[trackers.requests.length - 1];
    expect(req.query.get('fields')).toBe('summary,status,resolution,resolutiondate,project,components');
  });

  it("reads a StoryBoard story with its tasks over pages (X-Total) and the tasks' project names", async () => {
    trackers.pageSize = 2;
    const story = (await fetchBug(sb('2006737'), config().bugs))!;
    expect(story).toMatchObject({ title: 'os-brick iSCSI failure', status: 'fixed', trackerStatus: 'merged' });
    expect(story.tasks).toEqual([
      { target: 'openstack/os-brick', status: 'merged' },
      { target: 'openstack/nova', status: 'merged' },
      { target: 'openstack/cinder', status: 'invalid' },
    ]);
    await expect(fetchBug(sb('2000001'), config().bugs)).rejects.toMatchObject({ kind: 'missing' });
    const withToken = config({ storyboard: { url: trackers.urls.storyboard, token: trackers.token } }).bugs;
    expect((await fetchBug(sb('2000001'), withToken))!.availability).toBe('private');
  });

  it('reports a tracker that does not answer in time, answers 503 or is rate limited as unreachable', async () => {
    const c = config().bugs;
    trackers.hold();
    const slow = fetchBug(lp('1708704'), c)!;
    await expect(slow).rejects.toMatchObject({
      kind: 'unreachable',
      message: expect.stringContaining('no answer within 300 ms'),
    });
    trackers.release();
    trackers.failing.set('github', { status: 503 });
    await expect(fetchBug(gh('openstack/nova#12'), c)).rejects.toMatchObject({ kind: 'unreachable' });
    trackers.failing.set('github', { status: 403, headers: { 'x-ratelimit-remaining': '0', 'retry-after': '120' } });
    const limited = await fetchBug(gh('openstack/nova#12'), c)!.catch((e) => e);
    expect(limited).toBeInstanceOf(TrackerError);
    expect(limited).toMatchObject({ kind: 'unreachable', retryAfterMs: 120000 });
  });

  it('refuses malformed ids without asking the tracker', async () => {
    const before = trackers.requests.length;
    await expect(fetchBug({ tracker: 'jira', id: 'not a key', url: 'x' }, config().bugs)).rejects.toMatchObject({
      kind: 'missing',
    });
    await expect(fetchBug({ tracker: 'launchpad', id: '12ab', url: 'x' }, config().bugs)).rejects.toMatchObject({
      kind: 'missing',
    });
    expect(trackers.requests.length).toBe(before);
  });
});

describe('the cache in the engine', () => {
  it('stores each bug once with its availability, keeps data through an outage, backs off, and refreshes when stale', async () => {
    const c = config({ concurrency: 2 });
    let clock = Date.parse('2026-11-22T00:00:00Z');
    const now = () => clock;
    const refs = [
      lp('1708704'),
      lp('1708704'),
      lp('2222'),
      lp('9999'),
      gh('openstack/nova#12'),
      jira('CI-9'),
      sb('2006737'),
    ];
    const first = await refreshBugs(engine, c.state.index, c.bugs, refs, now);
    expect(first).toEqual({ due: 6, fetched: 6, failed: 0, deferred: 0 });
    let cache = await readBugCache(engine, c.state.index);
    expect(cache.size).toBe(6);
    expect(bugTitleText(cache.get('launchpad:1708704'))).toBe('RPC timeout in nova-compute');
    expect(cache.get('launchpad:2222')!.availability).toBe('missing'); // anonymous: Launchpad hides private bugs
    expect(cache.get('launchpad:9999')!.availability).toBe('missing');
    expect(cache.get('github:openstack/nova#12')!.status).toBe('fixed');

    // nothing is due within maxAge
    clock += 3600000;
    expect((await refreshBugs(engine, c.state.index, c.bugs, refs, now)).due).toBe(0);

    // stale after maxAge; Launchpad down: the last good data stays, with the error, and the rest of
    // Launchpad's bugs wait for a later pass
    clock += 6 * 3600000;
    trackers.failing.set('launchpad', { status: 503 });
    const during = await refreshBugs(engine, c.state.index, { ...c.bugs, concurrency: 1 }, refs, now);
    expect(during.failed).toBe(1);
    expect(during.deferred).toBe(2);
    cache = await readBugCache(engine, c.state.index);
    const kept = [...cache.values()].filter((b) => b.tracker === 'launchpad' && b.error?.includes('answered 503'));
    expect(kept).toHaveLength(1);
    expect(kept[0].attempts).toBe(1);
    expect(Date.parse(kept[0].nextFetchAt!)).toBe(clock + 60000); // retryInitial
    expect(kept[0]).toMatchObject({ id: '1708704', availability: 'ok', title: 'RPC timeout in nova-compute' }); // the first due, kept

    // a second failure doubles the wait
    clock += 60000;
    await refreshBugs(engine, c.state.index, { ...c.bugs, concurrency: 1 }, [lp(kept[0].id)], now);
    cache = await readBugCache(engine, c.state.index);
    expect(Date.parse(cache.get(`launchpad:${kept[0].id}`)!.nextFetchAt!)).toBe(clock + 120000);

    // back up: fetched again, error cleared
    trackers.failing.clear();
    clock += 120000;
    await refreshBugs(engine, c.state.index, c.bugs, refs, now);
    cache = await readBugCache(engine, c.state.index);
    expect([...cache.values()].every((b) => !b.error || b.availability === 'missing')).toBe(true);
    expect(cache.get('launchpad:1708704')).toMatchObject({ availability: 'ok', attempts: 0 });
  });

  it('shows a bug of a tracker never reached as unreachable, and one without a configured tracker as unsupported', async () => {
    const c = config({ jira: {} });
    trackers.failing.set('storyboard', { status: 502 });
    await refreshBugs(engine, c.state.index, c.bugs, [jira('CI-7'), sb('2006737')], () =>
      Date.parse('2026-11-22T00:00:00Z'),
    );
    const cache = await readBugCache(engine, c.state.index);
    expect(cache.get('jira:CI-7')!.availability).toBe('unsupported');
    expect(cache.get('storyboard:2006737')!.availability).toBe('unreachable');
    expect(bugTitleText(cache.get('storyboard:2006737'))).toBe('Unable to get storyboard data');
    expect(bugTitleText({ ...cache.get('storyboard:2006737')!, availability: 'private' })).toBe(
      'Unknown (Private Bug)',
    );
  });

  it('never stores or reports the credentials', async () => {
    const c = config({ github: { url: trackers.urls.github, token: 'ghp-very-secret-token' } });
    trackers.failing.set('github', { status: 500 });
    await refreshBugs(engine, c.state.index, c.bugs, [gh('openstack/nova#14')], () => 0);
    const raw = await engineRequest('POST', `/${c.state.index}/_search`, { query: { match_all: {} } });
    expect(JSON.stringify(raw)).not.toContain('ghp-very-secret-token');
    expect(trackers.requests[trackers.requests.length - 1].headers.authorization).toBe('Bearer ghp-very-secret-token');
  });
});

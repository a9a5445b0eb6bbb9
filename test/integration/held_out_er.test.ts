/** @jest-layer engine */
/*
 * A held-out migration, end to end through the REST API of the host stand-in: elastic-recheck `<bug>.yaml` files
 * written for this test (old-schema fields included) and Zuul-like logs of 16 builds in the ci-log-processing
 * mapping (text + .keyword), imported, then every build classified on demand and the uncategorized page asked.
 *
 * The expectations are elastic-recheck's semantics applied by hand (docs: README "Signatures", "Old schema";
 * the reference's loader and uncategorized sections), written next to each build with the reason:
 *  - a signature matches a build when ONE log line of it matches the whole query;
 *  - `AND voting:1` is implied unless `allow-nonvoting`;
 *  - suppress-notification matches are listed apart and do not explain on demand, but elastic-recheck's
 *    uncategorized report ran every query, suppressed ones included, so they categorize there;
 *  - old-schema fields mean what they meant on logstash.openstack.org.
 */
import { engineRequest, engineUrl, uniqueName } from '../setup/engine';
import { deleteStandInIndices, startSourceStandIn, uniqueIndexPrefix } from '../../dev/host/testing';
import type { StandIn } from '../../dev/host/stand_in';
import { SIGNATURES_IMPORT_PATH } from '../../common/api/signatures';
import { CLASSIFY_PATH } from '../../common/api/classify';
import { QUERY_STATS_PATH, QUERY_VALIDATE_PATH } from '../../common/api/query';
import { UNCATEGORIZED_PATH } from '../../common/api/uncategorized';
import { LOG_MAPPING } from '../fixtures/log_index';

const FILES: Record<string, string> = {
  // the directory of the file is gone in ci-log-processing: filename is the basename
  '1900001.yaml':
    'query: >-\n  message:"Timed out waiting for a reply to message ID" AND\n  filename:"logs/screen-n-cpu.txt"\n',
  // the 2013 schema
  '1900002.yaml': 'query: >-\n  @message:"Lock wait timeout exceeded" AND @fields.build_name:"tempest-full-py3"\n',
  // Jenkins reported every failed build as FAILURE; Zuul says POST_FAILURE, TIMED_OUT, ...
  '1900003.yaml': 'query: >-\n  message:"rsync: connection unexpectedly closed" AND build_status:FAILURE\n',
  // a leading wildcard elastic-recheck ran
  '1900004.yaml': 'query: >-\n  message:"No valid host was found" AND build_name:*tempest*\n',
  '1900005.yaml': 'query: message:"Failed to attach volume"\nallow-nonvoting: true\n',
  '1900006.yaml': 'query: message:"Kernel panic - not syncing"\n',
  '1900007.yaml': 'query: message:"ovsdbapp.exceptions.TimeoutException"\nsuppress-notification: true\n',
  '1900008.yaml': 'query: message:"Connection refused" AND message:"keystone"\n',
  // console.html became job-output.txt, tagged console.html by ci-log-processing
  '1900009.yaml': 'query: message:"SSHTimeout" AND filename:"console.html"\n',
  '1900010.yaml':
    'query: >-\n  @message:"AMQP server on" AND @message:"is unreachable" AND\n  @fields.filename:"logs/screen-q-svc.txt"\n',
};

type Line = [file: string, message: string];
interface HeldOutBuild {
  uuid: string;
  job: string;
  status: string;
  voting: 0 | 1;
  lines: Line[];
  /** What elastic-recheck would have said, and why. */
  matches: string[];
  suppressed?: string[];
  why: string;
}

const u = (n: number) => `${n.toString(16).padStart(2, '0')}e1d0a7${'0'.repeat(24)}`;
const BUILDS: HeldOutBuild[] = [
  {
    uuid: u(1),
    job: 'tempest-full-py3',
    status: 'FAILURE',
    voting: 1,
    lines: [
      [
        'screen-n-cpu.txt',
        'ERROR nova.compute.manager oslo_messaging.exceptions.MessagingTimeout: Timed out waiting for a reply to message ID 6e4c0f',
      ],
    ],
    matches: ['1900001'],
    why: 'the line is in screen-n-cpu.txt',
  },
  {
    uuid: u(2),
    job: 'grenade',
    status: 'FAILURE',
    voting: 1,
    lines: [['job-output.txt', 'MessagingTimeout: Timed out waiting for a reply to message ID 11aa']],
    matches: [],
    why: 'the line is in the console, not screen-n-cpu.txt',
  },
  {
    uuid: u(3),
    job: 'tempest-full-py3',
    status: 'FAILURE',
    voting: 1,
    lines: [
      [
        'screen-n-api.txt',
        "pymysql.err.InternalError: (1205, 'Lock wait timeout exceeded; try restarting transaction')",
      ],
    ],
    matches: ['1900002'],
    why: '@message and @fields.build_name',
  },
  {
    uuid: u(4),
    job: 'nova-next',
    status: 'FAILURE',
    voting: 1,
    lines: [
      [
        'screen-n-api.txt',
        "pymysql.err.InternalError: (1205, 'Lock wait timeout exceeded; try restarting transaction')",
      ],
    ],
    matches: [],
    why: 'another job than @fields.build_name names',
  },
  {
    uuid: u(5),
    job: 'tempest-full-py3',
    status: 'POST_FAILURE',
    voting: 1,
    lines: [['job-output.txt', 'rsync: connection unexpectedly closed (0 bytes received so far) [sender]']],
    matches: ['1900003'],
    why: 'build_status:FAILURE meant every failed build',
  },
  {
    uuid: u(6),
    job: 'tempest-multinode-full',
    status: 'FAILURE',
    voting: 1,
    lines: [['job-output.txt', 'No valid host was found. There are not enough hosts available.']],
    matches: ['1900004'],
    why: 'the job name contains tempest',
  },
  {
    uuid: u(7),
    job: 'neutron-functional',
    status: 'FAILURE',
    voting: 1,
    lines: [['job-output.txt', 'No valid host was found. There are not enough hosts available.']],
    matches: [],
    why: 'the job name does not contain tempest',
  },
  {
    uuid: u(8),
    job: 'tempest-full-py3',
    status: 'FAILURE',
    voting: 0,
    lines: [
      ['job-output.txt', 'Failed to attach volume 3b1f to instance 77c2'],
      ['job-output.txt', 'Kernel panic - not syncing: Fatal exception'],
    ],
    matches: ['1900005'],
    why: 'non-voting: only the allow-nonvoting signature counts',
  },
  {
    uuid: u(9),
    job: 'devstack',
    status: 'FAILURE',
    voting: 1,
    lines: [['job-output.txt', 'Kernel panic - not syncing: Fatal exception']],
    matches: ['1900006'],
    why: 'voting job',
  },
  {
    uuid: u(10),
    job: 'neutron-tempest-plugin-ovn',
    status: 'FAILURE',
    voting: 1,
    lines: [
      [
        'screen-q-svc.txt',
        'ovsdbapp.exceptions.TimeoutException: Commands [DbSetCommand] exceeded timeout 180 seconds',
      ],
    ],
    matches: [],
    suppressed: ['1900007'],
    why: 'suppress-notification: listed apart',
  },
  {
    uuid: u(11),
    job: 'keystone-dsvm-functional',
    status: 'FAILURE',
    voting: 1,
    lines: [
      ['job-output.txt', 'curl: (7) Failed to connect: Connection refused'],
      ['job-output.txt', 'waiting for keystone to come up'],
    ],
    matches: [],
    why: 'the two phrases are on two lines',
  },
  {
    uuid: u(12),
    job: 'heat-functional',
    status: 'FAILURE',
    voting: 1,
    lines: [['job-output.txt', 'Unable to establish connection to keystone: Connection refused']],
    matches: ['1900008'],
    why: 'both phrases on one line',
  },
  {
    uuid: u(13),
    job: 'tempest-full-py3',
    status: 'FAILURE',
    voting: 1,
    lines: [['job-output.txt', 'Details: SSHTimeout: Connection to the 10.0.0.5 via SSH timed out.']],
    matches: ['1900009'],
    why: 'the console',
  },
  {
    uuid: u(14),
    job: 'tempest-full-py3',
    status: 'FAILURE',
    voting: 1,
    lines: [['job-output.txt', 'ERROR: some failure nobody has seen before']],
    matches: [],
    why: 'no signature',
  },
  {
    uuid: u(15),
    job: 'neutron-grenade',
    status: 'FAILURE',
    voting: 1,
    lines: [
      [
        'screen-q-svc.txt',
        'ERROR oslo.messaging._drivers.impl_rabbit AMQP server on 10.0.0.3:5672 is unreachable: timed out',
      ],
    ],
    matches: ['1900010'],
    why: '@message twice and @fields.filename with a path',
  },
  {
    uuid: u(16),
    job: 'devstack',
    status: 'SUCCESS',
    voting: 1,
    lines: [['job-output.txt', 'Kernel panic - not syncing: Fatal exception']],
    matches: ['1900006'],
    why: 'a successful build: never a failure to categorize',
  },
];

const TAGS: Record<string, string[]> = {
  'job-output.txt': ['console', 'console.html', 'job-output.txt'],
};
const tagsOf = (file: string) => TAGS[file] ?? ['screen', 'oslofmt', 'devstack', file];
const END_LINES = [
  'POST-RUN END RESULT_NORMAL: [trusted : opendev.org/opendev/base-jobs/playbooks/base/post.yaml@master]',
  'POST-RUN START: [trusted : opendev.org/opendev/base-jobs/playbooks/base/post-logs.yaml@master]',
];

// half indexed: job-output.txt has not reached its last banner yet (non-voting, so outside the uncategorized count)
const HALF = {
  uuid: 'ab1f0000000000000000000000000000',
  job: 'tempest-full-py3',
  status: 'FAILURE',
  voting: 0 as const,
};

let standIn: StandIn;
const indexPrefix = uniqueIndexPrefix('heldout');
const logsPrefix = uniqueName('er-heldout');

beforeAll(async () => {
  standIn = await startSourceStandIn({
    engineUrl: engineUrl(),
    indexPrefix,
    config: { logs: { indexPattern: `${logsPrefix}-*` } },
  });
  const index = `${logsPrefix}-logs`;
  await engineRequest('PUT', `/${index}`, {
    settings: { number_of_shards: 1, number_of_replicas: 0 },
    mappings: LOG_MAPPING,
  });
  const lines: string[] = [];
  let t = Date.now() - 6 * 3600_000;
  for (const b of BUILDS) {
    const all: Line[] = [
      ['job-output.txt', 'TASK [run tempest]'],
      ...b.lines,
      ...END_LINES.map((m): Line => ['job-output.txt', m]),
    ];
    all.forEach(([file, message], i) => {
      t += 1000;
      const stamp = new Date(t).toISOString();
      lines.push(JSON.stringify({ index: { _index: index } }));
      lines.push(
        JSON.stringify({
          '@timestamp': stamp,
          message: file === 'job-output.txt' ? `${stamp.replace('T', ' ').replace('Z', '')} | ${message}` : message,
          filename: file,
          tags: tagsOf(file),
          log_url: `https://logs.example.org/${b.uuid}/${file}`,
          line_number: i + 1,
          build_uuid: b.uuid,
          build_name: b.job,
          build_status: b.status,
          project: 'openstack/nova',
          build_branch: 'master',
          build_queue: 'gate',
          build_change: 900000 + parseInt(b.uuid.slice(0, 2), 16),
          build_patchset: '1',
          voting: b.voting,
        }),
      );
    });
  }
  for (const [i, message] of [
    'TASK [run tempest]',
    'Failed to attach volume 9d0 to instance 1e2',
    END_LINES[0],
  ].entries()) {
    lines.push(JSON.stringify({ index: { _index: index } }));
    lines.push(
      JSON.stringify({
        '@timestamp': new Date((t += 1000)).toISOString(),
        message,
        filename: 'job-output.txt',
        tags: tagsOf('job-output.txt'),
        log_url: `https://logs.example.org/${HALF.uuid}/job-output.txt`,
        line_number: i + 1,
        build_uuid: HALF.uuid,
        build_name: HALF.job,
        build_status: HALF.status,
        project: 'openstack/nova',
        build_branch: 'master',
        build_queue: 'check',
        voting: HALF.voting,
      }),
    );
  }
  await engineRequest('POST', '/_bulk?refresh=true', lines.join('\n') + '\n', 'application/x-ndjson');
});

afterAll(async () => {
  await standIn?.stop();
  await deleteStandInIndices(engineUrl(), indexPrefix);
  await engineRequest('DELETE', `/${logsPrefix}-*`).catch(() => undefined);
});

describe('a held-out elastic-recheck migration through the REST API', () => {
  test('every file imports; the rewrites are reported per file; the files keep their text', async () => {
    const files = Object.entries(FILES).map(([name, content]) => ({ name, content }));
    const dry = await standIn.request('POST', SIGNATURES_IMPORT_PATH, { user: 'writer', body: { files } });
    expect(dry.status).toBe(200);
    const invalid = dry.body.items.filter((i: any) => i.outcome === 'invalid');
    expect(invalid.map((i: any) => `${i.file}: ${i.errors.map((e: any) => e.message).join('; ')}`)).toEqual([]);
    expect(dry.body.counts).toEqual({ created: files.length, updated: 0, unchanged: 0, conflict: 0, invalid: 0 });
    const byFile = Object.fromEntries(dry.body.items.map((i: any) => [i.file, i]));
    expect(byFile['1900001.yaml'].translated).toContain('filename:"screen-n-cpu.txt"');
    expect(byFile['1900003.yaml'].rewrites.map((r: any) => r.from)).toEqual(['build_status:FAILURE']);
    expect(byFile['1900004.yaml'].warnings.map((w: any) => w.message).join()).toMatch(
      /leading wildcard in '\*tempest\*' on 'build_name': build_name has \d+ distinct value/,
    );
    expect(byFile['1900006.yaml'].rewrites).toBeUndefined();
    const applied = await standIn.request('POST', SIGNATURES_IMPORT_PATH, {
      user: 'writer',
      body: { files, dryRun: false },
    });
    expect(applied.body.counts.created).toBe(files.length);
    const stored = await standIn.request('GET', '/api/elastic_recheck/signatures/1900002', { user: 'reader' });
    expect(stored.body.query).toBe('@message:"Lock wait timeout exceeded" AND @fields.build_name:"tempest-full-py3"');
  });

  test.each(BUILDS.filter((b) => b.status !== 'SUCCESS').map((b) => [b.uuid.slice(0, 2), b.why, b] as const))(
    'build %s (%s) is classified as elastic-recheck would',
    async (_n, _why, b) => {
      const r = await standIn.request('POST', CLASSIFY_PATH, { user: 'reader', body: { uuid: b.uuid } });
      expect(r.status).toBe(200);
      expect(r.body.kind).toBe('classified');
      expect(r.body.incomplete).toBeUndefined();
      expect(r.body.matches.map((m: any) => m.signatureId).sort()).toEqual(b.matches);
      expect(r.body.suppressed.map((m: any) => m.signatureId)).toEqual(b.suppressed ?? []);
      expect(r.body.explained).toBe(b.matches.length > 0);
    },
  );

  test('a half-indexed build on demand: classified on what is there and marked incomplete, saying what is missing', async () => {
    const r = await standIn.request('POST', CLASSIFY_PATH, { user: 'reader', body: { uuid: HALF.uuid } });
    expect(r.status).toBe(200);
    expect(r.body.kind).toBe('classified');
    expect(r.body.matches.map((m: any) => m.signatureId)).toEqual(['1900005']);
    // the END of the base post playbook is there; the last banner (the log upload's START) is not
    expect(r.body.incomplete).toMatchObject({
      ready: false,
      markerFound: false,
      missingFiles: [],
      files: ['job-output.txt'],
      lines: 3,
    });
    expect(
      (
        await standIn.request('POST', CLASSIFY_PATH, {
          user: 'reader',
          body: { uuid: 'ab2f0000000000000000000000000000' },
        })
      ).status,
    ).toBe(404);
  });

  test('validate answers the rewrites and the query as it runs; query stats run the translated query', async () => {
    const query = '@message:"Lock wait timeout exceeded" AND build_status:FAILURE';
    const v = await standIn.request('POST', QUERY_VALIDATE_PATH, { user: 'reader', body: { query } });
    expect(v.status).toBe(200);
    expect(v.body.ok).toBe(true);
    expect(v.body.rewrites.map((r: any) => r.from)).toEqual([
      '@message:"Lock wait timeout exceeded"',
      'build_status:FAILURE',
    ]);
    expect(v.body.translated).toBe(
      'message:"Lock wait timeout exceeded" AND build_status:(FAILURE OR TIMED_OUT OR POST_FAILURE OR NODE_FAILURE OR RETRY_LIMIT)',
    );
    const stats = await standIn.request('POST', QUERY_STATS_PATH, { user: 'reader', body: { query, days: 1 } });
    expect(stats.status).toBe(200);
    // builds 03 and 04 hold the line
    expect(stats.body.totalHits).toBe(2);
  });

  test('uncategorized: voting failed builds, and the ones no query (suppressed ones included) categorizes', async () => {
    const failed = BUILDS.filter((b) => b.status !== 'SUCCESS' && b.voting === 1);
    const unexplained = failed.filter((b) => !b.matches.length && !b.suppressed?.length);
    const r = await standIn.request('GET', `${UNCATEGORIZED_PATH}?days=1&perPage=100`, { user: 'reader' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ failedBuilds: failed.length, explainedBuilds: failed.length - unexplained.length });
    expect(r.body.unexplained.map((x: any) => x.uuid).sort()).toEqual(unexplained.map((b) => b.uuid).sort());
  });
});

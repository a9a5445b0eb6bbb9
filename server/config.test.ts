import {
  ConfigError,
  configSecrets,
  parseConfig,
  parseDuration,
  redactConfig,
  resolveConfig,
  scrubSecrets,
  REDACTED,
} from './config';

function problemsOf(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const full = {
  engine: { url: 'http://127.0.0.1:9200', username: 'recheck', password: 's3cret-engine' },
  zuul: {
    url: 'https://zuul.example.org/',
    tenants: ['openstack'],
    pipelines: ['gate', 'check'],
    jobs: { include: '(tempest|grenade)', exclude: 'docs' },
  },
  gerrit: { url: 'https://review.example.org', username: 'recheck-bot', password: 's3cret-gerrit' },
  webhooks: [
    {
      name: 'qa',
      type: 'slack',
      url: 'https://hooks.slack.com/services/T000/B000/tokenpart',
      projects: ['all'],
      events: ['positive', 'negative'],
    },
    {
      name: 'nova',
      type: 'matrix',
      url: 'https://matrix.example.org',
      roomId: '!room:example.org',
      token: 's3cret-matrix',
      projects: ['nova'],
      events: ['positive'],
    },
  ],
  schedule: { enabled: true, interval: '30s' },
};

describe('parseConfig', () => {
  test('defaults for an empty config: background work off, elastic-recheck wording and windows', () => {
    const config = parseConfig(undefined);
    expect(config.enabled).toBe(true); // Kibana's plugin switch
    expect(config.schedule.enabled).toBe(false);
    expect(config.logs.indexPattern).toBe('logstash-logs-*');
    expect(config.results.index).toBe('elastic-recheck-results');
    expect(config.zuul.results).toEqual(['FAILURE', 'TIMED_OUT', 'POST_FAILURE', 'NODE_FAILURE', 'RETRY_LIMIT']);
    expect(config.readiness.timeoutMs).toBe(1200000); // elastic-recheck waited 1,200 s
    expect(config.windows).toEqual({ ratesDays: 10, bucket: '1h', uncategorizedDays: 10 });
    expect(config.gerrit.comment).toBe(false);
    expect(config.gerrit.messages.foundBug).toContain('%(bugs)s');
  });

  test('a full config is read with durations, trailing slashes removed and webhook defaults', () => {
    const config = parseConfig(full);
    expect(config.zuul.url).toBe('https://zuul.example.org');
    expect(config.schedule.intervalMs).toBe(30000);
    expect(config.gerrit.comment).toBe(true);
    expect(config.webhooks[0].pipelines).toEqual([]);
    expect(config.webhooks[1]).toMatchObject({ type: 'matrix', roomId: '!room:example.org', events: ['positive'] });
    expect(resolveConfig(full).logIndexPattern).toBe('logstash-logs-*');
  });

  test('every problem is reported with its full key', () => {
    const problems = problemsOf({
      zuul: { tenants: 'openstack', jobs: { include: '(unclosed' }, pageSize: 0, startFrom: 'yesterday' },
      gerrit: { url: 'ftp://review', comment: true },
      webhooks: [{ type: 'matrix', url: 'https://m.example.org' }, 'nope'],
      schedule: { enabled: true, interval: 'soon' },
      results: { index: 'Bad Index' },
      surprise: 1,
    });
    const text = problems.join('\n');
    expect(text).toContain('elastic_recheck.surprise: unknown key');
    expect(text).toContain('elastic_recheck.zuul.url: required when elastic_recheck.schedule.enabled is true');
    expect(text).toContain('elastic_recheck.zuul.jobs.include: invalid regular expression "(unclosed"');
    expect(text).toContain('elastic_recheck.zuul.pageSize: expected an integer between 1 and 1000, got number 0');
    expect(text).toContain('elastic_recheck.zuul.startFrom: expected "now" or "beginning"');
    expect(text).toContain('elastic_recheck.gerrit.url: expected an http(s) URL');
    expect(text).toContain('elastic_recheck.webhooks[0].name: required');
    expect(text).toContain('elastic_recheck.webhooks[0].roomId: required for a matrix webhook');
    expect(text).toContain('elastic_recheck.webhooks[0].token: required for a matrix webhook');
    expect(text).toContain('elastic_recheck.webhooks[1]: expected an object');
    expect(text).toContain('elastic_recheck.schedule.interval: expected a duration');
    expect(text).toContain('elastic_recheck.results.index: not a valid index name "Bad Index"');
  });

  test('duplicate webhook names, bad events and missing Gerrit credentials are rejected', () => {
    const problems = problemsOf({
      gerrit: { url: 'https://review.example.org' },
      webhooks: [
        { name: 'qa', url: 'https://a.example.org/x' },
        { name: 'qa', url: 'https://b.example.org/y', events: ['sometimes'] },
      ],
    });
    expect(problems).toContain('elastic_recheck.webhooks[1].name: duplicate webhook name "qa"');
    expect(problems.join('\n')).toContain('elastic_recheck.webhooks[1].events: unknown value(s) "sometimes"');
    expect(problems).toContain(
      'elastic_recheck.gerrit.username: required to post review comments (Gerrit HTTP credentials)',
    );
  });

  test('credentials inside a URL are refused (they would not be redacted)', () => {
    const problems = problemsOf({ engine: { url: 'https://admin:hunter22@engine.example.org:9200' } });
    expect(problems).toEqual([
      'elastic_recheck.engine.url: must not carry credentials (user:password@); use the username/password keys, which are kept secret',
    ]);
  });

  test('an error message never contains a secret it rejects', () => {
    const problems = problemsOf({ webhooks: [{ name: 'x', url: 'ftp://hooks.example.org/services/SECRETTOKEN' }] });
    expect(problems.join('\n')).not.toContain('SECRETTOKEN');
  });

  test('readiness: end marker, per-job files, and their mistakes', () => {
    // the last banner of a stored job-output.txt: the START of the base job's log-upload playbook
    expect(parseConfig({}).readiness.endMarker).toEqual({
      file: 'job-output.txt',
      phrase: 'POST-RUN START',
      playbook: 'base-jobs/playbooks/base/post-logs.yaml',
    });
    expect(
      parseConfig({
        readiness: {
          endMarker: { file: 'job-output.txt', phrase: 'POST-RUN END', playbook: 'playbooks/base/post-ssh.yaml' },
        },
      }).readiness.endMarker,
    ).toEqual({
      file: 'job-output.txt',
      phrase: 'POST-RUN END',
      playbook: 'playbooks/base/post-ssh.yaml',
    });
    expect(
      problemsOf({ readiness: { endMarker: { file: 'job-output.txt', phrase: 'POST-RUN END', playbook: 3 } } }),
    ).toContain('elastic_recheck.readiness.endMarker.playbook: expected a non-empty string, got number 3');
    expect(parseConfig({ readiness: { endMarker: false } }).readiness.endMarker).toBeNull();
    const config = parseConfig({
      readiness: {
        requiredFilesByJob: [{ job: '^(tempest|grenade)', files: ['screen-n-cpu.txt'] }],
        pollInterval: '5s',
      },
    });
    expect(config.readiness.requiredFilesByJob).toEqual([{ job: '^(tempest|grenade)', files: ['screen-n-cpu.txt'] }]);
    expect(config.readiness.pollIntervalMs).toBe(5000);
    const problems = problemsOf({
      readiness: { requiredFilesByJob: [{ job: '(', files: [] }, 'x'], endMarker: { file: 'job-output.txt' } },
    });
    expect(problems.join('\n')).toContain(
      'elastic_recheck.readiness.requiredFilesByJob[0].job: invalid regular expression',
    );
    expect(problems).toContain('elastic_recheck.readiness.requiredFilesByJob[0].files: list at least one file name');
    expect(problems.join('\n')).toContain('elastic_recheck.readiness.requiredFilesByJob[1]: expected an object');
    expect(problems).toContain(
      'elastic_recheck.readiness.endMarker.phrase: required (or set readiness.endMarker: false)',
    );
  });

  test('parseDuration', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1.5h')).toBe(5400000);
    expect(parseDuration(42)).toBe(42);
    expect(parseDuration('10 days')).toBeUndefined();
    expect(parseDuration(-1)).toBeUndefined();
  });
});

describe('redaction', () => {
  test('redactConfig hides every secret and keeps the rest', () => {
    const config = parseConfig(full);
    const redacted = redactConfig(config);
    const text = JSON.stringify(redacted);
    for (const secret of ['s3cret-engine', 's3cret-gerrit', 's3cret-matrix', 'tokenpart', 'B000'])
      expect(text).not.toContain(secret);
    expect(redacted.engine.password).toBe(REDACTED);
    expect(redacted.gerrit.username).toBe('recheck-bot');
    expect(redacted.webhooks[0].url).toBe(`https://hooks.slack.com/${REDACTED}`);
    expect(redacted.webhooks[1].url).toBe('https://matrix.example.org');
    // the original is untouched
    expect(config.gerrit.password).toBe('s3cret-gerrit');
  });

  test('scrubSecrets removes secrets from error texts', () => {
    const config = parseConfig(full);
    const text = scrubSecrets(
      'POST https://hooks.slack.com/services/T000/B000/tokenpart failed; auth recheck-bot:s3cret-gerrit',
      configSecrets(config),
    );
    expect(text).not.toContain('tokenpart');
    expect(text).not.toContain('s3cret-gerrit');
    expect(text).toContain(REDACTED);
  });
});

describe('elastic_recheck.access', () => {
  test('roles as lists, the read-only switch for clusters without security, and precise problems', () => {
    const config = parseConfig({
      access: { writers: ['ci-core', 'all_access'], readers: 'observers', readOnlyWithoutSecurity: true },
    });
    expect(config.access).toEqual({
      writers: ['ci-core', 'all_access'],
      readers: ['observers'],
      readOnlyWithoutSecurity: true,
    });
    expect(
      problemsOf({ access: { writers: [], readers: [''], readOnlyWithoutSecurity: 'yes', admins: ['x'] } }),
    ).toEqual([
      'elastic_recheck.access.admins: unknown key (allowed: writers, readers, readOnlyWithoutSecurity)',
      'elastic_recheck.access.writers: list at least one role (nobody could change signatures)',
      'elastic_recheck.access.readers: expected a list of non-empty strings, got a list',
      'elastic_recheck.access.readOnlyWithoutSecurity: expected true or false, got "yes"',
    ]);
  });
});

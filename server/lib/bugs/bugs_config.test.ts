/* elastic_recheck.bugs: defaults, every problem with its full key, and secrets kept out of what is shown. */
import { ConfigError, configSecrets, parseConfig, redactConfig } from '../../config';

const problems = (raw: unknown): string[] => {
  try {
    parseConfig(raw);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

test('defaults: anonymous Launchpad, GitHub and StoryBoard at their public URLs, no Jira', () => {
  const { bugs } = parseConfig({});
  expect(bugs).toMatchObject({
    enabled: true,
    maxAgeMs: 6 * 3600000,
    retryInitialMs: 300000,
    concurrency: 4,
    batchSize: 200,
    cleanup: { closedDays: 30, silentDays: 90 },
    impact: { defaultNodes: 1, nodesetNodes: {} },
  });
  expect(bugs.launchpad).toEqual({ url: 'https://api.launchpad.net/1.0' });
  expect(bugs.github).toEqual({ url: 'https://api.github.com' });
  expect(bugs.jira).toEqual({ url: undefined });
  expect(bugs.alarms).toEqual({ regression: true, spikeFactor: 3, spikeMinFailures: 3, usualDays: 10 });
});

test('each problem names its full key', () => {
  expect(
    problems({
      bugs: {
        concurrency: 0,
        launchpad: { consumerKey: 'k' },
        jira: { url: 'ftp://x', password: 'p' },
        impact: { nodesetNodes: { big: 0 } },
        alarms: { spikeFactor: 'lots' },
        colour: 'red',
      },
    }),
  ).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^elastic_recheck\.bugs\.colour: unknown key/),
      expect.stringMatching(/^elastic_recheck\.bugs\.concurrency: expected an integer between 1 and 32/),
      expect.stringMatching(
        /^elastic_recheck\.bugs\.launchpad\.oauthToken: consumerKey, oauthToken and oauthTokenSecret go together/,
      ),
      expect.stringMatching(/^elastic_recheck\.bugs\.jira\.url: expected an http\(s\) URL/),
      expect.stringMatching(/^elastic_recheck\.bugs\.jira\.password: set without username/),
      expect.stringMatching(
        /^elastic_recheck\.bugs\.impact\.nodesetNodes\.big: expected an integer between 1 and 1000/,
      ),
      expect.stringMatching(/^elastic_recheck\.bugs\.alarms\.spikeFactor: expected a number between 1 and 1000/),
    ]),
  );
});

test('tracker credentials are secrets: redacted and scrubbed', () => {
  const config = parseConfig({
    bugs: {
      github: { token: 'ghp-secret-1' },
      jira: { url: 'https://jira.example.org', username: 'bot', password: 'jira-secret-2' },
      launchpad: { consumerKey: 'er', oauthToken: 'lp-token-3', oauthTokenSecret: 'lp-secret-4' },
    },
  });
  const shown = JSON.stringify(redactConfig(config));
  for (const secret of ['ghp-secret-1', 'jira-secret-2', 'lp-token-3', 'lp-secret-4']) {
    expect(shown).not.toContain(secret);
    expect(configSecrets(config)).toContain(secret);
  }
  expect(shown).toContain('"username":"bot"');
});

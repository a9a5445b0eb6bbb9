import { matchAll, RegexLimitError } from './bounded_regex';

describe('user regular expressions run off the event loop with a time limit', () => {
  it('matches like RegExp.test, once per distinct name', async () => {
    expect(
      [
        ...(await matchAll('excludeJobs', '^docs-|manuals', [
          'docs-build',
          'tempest-full',
          'openstack-manuals',
          'docs-build',
        ])),
      ].sort(),
    ).toEqual(['docs-build', 'openstack-manuals']);
  });

  it('a catastrophic pattern is stopped with a 400 while the event loop keeps turning', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const names = ['a'.repeat(40), 'tempest-' + 'x'.repeat(30)];
    try {
      const error = await matchAll('excludeJobs', '^([a-z0-9-]+)*X$', names, 300).catch((e) => e);
      expect(error).toBeInstanceOf(RegexLimitError);
      expect(error).toMatchObject({
        statusCode: 400,
        message: expect.stringContaining('excludeJobs: the regular expression ran longer than 300 ms'),
      });
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(3); // the loop was never blocked for the whole time
  });

  it('an invalid pattern is a 400 naming the parameter', async () => {
    await expect(matchAll('includeProjects', '(', ['x'])).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/^includeProjects: invalid regular expression/),
    });
  });
});

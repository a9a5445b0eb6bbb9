import { translateLegacyQuery } from './legacy';

describe('translateLegacyQuery: one test per rewrite', () => {
  it('@message becomes message', () => {
    const t = translateLegacyQuery('@message:"Connection refused" AND @tags:console');
    expect(t.query).toBe('message:"Connection refused" AND tags:console');
    expect(t.rewrites).toEqual([
      {
        from: '@message:"Connection refused"',
        to: 'message:"Connection refused"',
        reason: expect.stringContaining('@message'),
      },
      { from: '@tags:console', to: 'tags:console', reason: expect.stringContaining('@tags') },
    ]);
  });

  it('@fields.X becomes X, also on a field group', () => {
    const t = translateLegacyQuery('@fields.build_name:"gate-tempest" AND @fields.build_queue:(gate OR check)');
    expect(t.query).toBe('build_name:"gate-tempest" AND build_queue:(gate OR check)');
    expect(t.rewrites.map((r) => r.to)).toEqual(['build_name:"gate-tempest"', 'build_queue:(gate OR check)']);
  });

  it('filename paths become the basename (logs/…, controller/logs/…)', () => {
    const t = translateLegacyQuery('filename:"logs/screen-n-cpu.txt" OR filename:"controller/logs/screen-q-svc.txt"');
    expect(t.query).toBe('filename:"screen-n-cpu.txt" OR filename:"screen-q-svc.txt"');
    expect(t.rewrites[0]).toMatchObject({
      from: 'filename:"logs/screen-n-cpu.txt"',
      to: 'filename:"screen-n-cpu.txt"',
      reason: expect.stringContaining('basename'),
    });
  });

  it('filename:logs*<file> (the wildcard stood for the directory) becomes the basename', () => {
    const t = translateLegacyQuery('message:"x" AND filename:logs*screen-n-api.txt');
    expect(t.query).toBe('message:"x" AND filename:"screen-n-api.txt"');
    expect(t.rewrites[0].reason).toContain("'logs*' wildcard");
  });

  it('filename:"console.html" becomes tags:"console.html" (Zuul v3 job-output.txt carries that tag)', () => {
    const t = translateLegacyQuery('message:"x" AND filename:"console.html"');
    expect(t.query).toBe('message:"x" AND tags:"console.html"');
  });

  it('build_status:FAILURE becomes every failed Zuul result', () => {
    const t = translateLegacyQuery('message:"x" AND build_status:"FAILURE"');
    expect(t.query).toBe(
      'message:"x" AND build_status:(FAILURE OR TIMED_OUT OR POST_FAILURE OR NODE_FAILURE OR RETRY_LIMIT)',
    );
    expect(t.rewrites[0].reason).toContain('TIMED_OUT');
    expect(translateLegacyQuery('build_status:SUCCESS').rewrites).toEqual([]);
  });

  it('build_short_uuid becomes a build_uuid prefix, with a warning', () => {
    const t = translateLegacyQuery('message:"x" AND build_short_uuid:5dd41fe');
    expect(t.query).toBe('message:"x" AND build_uuid:5dd41fe*');
    expect(t.warnings).toEqual([
      {
        field: 'build_short_uuid',
        reason: expect.stringContaining('full build_uuid'),
        position: { offset: 16, line: 1, column: 17 },
      },
    ]);
  });

  it.each([
    ['loglevel', 'loglevel:ERROR AND message:"x"', 0],
    ['module', 'message:"x" AND\n  module:"nova.compute.manager"', 18],
    ['build_node', 'message:"x" AND build_node:"devstack-trusty"', 16],
    ['node_provider', 'message:"x" AND node_provider:(rax-ord OR rax-dfw)', 16],
    ['syslog_program', 'syslog_program:"proxy-server"', 0],
  ])('flags %s with its position and leaves it in place', (field, q, offset) => {
    const t = translateLegacyQuery(q);
    expect(t.query).toBe(q);
    expect(t.rewrites).toEqual([]);
    expect(t.warnings).toHaveLength(1);
    expect(t.warnings[0]).toMatchObject({ field, position: { offset } });
    expect(t.warnings[0].reason).toMatch(/not indexed|meaningless/);
  });

  it('leaves a current-schema query byte for byte as it is', () => {
    const q = 'message:"x"  AND\n tags:"screen-n-cpu.txt"';
    expect(translateLegacyQuery(q)).toEqual({ query: q, rewrites: [], warnings: [] });
  });

  it('returns the syntax error and changes nothing on a broken query', () => {
    const t = translateLegacyQuery('@message:"x');
    expect(t.query).toBe('@message:"x');
    expect(t.error?.message).toContain('unbalanced quote');
  });
});

import { formatSignatureYaml, idFromFileName, parseSignatureYaml, SignatureParseResult } from './yaml_codec';
import { formatSignatureBundle, parseSignatureBundle } from './bundle';
import type { Signature } from './types';

function ok(r: SignatureParseResult): Signature {
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.signature;
}
function errors(r: SignatureParseResult) {
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

describe('parseSignatureYaml: elastic-recheck files as they are', () => {
  it('reads the keys with their semantics and the bug from the file name', () => {
    const s = ok(
      parseSignatureYaml(
        '# please keep\nquery: >-\n  message:"1 packets transmitted" AND\n  tags:console\ntest_ids:\n  - neutron.tests.fullstack.test_x\nallow-nonvoting: True\nsuppress-graph: true\n',
        '1798475.yaml',
      ),
    );
    expect(s).toEqual({
      id: '1798475',
      bug: { tracker: 'launchpad', id: '1798475', url: 'https://bugs.launchpad.net/bugs/1798475' },
      query: 'message:"1 packets transmitted" AND tags:console',
      allowNonvoting: true,
      suppressGraph: true,
      suppressNotification: false,
      testIds: ['neutron.tests.fullstack.test_x'],
      mode: 'explains',
    });
  });

  it('strips only the extension from the file name (elastic-recheck\'s rstrip(".yaml") ate trailing a/l/m/y)', () => {
    expect(idFromFileName('queries/gamma.yaml')).toBe('gamma');
    expect(idFromFileName('1260311.yml')).toBe('1260311');
  });

  it('reads our keys: bug on other trackers, title, owner, mode, scope, dates', () => {
    const s = ok(
      parseSignatureYaml(
        [
          'bug: https://github.com/openstack/nova/issues/12',
          'title: Nova compute hangs',
          'owner: nova-core',
          'mode: track',
          'query: message:"x"',
          'scope:',
          '  projects: [openstack/nova]',
          '  queues: [gate, check]',
          'created: 2026-01-02T03:04:05Z',
        ].join('\n'),
        'nova-hang.yaml',
      ),
    );
    expect(s).toMatchObject({
      id: 'nova-hang',
      bug: { tracker: 'github', id: 'openstack/nova#12' },
      title: 'Nova compute hangs',
      mode: 'track',
      scope: { projects: ['openstack/nova'], queues: ['gate', 'check'] },
      created: '2026-01-02T03:04:05Z',
    });
    expect(
      ok(parseSignatureYaml('bug: https://storyboard.openstack.org/#!/story/2006737\nquery: x', 's.yaml')).bug,
    ).toMatchObject({ tracker: 'storyboard', id: '2006737' });
    expect(
      ok(
        parseSignatureYaml(
          'bug: {tracker: jira, id: CI-12, url: "https://jira.example.org/browse/CI-12"}\nquery: x',
          'j.yaml',
        ),
      ).bug,
    ).toMatchObject({ tracker: 'jira', id: 'CI-12' });
  });

  it('round-trips: format then parse gives the same signature', () => {
    const s = ok(
      parseSignatureYaml(
        'bug: https://github.com/o/r/issues/3\nquery: "a AND\\n b"\nscope: {branches: [master]}\nmode: track\nresolved_at: "Fri Feb  7 17:06:16 PST 2014"\n',
        'x.yaml',
      ),
    );
    expect(ok(parseSignatureYaml(formatSignatureYaml(s), 'x.yaml'))).toEqual(s);
  });
});

describe('parseSignatureYaml: errors name the problem, the key and the line', () => {
  it('YAML syntax with line and column', () => {
    const e = errors(parseSignatureYaml('query: >\n  message:"x"\n bad: [\n', '1.yaml'));
    expect(e[0].message).toMatch(/^YAML: /);
    expect(e[0].line).toBeGreaterThanOrEqual(3);
    expect(e[0].column).toBeDefined();
  });

  it('unknown keys, with a suggestion', () => {
    const e = errors(parseSignatureYaml('query: x\nsupress-graph: true\n', '1.yaml'));
    expect(e).toEqual([
      expect.objectContaining({
        key: 'supress-graph',
        line: 2,
        message: expect.stringContaining("unknown key 'supress-graph'"),
      }),
    ]);
    expect(errors(parseSignatureYaml('query: x\nsuppress_graph: true\n', '1.yaml'))[0].message).toContain(
      "did you mean 'suppress-graph'",
    );
  });

  it('wrong types with the key and line', () => {
    const e = errors(
      parseSignatureYaml(
        'query: x\nsuppress-graph: "sometimes"\ntest_ids: tempest.x\nscope:\n  projects: nova\n',
        '1.yaml',
      ),
    );
    expect(e.map((x) => [x.key, x.line])).toEqual([
      ['suppress-graph', 2],
      ['test_ids', 3],
      ['scope.projects', 5],
    ]);
    expect(e[0].message).toContain('must be true or false');
    expect(e[1].message).toContain('must be a list of strings');
  });

  it('missing or empty query, non-mapping document, non-numeric name without bug', () => {
    expect(errors(parseSignatureYaml('suppress-graph: true\n', '1.yaml'))[0].message).toContain(
      "missing required key 'query'",
    );
    expect(errors(parseSignatureYaml('query: "  "\n', '1.yaml'))[0].message).toContain("'query' is empty");
    expect(errors(parseSignatureYaml('- a\n- b\n', '1.yaml'))[0].message).toContain('must be a mapping');
    expect(errors(parseSignatureYaml('query: x\n', 'flaky.yaml'))[0].message).toContain('not a Launchpad bug number');
  });

  it('YAML 1.1 booleans (PyYAML read "yes" as true) are accepted with a warning', () => {
    const r = parseSignatureYaml('query: x\nsuppress-graph: yes\n', '1.yaml');
    expect(r.ok && r.signature.suppressGraph).toBe(true);
    expect(r.warnings[0]).toMatchObject({ key: 'suppress-graph', line: 2 });
  });
});

describe('bundles', () => {
  const a = ok(parseSignatureYaml('query: message:"a"\nsuppress-graph: true\n', '1.yaml'));
  const b = ok(
    parseSignatureYaml(
      'bug: https://github.com/o/r/issues/9\nquery: message:"b"\nscope: {projects: [p]}\n',
      'gh-9.yaml',
    ),
  );

  it.each(['yaml', 'json'] as const)('round-trips as %s', (format) => {
    const text = formatSignatureBundle([b, a], { format, exported: '2026-01-01T00:00:00Z' });
    const r = parseSignatureBundle(text);
    expect(r.ok && r.signatures).toEqual([a, b]);
  });

  it('rejects the whole bundle on one bad entry, naming the entry, key and line', () => {
    const text = formatSignatureBundle([a, b]).replace('scope:', 'scoop:');
    const r = parseSignatureBundle(text, 'b.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ file: 'b.yaml signatures[1]', key: 'scoop' });
    expect(text.split('\n')[r.errors[0].line! - 1]).toContain('scoop:');
  });

  it('rejects duplicates, wrong version and unknown kinds', () => {
    const dup = formatSignatureBundle([a]).replace(/signatures:\n([\s\S]*)$/, (_m, e) => `signatures:\n${e}${e}`);
    expect(parseSignatureBundle(dup)).toMatchObject({
      ok: false,
      errors: [expect.objectContaining({ message: expect.stringContaining("duplicate id '1'") })],
    });
    expect(parseSignatureBundle('version: 2\nkind: elastic-recheck-signatures\nsignatures: []\n')).toMatchObject({
      ok: false,
      errors: [{ key: 'version' }],
    });
    expect(parseSignatureBundle('version: 1\nkind: other\nsignatures: []\n')).toMatchObject({
      ok: false,
      errors: [{ key: 'kind' }],
    });
  });
});

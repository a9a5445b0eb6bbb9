import { validateQuery } from '../../../common/query/validate';
import {
  clusterBuilds,
  commonRanges,
  narrowedQueries,
  proposalQuery,
  wordRuns,
  type BuildLines,
} from './cluster_lines';
import { novelty, ordinaryLines, pickTellingLines, type Candidate } from './clusters';
import { messageCore, normaliseLine, tokens } from './normalise';

const uuid = (i: number) => `${String(i).padStart(8, '0')}-1234-4abc-8def-${String(i).padStart(12, '0')}`;

describe('normalising telling lines', () => {
  it('strips each log format prefix down to the message', () => {
    expect(messageCore('controller | Hash Sum mismatch')).toBe('Hash Sum mismatch');
    expect(
      messageCore(
        `Nov 26 04:51:36.154541 np0097041197 nova-compute[8817]: ERROR nova.compute.manager [None req-${uuid(1)} tempest-X-1 tempest-X-1-project-member] Failed creating OVB stack`,
      ),
    ).toBe('Failed creating OVB stack');
    expect(
      messageCore(
        `2026-11-29 07:45:32.987 52210 ERROR tempest.lib.common.rest_client [req-${uuid(2)} req-${uuid(3)}] Request failed`,
      ),
    ).toBe('Request failed');
    expect(messageCore('Nov 29 06:59:31 np0075987127 kernel: [123.456] br-int: port 3 entered forwarding state')).toBe(
      'br-int: port 3 entered forwarding state',
    );
    expect(messageCore('Nov 29 06:59:31 np0075987127 libvirtd[5001]: Domain id=57 started')).toBe(
      'Domain id=57 started',
    );
    // an exception name followed by a colon is the message, not a prefix
    expect(messageCore("controller | AssertionError: 'ACTIVE' != 'ERROR'")).toBe("AssertionError: 'ACTIVE' != 'ERROR'");
  });

  it('replaces ids, uuids, hex, numbers, addresses, temporary paths, timestamps and numbered hosts', () => {
    const line = `controller | 2026-11-29T07:45:32.987Z req-${uuid(7)} on ze01.opendev.org from 10.0.3.17:5672 fa:16:3e:aa:bb:cc wrote /tmp/tmpab12cd/x.log id deadbeef1234 after 37 s at 12:01:02`;
    expect(normaliseLine(line)).toBe(
      '<ts> req-<uuid> on <host> from <ip> <mac> wrote <path> id <hex> after <num> s at <ts>',
    );
    // words with digits in them stay (py312, E501, amd64), so do ordinary paths and hosts
    expect(normaliseLine('py312: E501 amd64 ./nova/api/utils.py git.openstack.org')).toBe(
      'py312: E501 amd64 ./nova/api/utils.py git.openstack.org',
    );
    expect(tokens(normaliseLine(`Timed out waiting for ${uuid(1)} after 30 s`))).toEqual([
      'timed',
      'out',
      'waiting',
      'for',
      'after',
    ]);
  });

  it('splits a line into phrase candidates at its variable words', () => {
    expect(
      wordRuns(`Timed out waiting for a reply to message ID ${uuid(4).replace(/-/g, '')} after 60 seconds`),
    ).toEqual(['Timed out waiting for a reply to message ID', 'after', 'seconds']);
  });
});

function build(i: number, line: string, extra: Partial<BuildLines> = {}): BuildLines {
  return {
    uuid: `b${i}`,
    job: i % 2 ? 'tempest-full-py3' : 'grenade',
    project: 'openstack/nova',
    time: 1_000_000 + i * 1000,
    lines: [{ line, file: 'job-output.txt' }],
    ...extra,
  };
}

describe('clustering builds by their telling lines', () => {
  const bugA = (i: number) => `controller | Timed out waiting for a reply to message ID ${uuid(i).replace(/-/g, '')}`;
  const bugAOslo = (i: number) =>
    `Nov 26 04:51:36.${100000 + i} np00${9000000 + i} nova-compute[${800 + i}]: ERROR nova.compute.manager [None req-${uuid(i)} tempest-T-${i} tempest-T-${i}-project-member] Timed out waiting for a reply to message ID ${uuid(i + 50).replace(/-/g, '')}`;
  const bugB = (i: number) => `controller | Hash Sum mismatch for mirror.ovh-bhs1.opendev.org after ${i} tries`;
  const builds = [
    ...Array.from({ length: 6 }, (_, i) => build(i, bugA(i))),
    ...Array.from({ length: 3 }, (_, i) =>
      build(10 + i, bugAOslo(i), { lines: [{ line: bugAOslo(i), file: 'screen-n-cpu.txt' }] }),
    ),
    ...Array.from({ length: 4 }, (_, i) => build(20 + i, bugB(i))),
    build(30, "controller | AssertionError: 'ACTIVE' != 'ERROR'"),
  ];

  it('puts the same error in different files, formats and with different ids in one cluster, other errors apart', () => {
    const clusters = clusterBuilds(builds);
    const members = clusters.map((c) => c.builds.map((b) => b.uuid).sort());
    expect(members).toContainEqual([...Array.from({ length: 6 }, (_, i) => `b${i}`), 'b10', 'b11', 'b12'].sort());
    expect(members).toContainEqual(['b20', 'b21', 'b22', 'b23']);
    expect(members).toContainEqual(['b30']);
    expect(clusters).toHaveLength(3);
    // builds newest first
    const a = clusters.find((c) => c.builds.length === 9)!;
    expect(a.builds.slice(0, 6).map((b) => b.time)).toEqual(
      [...a.builds.slice(0, 6).map((b) => b.time)].sort((x, y) => y - x),
    );
  });

  it('proposes the common text as phrases, with the file only when the builds share it', () => {
    const clusters = clusterBuilds(builds);
    const a = clusters.find((c) => c.builds.length === 9)!;
    expect(proposalQuery(a)).toBe('message:"Timed out waiting for a reply to message ID"');
    const b = clusters.find((c) => c.builds.length === 4)!;
    // four words are specific enough: no second phrase
    expect(proposalQuery(b)).toBe('message:"Hash Sum mismatch for" AND tags:"job-output.txt"');
    for (const c of clusters) expect(validateQuery(proposalQuery(c)).ok).toBe(true);
    const line = a.builds[0].lines[0].line;
    const [[s, e]] = commonRanges(line, a.phrases);
    expect(line.slice(s, e)).toBe('Timed out waiting for a reply to message ID');
  });

  it('keeps a cluster id from one run to the next while its leading text stays, whatever else changes', () => {
    const first = clusterBuilds(builds);
    const more = clusterBuilds([
      ...builds.slice(2),
      build(40, bugA(40)),
      build(41, 'controller | something else entirely went wrong here'),
    ]);
    const id = (cs: typeof first, uuid: string) => cs.find((c) => c.builds.some((b) => b.uuid === uuid))!.id;
    expect(id(more, 'b3')).toBe(id(first, 'b3'));
    expect(id(more, 'b20')).toBe(id(first, 'b20'));
    expect(id(first, 'b3')).not.toBe(id(first, 'b20'));
  });

  it('offers narrower proposals: a further phrase every build has, its few jobs, and both', () => {
    const lines = (i: number) => [
      { line: `controller | WARN: failed: route add -net 10.${i}.0.0 gw 10.0.0.1`, file: 'job-output.txt' },
      { line: `controller | RTNETLINK answers: File exists on br-ex ${i}`, file: 'job-output.txt' },
    ];
    const [c] = clusterBuilds(Array.from({ length: 4 }, (_, i) => build(i, '', { lines: lines(i) })));
    expect(c.builds).toHaveLength(4);
    const base = proposalQuery(c);
    expect(narrowedQueries(c)).toEqual([
      `${base} AND message:"RTNETLINK answers: File exists on br-ex"`,
      `${base} AND (build_name:"grenade" OR build_name:"tempest-full-py3")`,
      `${base} AND message:"RTNETLINK answers: File exists on br-ex" AND (build_name:"grenade" OR build_name:"tempest-full-py3")`,
    ]);
    for (const q of narrowedQueries(c)) expect(validateQuery(q).ok).toBe(true);
    // a phrase only some builds have narrows nothing, and many jobs are not named
    const mixed = {
      ...c,
      builds: c.builds.map((b, i) => ({ ...b, job: `job-${i}`, lines: i ? b.lines : b.lines.slice(0, 1) })),
    };
    expect(narrowedQueries(mixed)).toEqual([]);
  });

  it('escapes quotes and backslashes of the common text in the query', () => {
    expect(proposalQuery({ phrases: ['say "hi" \\ now'], file: 'a"b.txt' })).toBe(
      'message:"say \\"hi\\" \\\\ now" AND tags:"a\\"b.txt"',
    );
  });
});

describe('choosing the telling lines of a build', () => {
  const ordinary = ordinaryLines([
    'controller | Job: tempest-full-py3',
    'controller | Job: grenade',
    'Nov 26 04:51:36.154541 np0097041197 nova-compute[8817]: WARNING oslo_config.cfg [-] Deprecated: Option "use_neutron" from group "DEFAULT" is deprecated for removal.',
    'Nov 26 04:52:36.154541 np0097041198 nova-compute[8818]: WARNING oslo_config.cfg [-] Deprecated: Option "use_neutron" from group "DEFAULT" is deprecated for removal.',
    'controller | failed to get a lease',
  ]);
  const cand = (line: string, time: number, score = 0): Candidate => ({
    line,
    time,
    score,
    novel: novelty(line, ordinary.vocabulary),
  });

  it('learns the frequent ordinary templates (2+ words) and their words', () => {
    expect(ordinary.templates).toEqual([
      'Deprecated: Option "use_neutron" from group "DEFAULT" is deprecated for removal.',
    ]);
    // the engine excludes a template's lines by its three rarest words (ties: alphabetical), in its order
    expect(ordinary.exclusions).toEqual(['deprecated default for']);
    expect(
      ordinaryLines(['alpha beta rare common', 'xx common', 'alpha beta rare common', 'yy common']).exclusions,
    ).toEqual(['alpha beta rare']);
    expect(ordinary.vocabulary.has('deprecated')).toBe(true);
    expect(novelty('controller | Job: tempest-full-py3', ordinary.vocabulary)).toBe(0);
    expect(novelty('controller | Hash Sum mismatch', ordinary.vocabulary)).toBe(1);
  });

  it('prefers a line ordinary lines do not have over a louder ordinary one, then the telling-line score', () => {
    const warning =
      'Nov 26 04:51:36.154541 np0097041197 nova-compute[8817]: WARNING oslo_config.cfg [-] Deprecated: Option "use_neutron" from group "DEFAULT" is deprecated for removal.';
    const picked = pickTellingLines([
      cand(warning, 1, 2),
      cand('controller | Hash Sum mismatch on the mirror', 5, 0),
      cand('controller | Job: grenade', 0, 0),
    ]);
    expect(picked.map((l) => l.line)).toEqual(['controller | Hash Sum mismatch on the mirror']);
    // word pairs count: known words in a new order are new
    expect(novelty('controller | a lease failed to get', ordinary.vocabulary)).toBeGreaterThan(0);
  });

  it("among equally ordinary lines, takes the one with the engine's error words over the earlier one", () => {
    // a noisy bug's line: successful builds log it too, so it is no newer than the lines around it
    const noisy = 'controller | Job: grenade';
    const ordinaryLine = 'controller | Job: tempest-full-py3';
    expect(novelty(noisy, ordinary.vocabulary)).toBe(0);
    const picked = pickTellingLines([
      { ...cand(ordinaryLine, 1, 0), errorScore: 0 },
      { ...cand(noisy, 9, 0), errorScore: 4.2 },
    ]);
    // (the second follows as the first says little)
    expect(picked.map((l) => l.line)).toEqual([noisy, ordinaryLine]);
    // without error words the earlier one first, as before
    expect(pickTellingLines([cand(ordinaryLine, 1, 0), cand(noisy, 9, 0)]).map((l) => l.line)).toEqual([
      ordinaryLine,
      noisy,
    ]);
  });

  it('adds the next equally telling line when the best one says little', () => {
    const picked = pickTellingLines([
      cand('controller | Boom', 1, 2),
      cand('controller | Boom: quota exceeded for ports', 2, 2),
      cand('controller | yet another novel line here', 3, 0),
    ]);
    expect(picked.map((l) => l.line)).toEqual(['controller | Boom', 'controller | Boom: quota exceeded for ports']);
    // a best line with three words or more stands alone
    expect(
      pickTellingLines([cand('controller | Boom: quota exceeded', 1, 2), cand('controller | Boom again', 2, 2)]).map(
        (l) => l.line,
      ),
    ).toEqual(['controller | Boom: quota exceeded']);
  });
});

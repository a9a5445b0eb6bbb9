import { clearCompileCache, compileSignatures, compileStats } from './compile';
import { sig } from '../../../test/fixtures/signatures';

describe('compileSignatures: once per signature version, anchors on first read', () => {
  beforeEach(() => clearCompileCache());

  const counts = () => ({ ...compileStats });
  const delta = (before: typeof compileStats) => ({
    queries: compileStats.queries - before.queries,
    anchorPlans: compileStats.anchorPlans - before.anchorPlans,
  });

  it('a second request with the same signatures compiles nothing', () => {
    const set = [
      sig('1', 'message:"No valid host was found"'),
      sig('2', 'message:"Timed out waiting" AND tags:console'),
    ];
    let before = counts();
    const first = compileSignatures(set);
    expect(delta(before)).toEqual({ queries: 2, anchorPlans: 0 });
    before = counts();
    const second = compileSignatures(set.map((s) => ({ ...s }))); // the store answers new objects each time
    expect(delta(before)).toEqual({ queries: 0, anchorPlans: 0 });
    expect(second.map((c) => c.query)).toEqual(first.map((c) => c.query));
  });

  it('computes anchor tokens only when read, and once', () => {
    const set = [sig('1', 'message:"No valid host was found"')];
    const before = counts();
    const [c] = compileSignatures(set);
    expect(delta(before).anchorPlans).toBe(0);
    expect(c.anchors).toEqual(['valid']);
    expect(c.anchorPlan).toBeTruthy();
    expect(compileSignatures(set)[0].anchors).toEqual(['valid']);
    expect(delta(before)).toEqual({ queries: 1, anchorPlans: 1 });
  });

  it('compiles an edited signature again, and only that one', () => {
    compileSignatures([sig('1', 'message:"No valid host was found"'), sig('2', 'message:"Timed out waiting"')]);
    const before = counts();
    const edited = compileSignatures([
      sig('1', 'message:"Connection to the host refused"'),
      sig('2', 'message:"Timed out waiting"'),
    ]);
    expect(delta(before).queries).toBe(1);
    expect(JSON.stringify(edited[0].query)).toContain('Connection to the host refused');
    expect(edited[0].anchors).toEqual(['connection']);
    // allow-nonvoting and scope change the engine query too
    const nonvoting = compileSignatures([
      sig('1', 'message:"Connection to the host refused"', { allowNonvoting: true }),
    ]);
    expect(delta(before).queries).toBe(2);
    expect(JSON.stringify(nonvoting[0].query)).not.toContain('voting');
    compileSignatures([
      sig('1', 'message:"Connection to the host refused"', { allowNonvoting: true, scope: { projects: ['nova'] } }),
    ]);
    expect(delta(before).queries).toBe(3);
  });

  it('gives the current signature object even when the query is cached (title edits show at once)', () => {
    compileSignatures([sig('1', 'message:"x y z"', { title: 'old' })]);
    const [c] = compileSignatures([sig('1', 'message:"x y z"', { title: 'new' })]);
    expect(c.signature.title).toBe('new');
  });

  it('still refuses duplicate ids, and a custom query builder gets no anchors', () => {
    expect(() => compileSignatures([sig('1', 'a'), sig('1', 'b')])).toThrow('duplicate signature id "1"');
    const [c] = compileSignatures([sig('1', 'message:"No valid host"')], () => ({ match_all: {} }));
    expect(c.query).toEqual({ match_all: {} });
    expect(c.anchors).toBeUndefined();
  });
});

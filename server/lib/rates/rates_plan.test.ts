/* How the signatures are split into the searches of one _msearch: pure planning, no engine. */
import { sig } from '../../../test/fixtures/signatures';
import { compileSignatures } from '../signatures/compile';
import { planRatesSearches } from './rates';

describe('planRatesSearches (how the signatures are split into the searches of one _msearch)', () => {
  const compiled = compileSignatures([
    sig('rare-1', 'message:"PortBindingFailed here"'),
    sig('rare-2', 'message:VirtualInterfaceCreateException'),
    sig('common-1', 'message:failed'),
    sig('common-2', 'message:failed AND message:"never seen"'),
    sig('wild', 'message:fail*'),
  ]);
  const anchors = compiled.map((c) => c.anchors);
  const df = new Map([
    ['portbindingfailed', 3],
    ['virtualinterfacecreateexception', 5],
    ['failed', 200000],
    ['never', 150000],
    ['seen', 150000],
  ]);
  const ids = (groups: ReturnType<typeof planRatesSearches>) =>
    groups.map((g) => [g.signatures.map((c) => c.signature.id).sort(), g.anchors]);

  it('keeps a common anchor away from the rare ones, shares searches by token, leaves the unanchored un-narrowed', () => {
    expect(anchors).toEqual([['portbindingfailed'], ['virtualinterfacecreateexception'], ['failed'], ['failed'], null]);
    expect(ids(planRatesSearches(compiled, anchors, df, 3000))).toEqual([
      [
        ['rare-1', 'rare-2'],
        ['portbindingfailed', 'virtualinterfacecreateexception'],
      ],
      [['common-1', 'common-2'], ['failed']],
      [['wild'], null],
    ]);
  });

  it('without statistics every token counts alike; a search cost of 0 gives each signature its own search', () => {
    // each token then costs the same, so a third token is not worth a third check per line: 2 searches
    expect(ids(planRatesSearches(compiled, anchors, undefined, 3000))).toEqual([
      [
        ['rare-1', 'rare-2'],
        ['portbindingfailed', 'virtualinterfacecreateexception'],
      ],
      [['common-1', 'common-2'], ['failed']],
      [['wild'], null],
    ]);
    expect(planRatesSearches(compiled, anchors, undefined, 1e9).map((g) => g.signatures.length)).toEqual([4, 1]);
    expect(planRatesSearches(compiled, anchors, df, 0).map((g) => g.signatures.length)).toEqual([1, 1, 1, 1, 1]);
  });
});

/** @jest-layer engine */
import { httpEngineClient } from '../../../lib/engine_client';
import { engineRequest, engineUrl, uniqueName } from '../../../test/setup/engine';
import { dropStale, signatureSetHash } from './percolator';
import { compileSignatures } from '../signatures/compile';
import { sig } from '../../../test/fixtures/signatures';

describe('percolator indices', () => {
  const prefix = `${uniqueName('er-core-perc-stale')}-`;
  afterAll(async () => engineRequest('DELETE', `/${prefix}*`).catch(() => undefined));

  it('names the index after the signature set: same set, same name; any change, another', () => {
    const a = signatureSetHash(compileSignatures([sig('1', 'message:x'), sig('2', 'message:y')]));
    expect(signatureSetHash(compileSignatures([sig('1', 'message:x'), sig('2', 'message:y')]))).toBe(a);
    expect(signatureSetHash(compileSignatures([sig('1', 'message:x'), sig('2', 'message:z')]))).not.toBe(a);
    expect(
      signatureSetHash(compileSignatures([sig('1', 'message:x', { allowNonvoting: true }), sig('2', 'message:y')])),
    ).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{20}$/);
    // the last set's hash is reused only for the very same compiled queries, in the same order
    const set = compileSignatures([sig('1', 'message:x'), sig('2', 'message:y')]);
    expect(signatureSetHash(set)).toBe(a);
    expect(signatureSetHash([set[1], set[0]])).not.toBe(a);
    expect(signatureSetHash(compileSignatures([sig('1', 'message:x'), sig('2', 'message:y2')]))).not.toBe(a);
    expect(signatureSetHash(compileSignatures([sig('1', 'message:x'), sig('2', 'message:y')]))).toBe(a);
  });

  it('deletes indices of older signature sets, not the current one nor foreign names', async () => {
    const old = `${prefix}${'a'.repeat(20)}`;
    const current = `${prefix}${'b'.repeat(20)}`;
    const foreign = `${prefix}notahash`;
    for (const name of [old, current, foreign])
      await engineRequest('PUT', `/${name}`, { settings: { number_of_replicas: 0 } });
    await dropStale(httpEngineClient(engineUrl()), current, 0);
    const left = (await engineRequest<Array<{ index: string }>>('GET', `/_cat/indices/${prefix}*?format=json&h=index`))
      .map((r) => r.index)
      .sort();
    expect(left).toEqual([current, foreign].sort());
  });
});

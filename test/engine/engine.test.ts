/** @jest-layer engine */
/* The engine every other test relies on is a real OpenSearch 2.19.1 node with the modules we need. */
import { engineRequest, uniqueName } from '../setup/engine';

describe('the real engine', () => {
  it('reports OpenSearch 2.19.1', async () => {
    const root = await engineRequest('GET', '/');
    expect(root.version.distribution).toBe('opensearch');
    expect(root.version.number).toBe('2.19.1');
  });

  it('has the percolator, painless and analysis-common modules loaded', async () => {
    const plugins: Array<{ component: string }> = await engineRequest('GET', '/_cat/plugins?format=json');
    const components = plugins.map((p) => p.component);
    expect(components).toEqual(
      expect.arrayContaining([
        'org.opensearch.percolator.PercolatorPlugin',
        'org.opensearch.painless.PainlessPlugin',
        'org.opensearch.analysis.common.CommonAnalysisPlugin',
      ]),
    );
    const nodes = await engineRequest('GET', '/_nodes/plugins');
    const node = Object.values<any>(nodes.nodes)[0];
    expect(node.plugins.map((p: { name: string }) => p.name)).toContain('org.opensearch.percolator.PercolatorPlugin');
  });

  it('runs a percolate query and a query_string phrase query', async () => {
    const index = uniqueName('engine-smoke');
    await engineRequest('PUT', `/${index}`, {
      mappings: {
        properties: { query: { type: 'percolator' }, message: { type: 'text' }, build_uuid: { type: 'keyword' } },
      },
    });
    try {
      await engineRequest('PUT', `/${index}/_doc/sig-1?refresh=true`, {
        query: { query_string: { query: 'message:"No valid host was found"' } },
      });
      await engineRequest('PUT', `/${index}/_doc/log-1?refresh=true`, {
        message: 'ERROR nova.scheduler: No valid host was found. There are not enough hosts',
        build_uuid: 'b1',
      });
      await engineRequest('PUT', `/${index}/_doc/log-2?refresh=true`, {
        message: 'host was found valid, no error',
        build_uuid: 'b2',
      });

      const percolated = await engineRequest('POST', `/${index}/_search`, {
        query: {
          percolate: {
            field: 'query',
            document: { message: 'No valid host was found. There are not enough hosts available.' },
          },
        },
      });
      expect(percolated.hits.hits.map((h: { _id: string }) => h._id)).toEqual(['sig-1']);

      const phrase = await engineRequest('POST', `/${index}/_search`, {
        query: { query_string: { query: 'message:"No valid host was found"' } },
      });
      expect(phrase.hits.hits.map((h: { _id: string }) => h._id)).toEqual(['log-1']);
    } finally {
      await engineRequest('DELETE', `/${index}`);
    }
  });
});

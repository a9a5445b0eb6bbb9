import { messageAlternatives, proposalScores, scoreBug } from './cluster_scores';

describe('scoring clusters against the ground truth', () => {
  it('counts the different messages a signature ORs', () => {
    expect(messageAlternatives('message:"a b" AND tags:"x.txt"')).toBe(1);
    expect(
      messageAlternatives(`(message:"ERROR - Failed creating OVB stack" OR
   message:"ERROR - Couldn't retrieve env") AND
  tags:console`),
    ).toBe(2);
    // an OR of files is not an OR of messages
    expect(messageAlternatives('message:"java.io.InterruptedIOException" AND (tags:"console.html" OR tags:"x")')).toBe(
      1,
    );
    expect(messageAlternatives('(message:"a" OR message:"b" OR message:"c") AND message:"d"')).toBe(3);
    // spaces after the colon (1686542's own signature)
    expect(
      messageAlternatives(
        '(message: "FAILED with status: 137" OR message: "FAILED with status: 143" OR message: "RUN END RESULT_TIMED_OUT") AND NOT message:"POST-RUN END RESULT_TIMED_OUT" AND tags: "console"',
      ),
    ).toBe(3);
  });

  const bug = new Set(['b1', 'b2', 'b3', 'b4', 'b5', 'b6']);
  const clusters = [
    { id: 'c1', builds: ['b1', 'b2', 'b3', 'b4'], query: 'message:"first"' },
    { id: 'c2', builds: ['b5', 'b6'], query: 'message:"second"' },
    { id: 'c3', builds: ['x1', 'x2'], query: 'message:"other"' },
  ];

  it('scores the cluster holding most of the bug: purity and completeness', () => {
    expect(scoreBug('1', bug, clusters)).toEqual({
      bug: '1',
      builds: 6,
      clusterId: 'c1',
      clusterSize: 4,
      purity: 1,
      completeness: 4 / 6,
      query: 'message:"first"',
      clusters: 1,
    });
    expect(scoreBug('1', new Set(['zz']), clusters)).toMatchObject({ clusterSize: 0, purity: 0, completeness: 0 });
  });

  it('scores an OR-signature bug over up to as many pure clusters as its signature has messages', () => {
    expect(scoreBug('1', bug, clusters, 2)).toMatchObject({ clusterSize: 6, purity: 1, completeness: 1, clusters: 2 });
    // an impure second cluster does not count
    const impure = [clusters[0], { id: 'c2', builds: ['b5', 'b6', 'x1'], query: 'q' }];
    expect(scoreBug('1', bug, impure, 2)).toMatchObject({ completeness: 4 / 6, clusters: 1 });
    // nor a third when the signature ORs two messages
    const three = [clusters[0], { id: 'c2', builds: ['b5'], query: 'q' }, { id: 'c4', builds: ['b6'], query: 'q' }];
    expect(scoreBug('1', bug, three, 2)).toMatchObject({ completeness: 5 / 6, clusters: 2 });
  });

  it('scores a proposal by recall and precision against the bug', () => {
    expect(proposalScores(new Set(['b1', 'b2', 'x1', 'x2']), bug)).toEqual({ recall: 2 / 6, precision: 0.5 });
  });
});

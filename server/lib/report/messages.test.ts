import * as fs from 'fs';
import * as path from 'path';
import { CORPUS_DIR, describeWithCorpus } from '../../../test/setup/engine';
import { ELASTIC_RECHECK_MESSAGES } from '../../config';
import { chatFoundText, chatUnrecognizedText, gerritComment, JobBugs, notReadyText } from './messages';

const LP = (n: number) => `https://bugs.launchpad.net/bugs/${n}`;
const CHANGE_URL = 'https://review.opendev.org/64750';

/** The three scenarios of the golden file, as elastic-recheck's test built them. */
const SCENARIOS: Record<string, JobBugs[]> = {
  one_of_two_jobs_classified: [
    { job: 'gate-keystone-python26', bugUrls: [LP(123456)] },
    { job: 'gate-keystone-python27', bugUrls: [] },
  ],
  all_jobs_classified: [
    { job: 'gate-keystone-python26', bugUrls: [LP(123456)] },
    { job: 'gate-keystone-python27', bugUrls: [LP(654321), LP(123456)] },
  ],
  none_classified: [
    { job: 'gate-keystone-python26', bugUrls: [] },
    { job: 'gate-keystone-python27', bugUrls: [] },
  ],
};

describeWithCorpus('report texts match elastic-recheck golden output', () => {
  const golden = JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, 'golden', 'gerrit_irc_messages.json'), 'utf8'));

  const cases: Array<[string, any]> = golden.comments.map((c: any) => [c.scenario, c]);
  test.each(cases)('%s', (scenario, c) => {
    const jobs = SCENARIOS[scenario];
    expect(jobs).toBeDefined();
    expect(gerritComment(jobs, ELASTIC_RECHECK_MESSAGES)).toBe(c.gerrit_review_calls[0].msg);
    const expectedIrc = c.irc_messages[0][1];
    const irc = jobs.some((j) => j.bugUrls.length)
      ? chatFoundText('openstack/keystone', CHANGE_URL, jobs)
      : chatUnrecognizedText(
          'openstack/keystone',
          CHANGE_URL,
          jobs.map((j) => j.job),
          c.queue,
        );
    expect(irc).toBe(expectedIrc);
  });

  test('the not-ready text', () => {
    expect(notReadyText(1200000, 'tempest-full', 64750, '6', '5dd41fe')).toBe(
      golden.irc[0].timeout_message_to_negative_channels[0][1],
    );
  });
});

describe('report texts', () => {
  test('custom messages replace the wording but keep the structure', () => {
    const text = gerritComment([{ job: 'tempest-full', bugUrls: ['https://github.com/o/r/issues/1'] }], {
      ...ELASTIC_RECHECK_MESSAGES,
      footer: 'See https://kibana.example.org/app/elasticRecheck',
    });
    expect(text).toBe(
      "I noticed Zuul failed, I think you hit bug(s):\n\n- tempest-full: https://github.com/o/r/issues/1\n\nIf you believe we've correctly identified the failure, feel free to leave a 'recheck' comment to run the tests again.\nSee https://kibana.example.org/app/elasticRecheck",
    );
  });
});

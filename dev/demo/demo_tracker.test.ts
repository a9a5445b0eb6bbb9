/* The demo's local Launchpad: every demo signature's bug has a title and a status the client reads. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DataGenerator, loadSignatureDirectory } from '../../generator';
import { parseConfig } from '../../server/config';
import { fetchBug } from '../../server/lib/bugs/trackers';
import { readDemoTitles, saveDemoBugs, startDemoTracker, titleFromYaml } from './demo_tracker';

const DIR = path.resolve(__dirname, '..', '..', 'demo', 'signatures');

test('titles from the signature files, fixed bugs where the data stops, one fixed bug that keeps failing', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'er-demo-bugs-'));
  const { signatures } = loadSignatureDirectory(DIR);
  const titles = readDemoTitles(path.join(DIR, '..', 'bugs.json'));
  expect([...titles.keys()].sort()).toEqual(signatures.map((s) => s.id).sort());
  const generator = new DataGenerator({ signatures, builds: 50, seed: 'demo', days: 10, now: '2026-11-20T00:00:00Z' });
  saveDemoBugs(path.join(tmp, 'demo_bugs.json'), generator);
  const tracker = await startDemoTracker(DIR, path.join(tmp, 'demo_bugs.json'), path.join(tmp, 'missing_builds.json'));
  try {
    const config = parseConfig({ bugs: { launchpad: { url: tracker.launchpadUrl } } }).bugs;
    const now = Date.parse('2026-11-20T00:00:00Z');
    const fixedDuringWindow = new Set(generator.usable.filter((u) => u.activeTo < now).map((u) => u.signature.id));
    expect(fixedDuringWindow.size).toBeGreaterThan(0);
    let stillFailingButFixed = 0;
    for (const s of signatures) {
      const bug = (await fetchBug(s.bug, config))!;
      // every demo bug has its own title in demo/bugs.json
      expect(bug.title).toBe(titles.get(s.id));
      if (fixedDuringWindow.has(s.id)) expect(bug.tasks[0].status).toBe('Fix Released');
      if (bug.tasks[0].status === 'Fix Committed') {
        stillFailingButFixed++;
        expect(bug.fixedAt).toBe('2026-11-17T00:00:00.000Z'); // three days before the end: its later failures are regressions
      }
      expect(bug.status).toBe(bug.tasks[0].status.startsWith('Fix') ? 'fixed' : 'open');
    }
    expect(stillFailingButFixed).toBe(1);
    expect((await fetchBug(signatures.find((s) => s.id === '2031017')!.bug, config))!.title).toBe(
      'PortBindingFailed when booting a server: binding failed for port',
    );
  } finally {
    await tracker.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('without a titles entry a demo bug is titled from its file: the first comment line, else the first phrase', () => {
  expect(titleFromYaml('# Guest never answers on port 22.\nquery: message:"x"\n')).toBe(
    'Guest never answers on port 22',
  );
  expect(titleFromYaml('query: message:"Failed to fetch" AND tags:console\n')).toBe('Failed to fetch');
});

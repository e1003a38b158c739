// Fan-out across processes on one store: responses imported by another process (the import
// command, a child process with no way to signal this one) reach a stream open here, through the
// change feed. The embedded store and a standalone mongod have no change streams (they answer
// 40573), so this process polls the versions of the waves it has streams for; on a replica set
// (MONGODB_URI) it follows a change stream instead.
import path from 'node:path';
import { expect } from 'chai';
import { pino } from 'pino';
import { createLiveHub } from '../../../server/dashboard/live/live-hub';
import type { LiveView } from '../../../server/dashboard/live/live.types';
import { readTallies } from '../../../server/analysis/tally/tally.service';
import { readLiveVersion } from '../../../server/dashboard/live/live-version';
import { ROOT, startTestApp, type TestApp } from '../../support/app';
import { runCli } from '../../support/run-cli';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { openEvents, serveHub } from './live-client';

const WAVE = '2011-03';
const POLL_MS = 100;

describe('live figures across processes', function () {
  // The import starts a TypeScript process.
  this.timeout(60_000);
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());
  beforeEach(() => app.reset());

  it('brings responses imported by another process to an open stream, through the change feed', async () => {
    const lines: { msg: string }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { msg: string }) });
    const hub = createLiveHub({ config: { LIVE_POLL_MS: POLL_MS, LIVE_MIN_INTERVAL_MS: 0, LIVE_HEARTBEAT_MS: 60_000, LIVE_STREAM_MAX_AGE_MS: 60_000, LIVE_MAX_STREAMS: 10 }, logger });
    const view: LiveView = {
      key: `${CAPTIC_ID}/${WAVE}/completes`,
      surveyId: CAPTIC_ID,
      waveId: WAVE,
      async compute() {
        const tallies = await readTallies(CAPTIC_ID, WAVE);
        return { header: { completes: (tallies.get('_response') as { n?: number } | undefined)?.n ?? 0 } };
      },
    };
    const server = await serveHub(hub, { completes: view });
    try {
      const readers = [await openEvents(`${server.url}/live/completes`), await openEvents(`${server.url}/live/completes`)];
      for (const reader of readers) await reader.until((r) => r.figures().length === 1, 'the first event');
      expect(readers[0]!.figures()[0]).to.deep.equal({ version: 0, full: true, parts: { header: { completes: 0 } } });
      const { feed } = hub.stats();
      expect(feed).to.be.oneOf(['polling', 'change-stream']);

      const run = await runCli('server/responses/import.cli.ts', ['--survey', CAPTIC_ID, '--wave', WAVE, path.join(ROOT, 'test', 'fixtures', 'import', 'captic-responses.csv')]);
      expect(run.code, run.stderr).to.equal(0);
      // The command's response hooks bumped the wave once per imported response.
      expect(await readLiveVersion(CAPTIC_ID, WAVE)).to.equal(2);
      for (const reader of readers) await reader.until((r) => r.figures().at(-1)?.version === 2, 'the imported responses', 20 * POLL_MS);
      // What the page shows once it applied every event: each carries the parts that changed.
      for (const reader of readers) {
        const shown = Object.assign({}, ...reader.figures().map((update) => update.parts)) as Record<string, unknown>;
        expect(shown).to.deep.equal({ header: { completes: 2 } });
        expect(reader.figures().slice(1).every((update) => !update.full)).to.equal(true);
      }
      // One computation per version the poll saw (it may catch the import between its two
      // responses), each sent to both streams: never one per stream.
      const versions = readers[0]!.figures().map((update) => update.version);
      expect(readers[1]!.figures().map((update) => update.version)).to.deep.equal(versions);
      expect(hub.stats().computations).to.equal(versions.length);
      // Which feed is used is said once, with why.
      const feedLines = lines.filter((line) => line.msg.startsWith('live: '));
      expect(feedLines.map((line) => line.msg)).to.deep.equal([
        feed === 'polling'
          ? `live: the database has no change streams (not a replica set); polling the open waves' versions every ${POLL_MS} ms`
          : 'live: following other processes\' changes through a change stream on live_versions',
      ]);
      for (const reader of readers) reader.close();
    } finally {
      await hub.stop();
      await server.close();
    }
  });
});

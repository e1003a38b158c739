// The live counters heal themselves after crashes (issue 15): the real app on its embedded store,
// journal on disk, answered by several respondents at once and killed with SIGKILL mid-load five
// times, restarted on the same data directory each time. Each kill is aimed at the moment that
// hurts: while a completed response's followers (its counters) have not all run, as its mark in
// the store shows. Then, with nobody running
// `tallies:rebuild`, the counters of every segment must come to equal a recompute from the stored
// responses (the counter sweep, here every 300 ms), and no response acknowledged by the thank-you
// page may be lost or stored twice.
import { waitUntil } from '../../support/wait-until';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { MongoClient, type Db } from 'mongodb';
import { readRunningStore, storeUri } from '../../../server/embedded-mongo/index';
import { loadSurveyFile } from '../../../server/surveys/survey.loader';
import { ROOT } from '../../support/app';
import { childEnv, startAppProcess, type AppProcess } from '../../support/app-process';
import { Browser, type FormFields } from '../../support/browser';
import { seededRandom } from '../../support/seeded-random';
import { CAPTIC_ID, NON_USER_PAGES } from '../../fixtures/captic-answers';
import { countersVersusRecompute } from '../analysis/counters-oracle';

/** The wave the web form answers on a fresh data directory. */
const WAVE = 'demo';
const KILLS = 5;
const RESPONDENTS = 6;
/** Completions acknowledged between a start and its kill: the kill lands mid-load. */
const COMPLETES_BEFORE_KILL = 2;
const HEAL_WITHIN_MS = 10_000;

/** The non-user path of CAP-TIC with answers that vary (so segments differ), its comment naming the respondent. */
function answersFor(random: () => number, tag: string): Array<[string, FormFields]> {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  return [
    ['social_use', NON_USER_PAGES.social_use!],
    ['information', { info_sources: [pick(['specialised_sites', 'radio', 'general_sites']), 'specialised_magazines'] }],
    ['real_networks', { club_member: 'yes' }],
    ['reasons_page', { reasons: [pick(['build_network', 'find_partners', 'exchange_peers'])] }],
    ['captic_project', { themes: [pick(['creation', 'financing', 'training'])], trust_mediated: pick(['yes', 'no']), trust_unmediated: pick(['yes', 'no']), comments: tag }],
    ['profile', { company_size: pick(['tpe', 'pme', 'eti', 'ge']), sector: pick(['retail', 'it_telecom', 'agriculture']), region: pick(['bretagne', 'occitanie', 'grand_est']), function: pick(['business_owner', 'manager']) }],
  ];
}

describe('Live counters after SIGKILL under load', function () {
  this.timeout(90_000);
  let dir: string;
  let app: AppProcess | undefined;
  let client: MongoClient | undefined;
  const acknowledged: string[] = [];
  const random = seededRandom(1515);
  let respondentCount = 0;

  // Every respondent comes from 127.0.0.1: the limit on new responses per address would stop the load.
  const start = () => startAppProcess(childEnv({ DATA_DIR: dir, COUNTER_SWEEP_MS: '300', MAIL_WORKER: 'false', RESPONSE_RATE_LIMIT: '100000' }));

  /** One respondent from consent to the thank-you page; their comment, once the thank-you page shows. */
  async function respond(url: string): Promise<void> {
    respondentCount += 1;
    const tag = `respondent ${respondentCount}`;
    const browser = new Browser(url);
    let page = await browser.submit(await browser.open(`/s/${CAPTIC_ID}`), { consent: 'yes' });
    for (const [pageId, answers] of answersFor(random, tag)) {
      expect(browser.formAction(page)).to.equal(`/s/${CAPTIC_ID}/p/${pageId}`);
      page = await browser.submit(page, answers);
    }
    if (page.status === 200 && page.$('h1').text() === 'Merci, vos réponses ont bien été envoyées') acknowledged.push(tag);
  }

  /** Respondents answering one after another on RESPONDENTS lanes until the app dies under them. */
  function load(url: string): Promise<void> {
    const lane = async () => {
      for (;;) {
        try {
          await respond(url);
        } catch {
          return; // The app was killed under this respondent.
        }
      }
    };
    return Promise.all(Array.from({ length: RESPONDENTS }, lane)).then(() => undefined);
  }

  /**
   * The app's own store, through the socket its lock file names: the same path after every
   * restart, so one client serves them all (closed while a store runs: closing one whose store
   * was killed can hang).
   */
  async function connect(): Promise<MongoClient> {
    const running = await readRunningStore(path.join(dir, 'db'));
    if (!running) throw new Error('the app\'s store is not running');
    return MongoClient.connect(storeUri(running), { serverSelectionTimeoutMS: 5_000 });
  }

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'barometer-counters-'));
  });
  after(async () => {
    if (app?.child.exitCode === null && app.child.signalCode === null) await client?.close();
    await app?.stop('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it(`converge to the recompute for every segment after ${KILLS} kills, with no manual step, and lose or double no acknowledged response`, async () => {
    for (let kill = 0; kill < KILLS; kill += 1) {
      const running = await start();
      app = running;
      const before = acknowledged.length;
      const loaded = load(running.url);
      await waitUntil(`completions after start ${kill + 1}`, () => acknowledged.length >= before + COMPLETES_BEFORE_KILL, 20_000, 25).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}; the app said:\n${running.output().slice(-3000)}`);
      });
      client ??= await connect();
      const responses = client.db('barometer').collection('responses');
      await waitUntil(`a change being followed after start ${kill + 1}`, async () => (await responses.findOne({ followersPending: { $exists: true } }, { projection: { _id: 1 } })) !== null, 20_000);
      await running.stop('SIGKILL');
      await loaded;
    }

    app = await start();
    const db: Db = client!.db('barometer');
    const { definition } = await loadSurveyFile(path.join(ROOT, 'surveys', 'captic-2011.yaml'));
    let differences: string[] = [];
    // Marks cleared too: counters can equal the recompute while a mark waits for its sweep (a
    // kill between a recount and its clearing of the marks it covered).
    await waitUntil('counters equal to the recompute, every mark cleared', async () => {
      differences = await countersVersusRecompute(db, definition, WAVE);
      return differences.length === 0 && (await db.collection('responses').countDocuments({ followersPending: { $exists: true } })) === 0;
    }, HEAL_WITHIN_MS, 25).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\nlast differences: ${differences.join('\n').slice(0, 2000)}`);
    });

    const stored = await db.collection<{ answers: { comments?: string } }>('responses').find({ surveyId: CAPTIC_ID, waveId: WAVE, status: 'complete' }).toArray();
    const comments = stored.map((response) => response.answers.comments ?? '');
    expect(new Set(comments).size, 'no response stored twice').to.equal(comments.length);
    for (const tag of acknowledged) expect(comments, `${tag} acknowledged, then lost`).to.include(tag);
    expect(acknowledged.length).to.be.at.least(KILLS * COMPLETES_BEFORE_KILL);
    expect(await db.collection('responses').countDocuments({ followersPending: { $exists: true } }), 'every mark cleared').to.equal(0);
  });
});

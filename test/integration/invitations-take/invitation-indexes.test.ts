// The invited respondent's path costs index lookups only, with a panel of a thousand members
// invited: a personal link is looked up in exactly one read of the invitations, by the unique
// index on the token's hash, whether it opens anything or not; and a whole invited visit (link,
// consent, every page, the claim at the end) passes while the server refuses collection scans.
import { expect } from 'chai';
import mongoose from 'mongoose';
import {
  appCollections,
  buildDeclaredIndexes,
  checkLookup,
  explainQuery,
  formatCommand,
  recordQueries,
  setNoTableScan,
  type RecordedQuery,
  useMonitoredApp,
} from '../../support/command-log';
import { newInvitationToken } from '../../../server/invitations/invitation-token';
import { CAPTIC_ID, NON_USER_PAGES } from '../../fixtures/captic-answers';
import { answerEveryPage, db, englishBrowser, followAndStart, inviteNewMember, makePanelWave, PANEL_ID } from './panel-support';

const PANEL_SIZE = 1000;
/** An index lookup reads one document (a few when a write retries); a scan reads the whole panel. */
const MAX_EXAMINED = 5;

/** A thousand members of the panel, each invited to the demo wave (tokens nobody will use). */
async function seedPanel(): Promise<void> {
  const members = Array.from({ length: PANEL_SIZE }, (_, i) => ({
    _id: new mongoose.Types.ObjectId(),
    surveyId: CAPTIC_ID,
    panelId: PANEL_ID,
    email: `member${i}@example.org`,
    emailKey: `member${i}@example.org`,
    attributes: { company_size: i % 2 ? 'tpe' : 'pme' },
  }));
  await db().collection('panel_members').insertMany(members);
  await db().collection('invitations').insertMany(members.map((m) => ({
    surveyId: CAPTIC_ID,
    waveId: 'demo',
    panelId: PANEL_ID,
    memberId: m._id.toHexString(),
    tokenHash: newInvitationToken().tokenHash,
    remindersSent: 0,
    completed: false,
  })));
}

/** The recorded queries that are not index lookups of at most MAX_EXAMINED documents, one line each. */
async function scansAmong(queries: RecordedQuery[]): Promise<string[]> {
  const problems: string[] = [];
  for (const query of queries) {
    const run = await checkLookup(query, MAX_EXAMINED);
    if (run.isLookup) continue;
    problems.push(`${query.commandName} on ${query.collection}: ${run.stages.join(' < ')}, ${run.examined} examined; ${formatCommand(query.command)}`);
  }
  return problems;
}

describe('The invited respondent’s path with a thousand invitations', function () {
  this.timeout(60_000);
  const suite = useMonitoredApp();
  beforeEach(async () => {
    await suite.app.reset();
    await buildDeclaredIndexes();
    await makePanelWave({ anonymous: false, quotas: [{ questionId: 'company_size', optionId: 'tpe', limit: 100 }] });
    await seedPanel();
  });

  it('reads the invitations once per link, by the token-hash index, whether the link opens or not', async () => {
    const ana = await inviteNewMember('ana@example.org');
    for (const [what, link, status] of [
      ['unknown', `/s/${CAPTIC_ID}/i/i_${'x'.repeat(43)}`, 404],
      ['valid', ana.link, 303],
    ] as const) {
      const browser = englishBrowser(suite.app.url);
      const recording = recordQueries(new Set(['invitations']));
      const page = await browser.get(link);
      const queries = recording.stop();
      expect(page.status, what).to.equal(status);
      expect(queries.map((q) => [q.commandName, Object.keys(q.filter)]), what).to.deep.equal([['find', ['tokenHash']]]);
      const run = await explainQuery(queries[0]!);
      expect(run.indexes, what).to.deep.equal(['tokenHash_1']);
      expect(Math.max(run.docsExamined, run.keysExamined), what).to.be.at.most(1);
    }
  });

  it('serves a whole invited visit from indexes, and completes it while the server refuses collection scans', async () => {
    const ana = await inviteNewMember('ana@example.org', { company_size: 'tpe' });
    const browser = englishBrowser(suite.app.url);
    const { company_size: _known, ...profile } = NON_USER_PAGES.profile!;
    const recording = recordQueries(appCollections());
    await setNoTableScan(true);
    let queries: RecordedQuery[] = [];
    try {
      const thanks = await answerEveryPage(browser, await followAndStart(browser, ana.link), { ...NON_USER_PAGES, profile });
      expect(thanks.$('h1').text()).to.equal('Thank you, your answers have been sent');
    } finally {
      await setNoTableScan(false);
      queries = recording.stop();
    }
    expect([...new Set(queries.map((q) => q.collection))], 'collections queried').to.include.members(['invitations', 'panel_members', 'responses']);
    const problems = await scansAmong(queries);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });
});

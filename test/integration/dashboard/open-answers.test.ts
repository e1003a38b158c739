// The open answers page, as an analyst reads it in a browser without JavaScript: the "other
// (specify)" texts and comments of a wave's counted complete responses, newest first, 50 a page,
// searched as typed text (never as a pattern), with the respondent's segment; and what it costs
// the server: one aggregation from the {surveyId, waveId, status} index, even with collection
// scans refused.
import { expect } from 'chai';
import mongoose from 'mongoose';
import type { TAnswers } from '../../../server/surveys/answers';
import { importResponses } from '../../../server/responses/import.service';
import { createResponseAdmin } from '../../../server/responses/response-admin.service';
import { createLogger } from '../../../server/lib/logger';
import { useAppSuite } from '../../support/app-suite';
import type { TestApp } from '../../support/app';
import { text, type Page } from '../../support/browser';
import { createStaff, signedInBrowser } from '../../support/staff';
import { explainQuery, formatCommand, recordQueries, setNoTableScan, useMonitoredApp } from '../../support/command-log';
import { TEST_ACTOR } from '../../support/waves';
import { buildCaptic250, type FixtureResponse } from '../../fixtures/captic-250';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

const WAVE = '2011-03';
const OPEN = `/admin/surveys/${CAPTIC_ID}/waves/${WAVE}/dashboard/open-answers`;
const RESPONSES = 120;
const FIRST_COMPLETION = Date.parse('2011-03-01T08:00:00Z');

/** The comment of respondent i; a few are chosen to look like patterns or markup. */
function commentOf(i: number): string {
  const special: Record<number, string> = {
    7: 'a.*b is what I typed',
    8: 'AxxB would match a.*b as a pattern',
    9: 'An open paren ( here',
    10: '<script>alert("owned")</script>',
  };
  return special[i] ?? `comment ${String(i).padStart(3, '0')}`;
}

/**
 * 120 CAP-TIC responses completed a minute apart: each with a comment, every tenth with an
 * "other" sector typed in. Respondent 0 is then voided, 1 is a test response and 2 left partial:
 * none of their answers may show.
 */
async function seedResponses(app: TestApp): Promise<FixtureResponse[]> {
  const records = buildCaptic250()
    .slice(0, RESPONSES)
    .map((record, i) => {
      const answers: TAnswers = { ...record.answers, comments: commentOf(i) };
      const otherTexts = { ...record.otherTexts };
      if (i % 10 === 0) {
        answers.sector = 'other';
        otherTexts.sector = `sector typed by ${i}`;
      }
      const completedAt = new Date(FIRST_COMPLETION + i * 60_000);
      return { ...record, answers, otherTexts, startedAt: new Date(completedAt.getTime() - 600_000).toISOString(), completedAt: completedAt.toISOString(), external_id: `r${i}` };
    });
  await importResponses({ survey: app.catalog.require(CAPTIC_ID), wave: WAVE, format: 'jsonl', content: records.map((r) => JSON.stringify(r)).join('\n') });
  const responses = mongoose.connection.db!.collection('responses');
  const ids = (await responses.find({ surveyId: CAPTIC_ID, waveId: WAVE }, { projection: { _id: 1 } }).sort({ completedAt: 1 }).toArray()).map((doc) => doc._id.toHexString());
  const admin = createResponseAdmin({ catalog: app.catalog, logger: createLogger(app.config), clock: app.clock });
  await admin.voidResponse({ surveyId: CAPTIC_ID, responseId: ids[0]!, reason: 'duplicate respondent' }, TEST_ACTOR);
  // An organizer's preview and an unfinished response, as the take path would store them.
  await responses.updateOne({ _id: new mongoose.Types.ObjectId(ids[1]!) }, { $set: { test: true } });
  await responses.updateOne({ _id: new mongoose.Types.ObjectId(ids[2]!) }, { $set: { status: 'partial' }, $unset: { completedAt: 1 } });
  return records;
}

/** Where CAP-TIC keeps open answers, in the order its questions are asked. */
const OPEN_FIELDS = ['networks', 'info_sources', 'club_obstacles', 'reasons', 'themes', 'comments', 'sector', 'function'];

/** The texts the page should list, worked out from the seeded records: respondents 3 to 119, newest first, each in question order. */
function expectedTexts(records: FixtureResponse[]): string[] {
  const texts: string[] = [];
  for (let i = records.length - 1; i >= 3; i -= 1) {
    const { answers, otherTexts } = records[i]!;
    for (const field of OPEN_FIELDS) {
      const value = field === 'comments' ? answers.comments : otherTexts[field];
      if (typeof value === 'string' && value.trim() !== '') texts.push(value);
    }
  }
  return texts;
}

/** The answers on a page, as the table shows them. */
function rowsOf(page: Page): Array<{ question: string; questionId: string; text: string; segment: string; segmentId: string }> {
  return page.$('#open-answers tbody tr').toArray().map((row) => {
    const cells = page.$(row);
    return {
      question: cells.find('th').text().trim(),
      questionId: cells.attr('data-question') ?? '',
      text: cells.find('td.open-text').text(),
      segment: cells.find('td.segment').text().trim(),
      segmentId: cells.find('td.segment').attr('data-segment') ?? '',
    };
  });
}

/** Respondents 3 to 119 are counted: the sectors of 10, 20, ... 110. */
const COUNTED_SECTORS = 11;

describe('The open answers page', function () {
  this.timeout(60_000);
  let records: FixtureResponse[] = [];
  const suite = useAppSuite({
    organizerOf: [CAPTIC_ID],
    analystOf: [CAPTIC_ID],
    seed: async ({ app }) => {
      records = await seedResponses(app);
    },
  });

  it('shows an analyst every counted answer, newest first, 50 a page, with previous and next links', async () => {
    const analyst = await signedInBrowser(suite.app, suite.analyst);
    analyst.acceptLanguage = 'en';
    const first = await analyst.get(OPEN);
    expect(first.status, first.html.slice(0, 500)).to.equal(200);
    const expected = expectedTexts(records);
    const total = expected.length;
    expect(first.$('#open-total').attr('data-total')).to.equal(String(total));
    expect(text(first, '#open-range')).to.equal(`Answers 1 to 50 of ${total}`);
    // The table says what it holds in its caption; nothing on this page is a live region (it changes only by a new page).
    expect(text(first, '#open-answers > caption')).to.equal(`Answers 1 to 50 of ${total}`);
    expect(first.$('main [aria-live]').length).to.equal(0);
    const firstRows = rowsOf(first);
    expect(firstRows).to.have.length(50);
    expect(firstRows.map((r) => r.text)).to.deep.equal(expected.slice(0, 50));
    expect(firstRows.find((r) => r.text === 'sector typed by 110')?.question).to.equal("What is your company's sector? – Other sector");
    expect(first.$('#newer-page').length).to.equal(0);
    expect(first.$('a[href="' + `/admin/surveys/${CAPTIC_ID}/waves/${WAVE}/dashboard?lang=en` + '"]#back-to-dashboard').length).to.equal(1);

    // Older and older to the last page: every counted answer once, in order, and nothing of the
    // voided (0), test (1) or partial (2) respondent.
    const pages = [first];
    for (let last = first; last.$('#older-page').length; ) {
      last = await analyst.get(last.$('#older-page').attr('href')!);
      pages.push(last);
    }
    expect(pages).to.have.length(Math.ceil(total / 50));
    pages.forEach((page, p) => {
      expect(text(page, '#open-range')).to.equal(`Answers ${p * 50 + 1} to ${Math.min(total, (p + 1) * 50)} of ${total}`);
    });
    const every = pages.flatMap((page) => rowsOf(page).map((r) => r.text));
    expect(every).to.deep.equal(expected);
    expect(every.slice(-1)).to.deep.equal(['comment 003']);

    // And newer again: the same pages, the first one at its own address.
    const last = pages[pages.length - 1]!;
    const back = await analyst.get(last.$('#newer-page').attr('href')!);
    expect(rowsOf(back)).to.deep.equal(rowsOf(pages[pages.length - 2]!));
    expect(text(back, '#open-range')).to.equal(text(pages[pages.length - 2]!, '#open-range'));
    expect(pages[1]!.$('#newer-page').attr('href')).to.equal(`${OPEN}?lang=en`);
  });

  it('shows each answer with the respondent\'s segment: the first declared segment, or the view\'s', async () => {
    const page = await suite.browser.open(`${OPEN}?q=comment+119`);
    const [row] = rowsOf(page);
    const stored = await mongoose.connection.db!.collection('responses').findOne({ 'answers.comments': 'comment 119' });
    const labels: Record<string, string> = { tpe: 'Fewer than 50 employees (micro / small)', pme: '50 to 249 employees (medium)', eti: '250 to 4,999 employees (intermediate)', ge: '5,000 employees or more (large)' };
    expect(page.$('#open-answers thead th').eq(2).text()).to.equal('Segment: How large is your company?');
    expect(row).to.include({ segmentId: stored!.answers.company_size, segment: labels[stored!.answers.company_size as string] });

    const byClub = await suite.browser.open(`${OPEN}?by=club_member&q=comment+119`);
    expect(rowsOf(byClub)[0]).to.include({ segmentId: stored!.answers.club_member, segment: stored!.answers.club_member === 'yes' ? 'Yes' : 'No' });

    // The dashboard's filter narrows the respondents.
    const small = await suite.browser.open(`${OPEN}?filter=company_size:tpe&question=comments`);
    const counted = await mongoose.connection.db!.collection('responses').countDocuments({ surveyId: CAPTIC_ID, waveId: WAVE, status: 'complete', test: { $ne: true }, 'answers.company_size': 'tpe' });
    expect(small.$('#open-total').attr('data-total')).to.equal(String(counted));
    expect(rowsOf(small).every((r) => r.segmentId === 'tpe')).to.equal(true);
    expect(text(small, '#open-filter')).to.equal('Respondents filtered: How large is your company?: Fewer than 50 employees (micro / small)');
  });

  it('finds typed text as typed, whatever its case, never as a pattern', async () => {
    const find = async (q: string) => rowsOf(await suite.browser.open(`${OPEN}?${new URLSearchParams({ q })}`)).map((r) => r.text);
    expect(await find('a.*b')).to.deep.equal(['AxxB would match a.*b as a pattern', 'a.*b is what I typed']);
    expect(await find('(')).to.deep.equal(['<script>alert("owned")</script>', 'An open paren ( here']);
    expect(await find('COMMENT 11')).to.have.length(10);
    expect(await find('[')).to.deep.equal([]);
    const none = await suite.browser.open(`${OPEN}?q=nobody+wrote+this`);
    expect(text(none, '#open-empty')).to.equal('No open answer matches.');
    expect(none.$('#open-total').attr('data-total')).to.equal('0');
  });

  it('filters by question, and refuses a question with no open answers', async () => {
    const sectors = await suite.browser.get(`${OPEN}?question=sector`);
    expect(rowsOf(sectors).map((r) => r.questionId)).to.deep.equal(Array(COUNTED_SECTORS).fill('sector'));
    expect(sectors.$('#question option[selected]').attr('value')).to.equal('sector');
    for (const question of ['no_such_question', 'company_size']) {
      const refused = await suite.browser.get(`${OPEN}?question=${question}`);
      expect(refused.status, question).to.equal(400);
    }
  });

  it('prints a respondent\'s markup as text', async () => {
    const page = await suite.browser.get(`${OPEN}?q=alert`);
    expect(rowsOf(page).map((r) => r.text)).to.deep.equal(['<script>alert("owned")</script>']);
    expect(page.html).to.contain('&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt;');
    expect(page.html).not.to.contain('<script>alert');
  });

  it('refuses a page address it did not write (400) and offers the first page past the last', async () => {
    for (const bad of ['2', '-1', 'older-abc', 'older-1-zz-0']) {
      const page = await suite.browser.get(`${OPEN}?page=${bad}`);
      expect(page.status, bad).to.equal(400);
    }
    // Older than the oldest answer: an empty page that leads back to the first.
    const past = await suite.browser.get(`${OPEN}?page=older-0-000000000000000000000000-0`);
    expect(past.status).to.equal(200);
    expect(text(past, '#open-empty')).to.equal('This page is past the last one.');
    expect(past.$('#first-page').attr('href')).to.equal(`${OPEN}?lang=en`);
  });

  it('says so when a wave has no open answers yet', async () => {
    const page = await suite.browser.get(`/admin/surveys/${CAPTIC_ID}/waves/demo/dashboard/open-answers`);
    expect(page.status).to.equal(200);
    expect(text(page, '#open-empty')).to.equal('No open answers yet.');
    expect(page.$('#open-answers').length).to.equal(0);
  });
});

describe('What the open answers page costs the server', function () {
  this.timeout(60_000);
  const suite = useMonitoredApp();
  before(async () => {
    await suite.app.reset();
    await seedResponses(suite.app);
  });

  it('reads the wave\'s complete responses from the {surveyId, waveId, status} index, with collection scans refused', async () => {
    const analyst = await createStaff(suite.app, { email: 'analyst@example.org', role: 'analyst', grants: [CAPTIC_ID] });
    const browser = await signedInBrowser(suite.app, analyst);
    const recording = recordQueries(new Set(['responses']));
    await setNoTableScan(true);
    let pages: Page[];
    try {
      const first = await browser.get(`${OPEN}?q=comment`);
      pages = [first, await browser.get(first.$('#older-page').attr('href')!)];
    } finally {
      await setNoTableScan(false);
    }
    const queries = recording.stop();
    expect(pages.map((p) => p.status)).to.deep.equal([200, 200]);
    expect(queries.map((q) => q.commandName)).to.deep.equal(['aggregate', 'aggregate']);
    for (const query of queries) {
      const run = await explainQuery(query);
      const where = formatCommand(query.command);
      expect(run.stages, where).to.include('IXSCAN');
      expect(run.stages, where).not.to.include('COLLSCAN');
      expect(run.indexes, where).to.deep.equal(['surveyId_1_waveId_1_status_1']);
    }
  });
});

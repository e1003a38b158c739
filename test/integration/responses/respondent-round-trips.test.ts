// How many times the respondent path goes to the database: a page is one read of the response,
// a page post one read and one conditional write (which returns the document: nothing is read
// after it), and only the completing post adds the live counters' writes (the tallies, the
// wave's activity and its live version: docs/decisions/0009-live-dashboard-updates.md). Round
// trips are most of what a page costs (docs/benchmarks.md), so a new one must be a decision, not
// an accident.
import { expect } from 'chai';
import { Browser, type Page } from '../../support/browser';
import { listenToCommands, useMonitoredApp } from '../../support/command-log';
import { CAPTIC_ID, USER_PAGES } from '../../fixtures/captic-answers';
import { ROUND_TRIPS_PER_RESPONSE } from '../../../bench/load/respondent-sequence';

/** Commands the app sends while `step` runs, as "command collection"; waves are left out (below). */
async function commandsDuring(step: () => Promise<Page>): Promise<{ page: Page; commands: string[] }> {
  const commands: string[] = [];
  const stop = listenToCommands((event, collection) => {
    // The survey's wave is read again whenever its cached copy expires (every 500 ms at most),
    // which a slow machine may or may not hit during a step: its cost is bounded by time, not
    // by requests, and test/unit/waves covers it.
    if (collection !== 'waves') commands.push(`${event.commandName} ${String(collection)}`);
  });
  try {
    return { page: await step(), commands };
  } finally {
    stop();
  }
}

describe('Database round trips on the respondent path', () => {
  const suite = useMonitoredApp();
  beforeEach(() => suite.app.reset());

  it('reads the response once per page, and reads and writes it once per page post', async () => {
    const browser = new Browser(suite.app.url);
    // Every step's commands, for the whole response's count that bench:load's floor is built on.
    let roundTrips = 0;
    const step = async (pageStep: () => Promise<Page>) => {
      const done = await commandsDuring(pageStep);
      roundTrips += done.commands.length;
      return done;
    };
    const intro = await step(() => browser.get(`/s/${CAPTIC_ID}`));
    expect(intro.commands, 'intro, no response yet').to.deep.equal([]);

    const started = await step(() => browser.post(browser.formAction(intro.page), { ...browser.hiddenFields(intro.page), consent: 'yes' }));
    expect(started.page.status).to.equal(303);
    // Starting a response is rate-limited per address, counted in MongoDB so every process shares it.
    expect(started.commands, 'consent').to.deep.equal(['findAndModify rate_limits', 'insert responses']);

    const first = await step(() => browser.get(started.page.location!));
    expect(first.commands, 'first page').to.deep.equal(['find responses']);
    let page = first.page;
    const pageIds = Object.keys(USER_PAGES);
    for (const [index, pageId] of pageIds.entries()) {
      expect(page.$('form#survey-form').attr('action')).to.equal(`/s/${CAPTIC_ID}/p/${pageId}`);
      const posted = await step(() => browser.post(browser.formAction(page), { ...browser.hiddenFields(page), ...USER_PAGES[pageId], action: 'next' }));
      expect(posted.page.status, posted.page.$('.error-summary').text()).to.equal(303);
      const last = index === pageIds.length - 1;
      expect(posted.commands, `post of ${pageId}`).to.deep.equal([
        'find responses',
        'findAndModify responses',
        // The live counters move when the response completes (the write above marks it): a look
        // for a counter sweep of the wave and at the mark (a sweep may have counted it already),
        // one batch of upserts, the wave's completes per day, its live version, which tells the
        // open dashboards, and the mark cleared (docs/decisions/0003-live-tallies.md).
        ...(last ? ['find counter_sweeps', 'find responses', 'update tallies', 'update wave_activity', 'findAndModify live_versions', 'update responses'] : []),
      ]);
      const opened = await step(() => browser.get(posted.page.location!));
      expect(opened.commands, `page after ${pageId}`).to.deep.equal(['find responses']);
      page = opened.page;
    }
    expect(page.$('h1').text()).to.equal('Merci, vos réponses ont bien été envoyées');
    expect(roundTrips, 'round trips of the whole response: bench/load/respondent-sequence.ts says how many').to.equal(ROUND_TRIPS_PER_RESPONSE);
  });
});

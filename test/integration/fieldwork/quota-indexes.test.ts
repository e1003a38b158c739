// What quotas cost a respondent: nothing at all on a wave without quotas (no command reaches the
// counters), and on a wave with quotas, index lookups of one counter each, even while the server
// refuses collection scans. The server itself says so (command monitoring and explain).
import { expect } from 'chai';
import type { TestApp } from '../../support/app';
import { Browser, pageIdOf, type Page } from '../../support/browser';
import { explainQuery, formatCommand, recordQueries, setNoTableScan, useMonitoredApp } from '../../support/command-log';
import { CAPTIC_ID, NON_USER_PAGES } from '../../fixtures/captic-answers';
import { createQuotaService } from '../../../server/fieldwork/quota.service';
import { createLogger } from '../../../server/lib/logger';
import { TEST_ACTOR } from '../../support/waves';

const COUNTERS = new Set(['quota_counters']);

/** A whole CAP-TIC response as a non-user; answers the last page seen. */
async function answerSurvey(app: TestApp): Promise<Page> {
  const browser = new Browser(app.url);
  let page = await browser.submit(await browser.open(`/s/${CAPTIC_ID}`), { consent: 'yes' });
  for (let i = 0; i < 10 && page.$('form#survey-form').length; i += 1) page = await browser.submit(page, NON_USER_PAGES[pageIdOf(page) ?? '']!);
  return page;
}

describe('What quotas cost the respondent path', function () {
  this.timeout(60_000);
  const suite = useMonitoredApp();
  beforeEach(() => suite.app.reset());

  it('sends no command to the counters on a wave without quotas', async () => {
    const recording = recordQueries(COUNTERS);
    const last = await answerSurvey(suite.app);
    expect(recording.stop()).to.deep.equal([]);
    expect(last.$('h1').text()).to.equal('Merci, vos réponses ont bien été envoyées');
  });

  it('reads and takes places by one counter\'s index entry, with collection scans refused', async () => {
    const quotas = createQuotaService({ catalog: suite.app.catalog, logger: createLogger(suite.app.config), clock: suite.app.clock });
    await quotas.setQuotas(await quotas.requireWave(CAPTIC_ID, 'demo'), [{ questionId: 'company_size', optionId: 'tpe', limit: 5 }, { questionId: 'uses_social', optionId: 'no', limit: 5 }], TEST_ACTOR);
    const recording = recordQueries(COUNTERS);
    await setNoTableScan(true);
    let last: Page;
    try {
      last = await answerSurvey(suite.app);
    } finally {
      await setNoTableScan(false);
    }
    const queries = recording.stop();
    expect(last.$('h1').text()).to.equal('Merci, vos réponses ont bien été envoyées');
    expect(queries.length).to.be.greaterThan(0);
    for (const query of queries) {
      const run = await explainQuery(query);
      const where = formatCommand(query.command);
      expect(run.stages, where).not.to.include('COLLSCAN');
      expect(run.indexes, where).to.include('surveyId_1_waveId_1_questionId_1_optionId_1');
      expect(Math.max(run.docsExamined, run.keysExamined), where).to.be.at.most(2);
    }
  });
});

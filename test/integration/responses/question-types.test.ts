// The question types CAP-TIC does not use, through the coworking survey: dates, numbers, a matrix
// with a conditional row, a ranking, NPS, exclusive options, and a question that depends on an
// answer on its own page (shown without JavaScript, discarded when its condition fails).
import { expect } from 'chai';
import mongoose from 'mongoose';
import { Browser, type Page } from '../../support/browser';
import { startTestApp, type TestApp } from '../../support/app';

const SURVEY = 'coworking_members_2026';

function pageId(page: Page): string {
  return (page.$('form#survey-form').attr('action') ?? '').split('/p/')[1] ?? '';
}

describe('Question types and same-page conditions (coworking survey)', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(async () => app.close());
  beforeEach(async () => {
    // Its seed wave is open: the shipped survey is answerable on a fresh start.
    await app.reset();
  });

  async function start(browser: Browser): Promise<Page> {
    const intro = await browser.open(`/s/${SURVEY}?lang=en`);
    expect(intro.status).to.equal(200);
    return browser.submit(intro, { consent: 'yes' });
  }

  it('validates numbers and dates on the server and keeps what was typed', async () => {
    const browser = new Browser(app.url);
    const page = await start(browser);
    expect(page.$('#q-days_per_week').attr('type')).to.equal('number');
    expect(page.$('#q-days_per_week').attr('max')).to.equal('7');
    expect(page.$('#q-member_since').attr('type')).to.equal('date');
    const bad = await browser.submit(page, { still_member: 'yes', member_since: '2014-02-30', days_per_week: '9' });
    expect(bad.status).to.equal(422);
    expect(bad.$('#days_per_week-error').text()).to.contain('Enter a number of at most 7.');
    expect(bad.$('#member_since-error').text()).to.contain('Enter a valid date.');
    expect(bad.$('#q-days_per_week').attr('value')).to.equal('9');
    const fraction = await browser.submit(bad, { still_member: 'yes', days_per_week: '2.5' });
    expect(fraction.$('#days_per_week-error').text()).to.contain('Enter a whole number.');
  });

  it('shows a conditional matrix row, checks rankings and stores typed values', async () => {
    const browser = new Browser(app.url);
    let page = await start(browser);
    page = await browser.submit(page, { still_member: 'yes', member_since: '2020-09-01', days_per_week: '4' });
    expect(pageId(page)).to.equal('experience');
    const rows = page.$('#question-facilities [data-row] > legend').map((_, el) => page.$(el).text().trim()).get();
    expect(rows).to.have.length(5);
    const facilities = { 'facilities.wifi': '4', 'facilities.desks': '3', 'facilities.meeting_rooms': '2', 'facilities.kitchen': '1', 'facilities.evening_hours': '4' };
    const tie = await browser.submit(page, { ...facilities, 'priorities.quiet_zones': '1', 'priorities.events': '1', 'priorities.bike_parking': '2', recommend: '9' });
    expect(tie.status).to.equal(422);
    expect(tie.$('#priorities-error').text()).to.contain('Give each item a different rank.');
    expect(tie.$('#priorities-quiet_zones option[selected]').attr('value')).to.equal('1');
    page = await browser.submit(tie, { ...facilities, 'priorities.quiet_zones': '2', 'priorities.events': '1', 'priorities.bike_parking': '3', recommend: '9' });
    expect(pageId(page)).to.equal('last_words');
    const [response] = await mongoose.connection.db!.collection('responses').find({ surveyId: SURVEY }).toArray();
    expect(response!.answers).to.deep.include({
      still_member: 'yes',
      member_since: '2020-09-01',
      days_per_week: 4,
      priorities: ['events', 'quiet_zones', 'bike_parking'],
      recommend: 9,
    });
    expect(response!.answers.facilities).to.deep.equal({ wifi: 4, desks: 3, meeting_rooms: 2, kitchen: 1, evening_hours: 4 });
  });

  it('renders a question that depends on its own page for the script, and discards it when hidden', async () => {
    const browser = new Browser(app.url);
    let page = await start(browser);
    page = await browser.submit(page, { still_member: 'no', days_per_week: '0' });
    expect(pageId(page)).to.equal('leaving');
    const comeBack = page.$('#question-come_back');
    expect(comeBack.length).to.equal(1);
    expect(JSON.parse(comeBack.attr('data-show-if')!)).to.deep.equal({ not: { question: 'leave_reasons', includes: 'moved' } });

    const exclusive = await browser.submit(page, { leave_reasons: ['price', 'rather_not_say'] });
    expect(exclusive.status).to.equal(422);
    expect(exclusive.$('#leave_reasons-error').text()).to.contain('“I\'d rather not say” cannot be combined with another answer.');

    page = await browser.submit(exclusive, { leave_reasons: ['moved'], come_back: '4' });
    expect(pageId(page)).to.equal('last_words');
    let [response] = await mongoose.connection.db!.collection('responses').find({ surveyId: SURVEY }).toArray();
    expect(response!.answers).to.not.have.property('come_back');

    page = await browser.submit(page, {}, 'back');
    page = await browser.submit(page, { leave_reasons: ['price', 'other'], 'leave_reasons--other': 'Parking', come_back: '2' });
    [response] = await mongoose.connection.db!.collection('responses').find({ surveyId: SURVEY }).toArray();
    expect(response!.answers).to.deep.include({ leave_reasons: ['price', 'other'], come_back: 2 });
    expect(response!.otherTexts).to.deep.equal({ leave_reasons: 'Parking' });
    // come_back = 2 now makes the suggestion question appear on the last page.
    expect(page.$('#question-suggestion').length).to.equal(1);
  });
});

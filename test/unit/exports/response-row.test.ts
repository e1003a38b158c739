import path from 'node:path';
import { expect } from 'chai';
import { exportColumns, questionColumns, splitMultipleChoices } from '../../../server/exports/export-columns';
import { buildResponseRow, csvRecord, type ExportedResponse } from '../../../server/exports/response-row';
import { loadSurveyFile, type LoadedSurvey } from '../../../server/surveys/survey.loader';
import { ROOT } from '../../support/app';

function response(answers: ExportedResponse['answers'], otherTexts: ExportedResponse['otherTexts'] = {}): ExportedResponse {
  return {
    id: '65f0c0ffee0000000000abcd',
    waveId: '2026-spring',
    fingerprint: 'sha256:0123456789abcdef',
    language: 'en',
    source: 'web',
    startedAt: new Date('2026-03-02T08:00:00Z'),
    completedAt: new Date('2026-03-02T08:04:30Z'),
    answers,
    otherTexts,
  };
}

describe('Building export rows', () => {
  let coworking: LoadedSurvey;
  before(async () => {
    coworking = await loadSurveyFile(path.join(ROOT, 'surveys', 'coworking-members-2026.yaml'));
  });

  function row(answers: ExportedResponse['answers'], otherTexts: ExportedResponse['otherTexts'] = {}, options = { labels: false, lang: 'en' }): Record<string, unknown> {
    const columns = exportColumns([coworking.definition]);
    const cells = buildResponseRow(columns, response(answers, otherTexts), options);
    return Object.fromEntries(columns.map((c, i) => [c.name, cells[i]]));
  }

  it('names columns by stable ids: matrix rows as question.row, other texts as question--other', () => {
    expect(exportColumns([coworking.definition]).map((c) => c.name)).to.deep.equal([
      'response_id', 'wave', 'fingerprint', 'language', 'source', 'started_at', 'completed_at', 'weight',
      'still_member', 'member_since', 'days_per_week',
      'facilities.wifi', 'facilities.desks', 'facilities.meeting_rooms', 'facilities.kitchen', 'facilities.evening_hours',
      'priorities', 'recommend', 'leave_reasons', 'leave_reasons--other', 'come_back', 'nickname', 'suggestion',
    ]);
  });

  it('keeps numbers as numbers, joins rankings in rank order and multiple choices with ";"', () => {
    const cells = row({ still_member: 'yes', member_since: '2019-05-01', days_per_week: 3, facilities: { wifi: 4, desks: 'dont_know' }, priorities: ['events', 'quiet_zones', 'bike_parking'], recommend: 0 });
    expect(cells).to.include({
      response_id: '65f0c0ffee0000000000abcd',
      wave: '2026-spring',
      still_member: 'yes',
      member_since: '2019-05-01',
      days_per_week: 3,
      'facilities.wifi': 4,
      'facilities.desks': 'dont_know',
      'facilities.kitchen': null,
      priorities: 'events;quiet_zones;bike_parking',
      recommend: 0,
      leave_reasons: null,
    });
    expect(cells.completed_at).to.deep.equal(new Date('2026-03-02T08:04:30Z'));
    const left = row({ still_member: 'no', days_per_week: 0, leave_reasons: ['price', 'other'], come_back: 2 }, { leave_reasons: 'Parking' });
    expect(left).to.include({ leave_reasons: 'price;other', 'leave_reasons--other': 'Parking', come_back: 2 });
  });

  it('gives labels in the language asked for; unlabelled scale points stay numbers', () => {
    const cells = row({ still_member: 'no', days_per_week: 1, leave_reasons: ['moved', 'noise'], come_back: 3 }, {}, { labels: true, lang: 'fr' });
    expect(cells).to.include({ still_member: 'Non', leave_reasons: "J'ai déménagé;Trop bruyant", come_back: 3 });
    const five = row({ still_member: 'no', days_per_week: 1, leave_reasons: ['price'], come_back: 5 }, {}, { labels: true, lang: 'en' });
    expect(five.come_back).to.equal('Certainly');
    const member = row({ still_member: 'yes', days_per_week: 4, facilities: { wifi: 1, evening_hours: 'dont_know' }, priorities: ['events'] }, {}, { labels: true, lang: 'en' });
    expect(member).to.include({ 'facilities.wifi': 'Poor', 'facilities.evening_hours': "Don't know", priorities: 'Community events' });
  });

  it('writes CSV fields: ISO timestamps in UTC, numbers unguarded, formula-looking texts guarded', () => {
    const columns = exportColumns([coworking.definition]);
    const fields = csvRecord(buildResponseRow(columns, response({ still_member: 'yes', days_per_week: -2, nickname: '-2', suggestion: '=HYPERLINK("http://x")' })));
    const byName = Object.fromEntries(columns.map((c, i) => [c.name, fields[i]]));
    expect(byName).to.include({
      completed_at: '2026-03-02T08:04:30.000Z',
      days_per_week: '-2',
      nickname: "'-2",
      suggestion: `'=HYPERLINK("http://x")`,
      member_since: '',
    });
  });

  it('keeps columns that only an older definition version has, after their neighbours', () => {
    const current = coworking.definition;
    const older = JSON.parse(JSON.stringify(current)) as typeof current;
    older.pages[0]!.questions.splice(1, 0, { id: 'referral', type: 'short_text', text: { en: 'Who told you about us?', fr: 'Qui vous a parlé de nous ?' }, required: false, max_length: 200 });
    const names = exportColumns([current, older]).map((c) => c.name);
    expect(names.slice(8, 12)).to.deep.equal(['still_member', 'referral', 'member_since', 'days_per_week']);
    expect(names.filter((n) => n === 'still_member')).to.have.length(1);
    expect(questionColumns(current).map((c) => c.name)).to.not.include('referral');
  });

  describe('weights and multiple choices as 0/1 columns', () => {
    function flags(answers: ExportedResponse['answers'], extra: Partial<ExportedResponse> = {}): Record<string, unknown> {
      const columns = splitMultipleChoices(exportColumns([coworking.definition]));
      const cells = buildResponseRow(columns, { ...response(answers), ...extra });
      return Object.fromEntries(columns.map((c, i) => [c.name, cells[i]]));
    }

    it('writes the design weight, 1 when the response has none', () => {
      expect(flags({ still_member: 'yes' }).weight).to.equal(1);
      expect(flags({ still_member: 'yes' }, { weight: 2.5 }).weight).to.equal(2.5);
    });

    it('replaces a multiple choice by one column per option: 1 chosen, 0 shown and not chosen, empty when not shown', () => {
      const columns = splitMultipleChoices(exportColumns([coworking.definition])).map((c) => c.name);
      expect(columns).to.not.include('leave_reasons');
      expect(columns.filter((n) => n.startsWith('leave_reasons'))).to.deep.equal([
        'leave_reasons_price', 'leave_reasons_moved', 'leave_reasons_remote_home', 'leave_reasons_noise', 'leave_reasons_other', 'leave_reasons_rather_not_say', 'leave_reasons--other',
      ]);
      // Rankings keep their one column: a rank order is not a set of choices.
      expect(columns).to.include('priorities');
      const left = flags({ still_member: 'no', days_per_week: 0, leave_reasons: ['price', 'other'] });
      expect(left).to.include({ leave_reasons_price: 1, leave_reasons_moved: 0, leave_reasons_other: 1, leave_reasons_rather_not_say: 0 });
      // A member never saw the leaving page: no 0 there, nothing.
      const member = flags({ still_member: 'yes', days_per_week: 2 });
      expect(member).to.include({ leave_reasons_price: null, leave_reasons_other: null });
    });

    it("leaves a partial response's unreached pages empty, and writes 0 on the pages it reached", () => {
      const stopped = flags({ still_member: 'no' }, { status: 'partial', lastPageId: 'membership', completedAt: undefined });
      expect(stopped.leave_reasons_price).to.equal(null);
      const onLeaving = flags({ still_member: 'no', leave_reasons: ['moved'] }, { status: 'partial', lastPageId: 'leaving' });
      expect(onLeaving).to.include({ leave_reasons_moved: 1, leave_reasons_price: 0 });
    });
  });
});

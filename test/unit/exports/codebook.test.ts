import path from 'node:path';
import { expect } from 'chai';
import { buildCodebook, codebookRows, describeCondition } from '../../../server/exports/codebook';
import { exportColumns } from '../../../server/exports/export-columns';
import { loadSurveyFile, type LoadedSurvey } from '../../../server/surveys/survey.loader';
import { ROOT } from '../../support/app';

describe('The codebook', () => {
  let coworking: LoadedSurvey;
  before(async () => {
    coworking = await loadSurveyFile(path.join(ROOT, 'surveys', 'coworking-members-2026.yaml'));
  });

  function codebook() {
    return buildCodebook({ surveyId: 'coworking_members_2026', waveId: '2026-spring', fingerprints: [coworking.fingerprint], definition: coworking.definition, columns: exportColumns([coworking.definition]) });
  }

  it('spells display logic out as the base of each column', () => {
    const bases = Object.fromEntries(codebook().columns.map((c) => [c.column, c.base]));
    expect(bases).to.include({
      still_member: 'all respondents',
      'facilities.wifi': 'asked if still_member = yes',
      'facilities.evening_hours': 'asked if still_member = yes and days_per_week >= 3',
      come_back: 'asked if still_member = no and not (leave_reasons includes moved)',
      suggestion: 'asked if recommend <= 6 or come_back in (1, 2)',
      'leave_reasons--other': 'asked if still_member = no and leave_reasons includes other',
      response_id: 'every response',
    });
  });

  it('nests combinations in parentheses', () => {
    expect(describeCondition({ all: [{ question: 'a', equals: 'x' }, { any: [{ question: 'b', gt: 2 }, { question: 'c', answered: false }] }] })).to.equal('a = x and (b > 2 or c not answered)');
  });

  it('lists codes with labels in every survey language, in the survey language order, one row per code', () => {
    const book = codebook();
    expect(book.languages).to.deep.equal(['en', 'fr']);
    const rows = codebookRows(book).filter((r) => r[0] === 'come_back');
    // column, question_id, text_en, text_fr, type, required, code, label_en, label_fr, base, notes
    expect(rows.map((r) => [r[6], r[7], r[8]])).to.deep.equal([
      [1, 'Certainly not', 'Certainement pas'],
      [2, '', ''],
      [3, '', ''],
      [4, '', ''],
      [5, 'Certainly', 'Certainement'],
    ]);
    expect(rows[0]!.slice(0, 6)).to.deep.equal(['come_back', 'come_back', 'Would you consider coming back?', 'Envisageriez-vous de revenir ?', 'rating', 'no']);
    const days = book.columns.find((c) => c.column === 'days_per_week')!;
    expect(days.notes).to.equal('whole number; min 0; max 7; unit: days');
    const priorities = book.columns.find((c) => c.column === 'priorities')!;
    expect(priorities.notes).to.equal('option ids in rank order (rank 1 first), joined with ";"; at least 3 ranked');
  });
});

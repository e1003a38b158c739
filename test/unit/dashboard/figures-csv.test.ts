import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import type { AnsweredResponse } from '../../../server/analysis/figures/figures.service';
import type { Figures } from '../../../server/analysis/figures/figures.types';
import type { QuestionView } from '../../../server/dashboard/dashboard.types';
import { NOT_FOR_PUBLICATION, questionFiguresCsv } from '../../../server/dashboard/figures-csv';
import { buildQuestionViews } from '../../../server/dashboard/question-view';
import { loadSurveyFile } from '../../../server/surveys/survey.loader';
import type { TSurveyDefinition } from '../../../server/surveys/survey.schemas';
import { buildCaptic250 } from '../../fixtures/captic-250';
import { answered, figuresOf } from './dashboard-figures';

// As the dashboard asks for them: nothing withheld below the publication threshold.
const UNWITHHELD = { options: { withhold: false } };

function csvOf(definition: TSurveyDefinition, figures: Figures, questionId: string): string[][] {
  const view = buildQuestionViews({ definition, figures, lang: 'en', lowBaseBelow: 50, openAnswersHref: () => '' }).find((v): v is QuestionView => v.id === questionId);
  if (!view) throw new Error(`no view of ${questionId}`);
  const csv = questionFiguresCsv(view);
  expect(csv.startsWith('\uFEFF'), 'a BOM, for Excel').to.equal(true);
  expect(csv).to.include('\r\n');
  return parse(csv, { bom: true, relax_column_count: true }) as string[][];
}

describe('a question’s figures as CSV', () => {
  let captic: TSurveyDefinition;
  let sample: AnsweredResponse[];
  before(async () => {
    captic = (await loadSurveyFile('surveys/captic-2011.yaml')).definition;
    sample = answered(buildCaptic250().map((r) => r.answers));
  });

  it('names the question and its base, then the table with machine values: proportions in full, counts as counts', () => {
    const figures = figuresOf(captic, sample, UNWITHHELD);
    const rows = csvOf(captic, figures, 'club_member');
    expect(rows[0]).to.deep.equal(['club_member', "Are you a member of a business club or network (chamber of commerce, employers' federation…)?", 'Base: 250 respondents who were asked and answered. Unweighted.']);
    expect(rows[1]).to.deep.equal(['Answer', 'Count', '%', '95% credibility interval']);
    expect(rows[2]).to.deep.equal(['Base', '250', '', '']);
    // F7: 88 club members of 250.
    expect(rows[3]?.slice(0, 3)).to.deep.equal(['Yes', '88', String(figures.questions.club_member?.options?.yes?.proportion)]);
    expect(Number(rows[3]?.[2])).to.equal(0.352);
    // An interval has no single value: its text.
    expect(rows[3]?.[3]).to.match(/^\d+\.\d% – \d+\.\d%$/);
  });

  it('guards labels a spreadsheet would run as formulas', () => {
    const planted = structuredClone(captic);
    const question = planted.pages.flatMap((p) => p.questions).find((q) => q.id === 'club_member');
    if (!question || !('options' in question) || !question.options?.[0]) throw new Error('club_member has no options');
    question.options[0].label = '=HYPERLINK("http://example.test")';
    const rows = csvOf(planted, figuresOf(planted, sample, UNWITHHELD), 'club_member');
    expect(rows[3]?.[0]).to.equal('\'=HYPERLINK("http://example.test")');
  });

  it('puts significance letters in a column of their own after the share they mark', () => {
    // In this sample, Twitter is significantly more used by mid-caps (C) than by columns A and B,
    // at p < 0.01 unadjusted (Benjamini-Hochberg, the default, leaves no letter in this table).
    const figures = figuresOf(captic, sample, { by: 'company_size', adjust: 'none', ...UNWITHHELD });
    expect(figures.crosstab?.tests.networks?.markers.twitter?.eti).to.deep.equal(['A', 'B']);
    const rows = csvOf(captic, figures, 'networks');
    const header = rows[1] ?? [];
    const eti = header.findIndex((h) => h.endsWith('(C)'));
    expect(header[eti + 1]).to.equal(`${header[eti]} (sig.)`);
    expect(header.filter((h) => h.endsWith('(sig.)'))).to.have.lengthOf(1);
    const twitter = rows.find((r) => r[0] === 'Twitter') ?? [];
    expect(Number(twitter[eti])).to.equal(figures.crosstab?.columns.eti?.questions.networks?.options?.twitter?.proportion);
    expect(twitter[eti + 1]).to.equal('AB');
  });

  it('says when the figures are not for publication, and still gives their shares', () => {
    const four = sample.slice(0, 4);
    const rows = csvOf(captic, figuresOf(captic, four, UNWITHHELD), 'uses_social');
    expect(rows[0]?.at(-1)).to.equal(NOT_FOR_PUBLICATION);
    const yes = rows.find((r) => r[0] === 'Yes') ?? [];
    expect(Number(yes[2])).to.equal(Number(yes[1]) / 4);
  });
});

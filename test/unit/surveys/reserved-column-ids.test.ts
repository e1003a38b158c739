// The survey checker refuses ids that would clash with the columns the responses' exports and
// imports keep for themselves (survey.checks.ts, RESERVED_COLUMNS and the option columns).
import { expect } from 'chai';
import { META_COLUMNS, PROGRESS_COLUMNS, VOIDED_COLUMNS } from '../../../server/exports/export-columns';
import { parseSurveySource } from '../../../server/surveys/survey.loader';
import { BASE_METADATA_YAML, lineOfText, problemsOf } from './survey-builders';

const RESERVED_BY_EXPORTS = [...META_COLUMNS, ...PROGRESS_COLUMNS, ...VOIDED_COLUMNS, 'external_id', 'answers'];

function questionWithId(id: string): string {
  return `pages:
  - id: p1
    questions:
      - { id: ${id}, type: number, text: { fr: Poids, en: Weight } }
`;
}

/** A multiple choice question of the YAML body, its options' labels their ids. */
function multipleChoice(id: string, ...options: string[]): string {
  const lines = options.map((option) => `          - { id: ${option}, label: { fr: ${option}, en: ${option} } }`);
  return [`      - id: ${id}`, '        type: multiple_choice', `        text: { fr: ${id}, en: ${id} }`, '        options:', ...lines, ''].join('\n');
}

describe('survey checker: ids the exports and imports reserve', () => {
  it('refuses a question named weight, by its line, saying what the column is for', () => {
    const body = questionWithId('weight');
    expect(problemsOf(body)).to.deep.equal([
      {
        file: 'surveys/test.yaml',
        line: lineOfText(body, 'id: weight'),
        path: 'pages[0].questions[0].id',
        message: 'question id "weight" is reserved: every responses export writes this column and the import reads it; give the question another id',
      },
    ]);
  });

  it('refuses every column name an export or an import keeps for itself', () => {
    for (const id of RESERVED_BY_EXPORTS) {
      const messages = problemsOf(questionWithId(id)).map((p) => p.message);
      expect(messages, id).to.have.lengthOf(1);
      expect(messages[0], id).to.match(new RegExp(`^question id "${id}" is reserved: .+; give the question another id$`));
    }
    expect(problemsOf(questionWithId('status')).map((p) => p.message)).to.deep.equal(['question id "status" is reserved: the export of partial responses (?status=all) writes this column; give the question another id']);
  });

  it('accepts ids that only look like them', () => {
    for (const id of ['weights', 'company_status', 'response', 'last_page_seen']) {
      expect(() => parseSurveySource(BASE_METADATA_YAML + questionWithId(id), 'surveys/test.yaml'), id).not.to.throw();
    }
  });

  it("refuses a multiple choice option whose 0/1 column would be another question's or another option's", () => {
    const body = `pages:
  - id: p1
    questions:
      - { id: uses_social, type: yes_no, text: { fr: Réseaux ?, en: Networks? } }
${multipleChoice('uses', 'social', 'mail')}${multipleChoice('uses_mail', 'daily', 'weekly')}${multipleChoice('web', 'site_news', 'shop')}${multipleChoice('web_site', 'news', 'contact')}`;
    const problems = problemsOf(body).map((p) => `${p.line} ${p.path}: ${p.message}`);
    expect(problems).to.deep.equal([
      `${lineOfText(body, 'id: social')} pages[0].questions[1].options[0].id: option "social" of "uses" exports as the column "uses_social" (one 0/1 column per option), which is already the id of question "uses_social"; rename the option or the question`,
      `${lineOfText(body, 'id: mail,')} pages[0].questions[1].options[1].id: option "mail" of "uses" exports as the column "uses_mail" (one 0/1 column per option), which is already the id of question "uses_mail"; rename the option or the question`,
      `${lineOfText(body, 'id: news,')} pages[0].questions[4].options[0].id: option "news" of "web_site" exports as the column "web_site_news" (one 0/1 column per option), which is already the column of option "site_news" of "web"; rename the option or the question`,
    ]);
  });
});

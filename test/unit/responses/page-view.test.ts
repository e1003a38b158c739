// The question page's view model for scales and matrices (cells that show numbers while screen
// readers hear the whole label, labels under the strip, "don't know" apart) and "(optional)" said
// once. Built from the shipped surveys' own questions.
import { expect } from 'chai';
import { translator } from '../../../server/lib/i18n/index';
import { buildQuestionView, scaleView, type Context, type PageErrors } from '../../../server/responses/page-view';
import type { PlannedQuestion } from '../../../server/responses/page-plan';
import { loadSurveyFile } from '../../../server/surveys/survey.loader';
import type { TQuestion, TSurveyDefinition } from '../../../server/surveys/survey.schemas';

const noErrors = (): PageErrors => ({ byQuestion: new Map(), byRow: new Map(), summary: [] });
const context = (lang: 'en' | 'fr', source: string): Context => ({ lang, source, t: translator(lang) });

function questionOf(definition: TSurveyDefinition, id: string): TQuestion {
  const question = definition.pages.flatMap((p) => p.questions).find((q) => q.id === id);
  if (!question) throw new Error(`no question ${id}`);
  return question;
}

function planned(question: TQuestion): PlannedQuestion {
  if (question.type === 'matrix') return { question, rows: question.rows ?? [] };
  if ('options' in question && question.options) return { question, options: question.options.map((option) => ({ option })) };
  return { question };
}

describe('The question page view model', () => {
  let coworking: TSurveyDefinition;
  let captic: TSurveyDefinition;
  before(async () => {
    coworking = (await loadSurveyFile('surveys/coworking-members-2026.yaml')).definition;
    captic = (await loadSurveyFile('surveys/captic-2011.yaml')).definition;
  });

  it('draws an NPS as eleven numbered cells, each saying its full label, the end labels under the strip', () => {
    const view = buildQuestionView(planned(questionOf(coworking, 'recommend')), { recommend: 9 }, {}, noErrors(), context('en', 'en'));
    expect(view.choices?.map((c) => c.cellText)).to.deep.equal(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(view.choices?.[0]?.label).to.equal('0 – Not at all likely');
    expect(view.choices?.[5]?.label).to.equal('5');
    expect(view.choices?.[10]?.label).to.equal('10 – Extremely likely');
    expect(view.choices?.find((c) => c.checked)?.value).to.equal('9');
    expect(view.scale).to.include({ captionMode: 'ends', low: '0 – Not at all likely', high: '10 – Extremely likely', long: true });
  });

  it('keeps a short rating on one row and labels only its ends when only they are labelled', () => {
    const view = buildQuestionView(planned(questionOf(coworking, 'come_back')), {}, {}, noErrors(), context('fr', 'en'));
    expect(view.scale).to.include({ captionMode: 'ends', low: '1 – Certainement pas', high: '5 – Certainement', long: false });
    expect(view.choices?.map((c) => c.label)).to.deep.equal(['1 – Certainement pas', '2', '3', '4', '5 – Certainement']);
    expect(view.dontKnow).to.equal(undefined);
  });

  it('gives every matrix row its group, its error and a "don\'t know" apart from the strip, each radio naming its row', () => {
    const errors = noErrors();
    errors.byRow.set('facilities.kitchen', ['Choose an answer for this row.']);
    const view = buildQuestionView(planned(questionOf(coworking, 'facilities')), { facilities: { wifi: 'dont_know' } }, {}, errors, context('en', 'en'));
    expect(view.scale).to.include({ captionMode: 'each', long: false, dontKnowLabel: "Don't know" });
    expect(view.scale?.captions).to.deep.equal(['Poor', 'Fair', 'Good', 'Excellent']);
    const [wifi] = view.rows ?? [];
    expect(wifi?.name).to.equal('facilities.wifi');
    expect(wifi?.choices.map((c) => c.value)).to.deep.equal(['1', '2', '3', '4']);
    expect(wifi?.choices[0]).to.include({ inputId: 'facilities-wifi-1', hiddenPrefix: 'Wi-Fi: ', label: '1 – Poor', cellText: '1' });
    expect(wifi?.dontKnow).to.include({ inputId: 'facilities-wifi-dont_know', value: 'dont_know', checked: true });
    const kitchen = view.rows?.find((r) => r.id === 'kitchen');
    expect(kitchen).to.include({ errorId: 'facilities-kitchen-error' });
    expect(kitchen?.errorMessages).to.deep.equal(['Choose an answer for this row.']);
  });

  it('puts a no-break space before the colon of a French row name', () => {
    const view = buildQuestionView(planned(questionOf(coworking, 'facilities')), {}, {}, noErrors(), context('fr', 'en'));
    expect(view.rows?.[0]?.choices[0]?.hiddenPrefix).to.equal('Wi-Fi\u00a0: ');
  });

  it('says "(optional)" once: the marker, with no help text repeating it', () => {
    const comments = buildQuestionView(planned(questionOf(captic, 'comments')), {}, {}, noErrors(), context('fr', 'fr'));
    expect(comments).to.include({ required: false });
    expect(comments.help).to.equal(undefined);
    const withHelp = buildQuestionView(planned(questionOf(captic, 'networks')), {}, {}, noErrors(), context('fr', 'fr'));
    expect(withHelp.help).to.equal('Plusieurs réponses possibles.');
  });

  it('labels the points under their cells when inner points carry labels, and wraps more than seven', () => {
    const points = Array.from({ length: 9 }, (_, i) => ({ value: String(i + 1), caption: i === 4 ? 'Middle' : '' }));
    expect(scaleView(points)).to.deep.equal({
      captions: ['', '', '', '', 'Middle', '', '', '', ''],
      captionMode: 'each',
      low: '',
      high: '',
      long: true,
    });
  });
});

import { expect } from 'chai';
import { validatePageAnswers, validateResponse, type AnswerError } from '../../../server/surveys/answers';
import { defineSurvey, onePage, opts, t } from './survey-builders';

const SCALE_5 = { points: 5, labels: { 1: t('Pas du tout'), 5: t('Très') } };

function errorsOf(result: ReturnType<typeof validateResponse>): AnswerError[] {
  if (result.ok) expect.fail(`expected errors, got ${JSON.stringify(result)}`);
  return result.errors;
}

function answersOf(result: ReturnType<typeof validateResponse>): Record<string, unknown> {
  if (!result.ok) expect.fail(`expected success, got ${JSON.stringify(result.errors)}`);
  return result.answers;
}

describe('answer validation', () => {
  describe('single_choice and yes_no', () => {
    const def = onePage({ id: 'size', type: 'single_choice', required: true, text: t('Taille'), options: opts('tpe', 'pme') }, { id: 'member', type: 'yes_no', text: t('Adhérent') });

    it('stores the option id', () => {
      expect(answersOf(validateResponse(def, { size: 'pme', member: 'no' }))).to.deep.equal({ size: 'pme', member: 'no' });
    });

    it('rejects an unknown option and a missing required answer; an optional empty answer is simply absent', () => {
      expect(errorsOf(validateResponse(def, { size: 'xxl' }))).to.deep.equal([{ questionId: 'size', code: 'unknown_option', params: { optionId: 'xxl' } }]);
      expect(errorsOf(validateResponse(def, { size: '', member: 'yes' }))).to.deep.equal([{ questionId: 'size', code: 'required' }]);
      expect(answersOf(validateResponse(def, { size: 'tpe', member: '' }))).to.deep.equal({ size: 'tpe' });
    });

    it('rejects a value of the wrong type', () => {
      expect(errorsOf(validateResponse(def, { size: ['tpe'] }))).to.deep.equal([{ questionId: 'size', code: 'wrong_type' }]);
    });
  });

  describe('multiple_choice', () => {
    const def = onePage({
      id: 'networks',
      type: 'multiple_choice',
      text: t('Réseaux'),
      min_selections: 2,
      max_selections: 3,
      options: [...opts('facebook', 'linkedin', 'viadeo', 'twitter'), { id: 'other', label: t('Autre'), specify: true }, { id: 'none', label: t('Aucun'), exclusive: true }],
    });

    it('stores option ids in definition order, without duplicates', () => {
      expect(answersOf(validateResponse(def, { networks: ['viadeo', 'facebook', 'viadeo'] }))).to.deep.equal({ networks: ['facebook', 'viadeo'] });
    });

    it('checks min and max selections', () => {
      expect(errorsOf(validateResponse(def, { networks: ['facebook'] }))).to.deep.equal([{ questionId: 'networks', code: 'too_few', params: { min: 2 } }]);
      expect(errorsOf(validateResponse(def, { networks: ['facebook', 'linkedin', 'viadeo', 'twitter'] }))).to.deep.equal([{ questionId: 'networks', code: 'too_many', params: { max: 3 } }]);
    });

    it('accepts an exclusive option alone (even below min) and rejects it with others', () => {
      expect(answersOf(validateResponse(def, { networks: ['none'] }))).to.deep.equal({ networks: ['none'] });
      expect(errorsOf(validateResponse(def, { networks: ['facebook', 'none'] }))).to.deep.equal([{ questionId: 'networks', code: 'exclusive', params: { optionId: 'none' } }]);
    });

    it('stores the "other" text apart, requires it when other is chosen, and drops it otherwise', () => {
      const ok = validateResponse(def, { networks: ['facebook', 'other'] }, { networks: '  Xing ' });
      expect(ok).to.deep.equal({ ok: true, answers: { networks: ['facebook', 'other'] }, otherTexts: { networks: 'Xing' } });
      expect(errorsOf(validateResponse(def, { networks: ['facebook', 'other'] }, { networks: ' ' }))).to.deep.equal([
        { questionId: 'networks', code: 'other_text_required', params: { optionId: 'other' } },
      ]);
      expect(validateResponse(def, { networks: ['facebook', 'viadeo'] }, { networks: 'Xing' })).to.deep.equal({ ok: true, answers: { networks: ['facebook', 'viadeo'] }, otherTexts: {} });
    });

    it('rejects an "other" text over its maximum length', () => {
      expect(errorsOf(validateResponse(def, { networks: ['facebook', 'other'] }, { networks: 'x'.repeat(201) }))).to.deep.equal([
        { questionId: 'networks', code: 'too_long', params: { max: 200, field: 'other_text' } },
      ]);
    });

    it('accepts a single checked box sent as a plain string', () => {
      const single = onePage({ id: 'm', type: 'multiple_choice', text: t('M'), options: opts('a', 'b') });
      expect(answersOf(validateResponse(single, { m: 'b' }))).to.deep.equal({ m: ['b'] });
    });
  });

  describe('rating', () => {
    const def = onePage({ id: 'sat', type: 'rating', text: t('Note'), scale: { ...SCALE_5, dont_know: true } }, { id: 'plain', type: 'rating', text: t('Note'), scale: SCALE_5 });

    it('stores an integer point, coercing numeric strings from forms, or "dont_know"', () => {
      expect(answersOf(validateResponse(def, { sat: '4', plain: 5 }))).to.deep.equal({ sat: 4, plain: 5 });
      expect(answersOf(validateResponse(def, { sat: 'dont_know' }))).to.deep.equal({ sat: 'dont_know' });
    });

    it('rejects points outside the scale, fractions, non-numbers and "dont_know" when the scale has none', () => {
      expect(errorsOf(validateResponse(def, { sat: 0 }))).to.deep.equal([{ questionId: 'sat', code: 'below_min', params: { min: 1 } }]);
      expect(errorsOf(validateResponse(def, { sat: '6' }))).to.deep.equal([{ questionId: 'sat', code: 'above_max', params: { max: 5 } }]);
      expect(errorsOf(validateResponse(def, { sat: 2.5 }))).to.deep.equal([{ questionId: 'sat', code: 'not_integer' }]);
      expect(errorsOf(validateResponse(def, { sat: 'beaucoup' }))).to.deep.equal([{ questionId: 'sat', code: 'wrong_type' }]);
      expect(errorsOf(validateResponse(def, { plain: 'dont_know' }))).to.deep.equal([{ questionId: 'plain', code: 'unknown_option', params: { optionId: 'dont_know' } }]);
    });
  });

  describe('matrix', () => {
    const def = defineSurvey({
      pages: [
        { id: 'p1', questions: [{ id: 'networks', type: 'multiple_choice', text: t('Réseaux'), options: opts('facebook', 'viadeo', 'twitter') }] },
        {
          id: 'p2',
          questions: [
            { id: 'sat', type: 'matrix', required: true, text: t('Satisfaction'), rows_from: { question: 'networks' }, scale: { ...SCALE_5, dont_know: true } },
            { id: 'own', type: 'matrix', text: t('Équipements'), rows: opts('wifi', 'desks'), scale: SCALE_5 },
          ],
        },
      ],
    });

    it('stores one point per row, rows keyed by id', () => {
      expect(answersOf(validateResponse(def, { networks: ['facebook', 'viadeo'], sat: { facebook: '5', viadeo: 'dont_know' }, own: { wifi: 2 } }))).to.deep.equal({
        networks: ['facebook', 'viadeo'],
        sat: { facebook: 5, viadeo: 'dont_know' },
        own: { wifi: 2 },
      });
    });

    it('requires every visible row of a required matrix, and names the row', () => {
      expect(errorsOf(validateResponse(def, { networks: ['facebook', 'viadeo'], sat: { facebook: 5 } }))).to.deep.equal([{ questionId: 'sat', rowId: 'viadeo', code: 'required' }]);
    });

    it('counts a row left blank by the form as missing', () => {
      expect(errorsOf(validateResponse(def, { networks: ['facebook', 'viadeo'], sat: { facebook: '5', viadeo: '' } }))).to.deep.equal([{ questionId: 'sat', rowId: 'viadeo', code: 'required' }]);
    });

    it('rejects a row for a network not chosen (hidden) and an unknown row', () => {
      expect(errorsOf(validateResponse(def, { networks: ['facebook'], sat: { facebook: 5, twitter: 3 } }))).to.deep.equal([
        { questionId: 'sat', rowId: 'twitter', code: 'hidden', params: { optionId: 'twitter' } },
      ]);
      expect(errorsOf(validateResponse(def, { networks: ['facebook'], sat: { facebook: 5, myspace: 3 } }))).to.deep.equal([
        { questionId: 'sat', rowId: 'myspace', code: 'unknown_option', params: { optionId: 'myspace' } },
      ]);
      expect(errorsOf(validateResponse(def, { networks: ['facebook'], sat: { facebook: 5 }, own: { pool: 3 } }))).to.deep.equal([
        { questionId: 'own', rowId: 'pool', code: 'unknown_option', params: { optionId: 'pool' } },
      ]);
    });

    it('reports a bad point with its row', () => {
      expect(errorsOf(validateResponse(def, { networks: ['facebook'], sat: { facebook: 9 } }))).to.deep.equal([{ questionId: 'sat', rowId: 'facebook', code: 'above_max', params: { max: 5 } }]);
    });

    it('does not ask a piped matrix when nothing was chosen', () => {
      expect(answersOf(validateResponse(def, {}))).to.deep.equal({});
    });
  });

  describe('number', () => {
    const def = onePage({ id: 'age', type: 'number', text: t('Âge'), min: 18, max: 99, integer: true }, { id: 'budget', type: 'number', text: t('Budget') });

    it('coerces numeric strings and keeps decimals where allowed', () => {
      expect(answersOf(validateResponse(def, { age: ' 42 ', budget: '1234.5' }))).to.deep.equal({ age: 42, budget: 1234.5 });
    });

    it('rejects non-numbers, fractions for integers, and values out of bounds', () => {
      expect(errorsOf(validateResponse(def, { age: '42 ans' }))).to.deep.equal([{ questionId: 'age', code: 'wrong_type' }]);
      expect(errorsOf(validateResponse(def, { age: 42.5 }))).to.deep.equal([{ questionId: 'age', code: 'not_integer' }]);
      expect(errorsOf(validateResponse(def, { age: 17 }))).to.deep.equal([{ questionId: 'age', code: 'below_min', params: { min: 18 } }]);
      expect(errorsOf(validateResponse(def, { age: 100 }))).to.deep.equal([{ questionId: 'age', code: 'above_max', params: { max: 99 } }]);
      expect(errorsOf(validateResponse(def, { budget: Number.NaN }))).to.deep.equal([{ questionId: 'budget', code: 'wrong_type' }]);
    });
  });

  describe('short_text and long_text', () => {
    const def = onePage({ id: 'name', type: 'short_text', text: t('Nom'), max_length: 5 }, { id: 'comments', type: 'long_text', text: t('Commentaires') });

    it('stores trimmed text and rejects text over max_length', () => {
      expect(answersOf(validateResponse(def, { name: ' Anne ', comments: 'Très bien' }))).to.deep.equal({ name: 'Anne', comments: 'Très bien' });
      expect(errorsOf(validateResponse(def, { name: 'Anne-Marie' }))).to.deep.equal([{ questionId: 'name', code: 'too_long', params: { max: 5 } }]);
      expect(errorsOf(validateResponse(def, { comments: 42 }))).to.deep.equal([{ questionId: 'comments', code: 'wrong_type' }]);
    });
  });

  describe('date', () => {
    const def = onePage({ id: 'd', type: 'date', text: t('Date'), min: '2011-03-01', max: '2011-03-31' });

    it('stores YYYY-MM-DD and rejects impossible dates and dates out of bounds', () => {
      expect(answersOf(validateResponse(def, { d: '2011-03-15' }))).to.deep.equal({ d: '2011-03-15' });
      expect(errorsOf(validateResponse(def, { d: '2011-02-30' }))).to.deep.equal([{ questionId: 'd', code: 'invalid_date' }]);
      expect(errorsOf(validateResponse(def, { d: '15/03/2011' }))).to.deep.equal([{ questionId: 'd', code: 'invalid_date' }]);
      expect(errorsOf(validateResponse(def, { d: '2011-02-28' }))).to.deep.equal([{ questionId: 'd', code: 'below_min', params: { min: '2011-03-01' } }]);
      expect(errorsOf(validateResponse(def, { d: '2011-04-01' }))).to.deep.equal([{ questionId: 'd', code: 'above_max', params: { max: '2011-03-31' } }]);
    });
  });

  describe('ranking', () => {
    const full = onePage({ id: 'prio', type: 'ranking', text: t('Priorités'), options: opts('a', 'b', 'c') });
    const partial = onePage({ id: 'prio', type: 'ranking', text: t('Priorités'), min_ranked: 2, options: opts('a', 'b', 'c') });

    it('stores option ids in rank order', () => {
      expect(answersOf(validateResponse(full, { prio: ['c', 'a', 'b'] }))).to.deep.equal({ prio: ['c', 'a', 'b'] });
    });

    it('needs every option ranked, or at least min_ranked', () => {
      expect(errorsOf(validateResponse(full, { prio: ['c', 'a'] }))).to.deep.equal([{ questionId: 'prio', code: 'incomplete_ranking', params: { min: 3 } }]);
      expect(answersOf(validateResponse(partial, { prio: ['c', 'a'] }))).to.deep.equal({ prio: ['c', 'a'] });
      expect(errorsOf(validateResponse(partial, { prio: ['c'] }))).to.deep.equal([{ questionId: 'prio', code: 'incomplete_ranking', params: { min: 2 } }]);
    });

    it('rejects an option ranked twice and an unknown option', () => {
      expect(errorsOf(validateResponse(full, { prio: ['a', 'a', 'b'] }))[0]).to.deep.include({ questionId: 'prio', code: 'wrong_type' });
      expect(errorsOf(validateResponse(full, { prio: ['a', 'b', 'z'] }))).to.deep.equal([{ questionId: 'prio', code: 'unknown_option', params: { optionId: 'z' } }]);
    });
  });

  describe('nps', () => {
    const def = onePage({ id: 'recommend', type: 'nps', text: t('Recommander') });

    it('stores 0 to 10 and rejects anything else', () => {
      expect(answersOf(validateResponse(def, { recommend: '0' }))).to.deep.equal({ recommend: 0 });
      expect(answersOf(validateResponse(def, { recommend: 10 }))).to.deep.equal({ recommend: 10 });
      expect(errorsOf(validateResponse(def, { recommend: 11 }))).to.deep.equal([{ questionId: 'recommend', code: 'above_max', params: { max: 10 } }]);
      expect(errorsOf(validateResponse(def, { recommend: -1 }))).to.deep.equal([{ questionId: 'recommend', code: 'below_min', params: { min: 0 } }]);
      expect(errorsOf(validateResponse(def, { recommend: 7.5 }))).to.deep.equal([{ questionId: 'recommend', code: 'not_integer' }]);
    });
  });

  describe('display logic', () => {
    const def = defineSurvey({
      pages: [
        { id: 'filter', questions: [{ id: 'uses_social', type: 'yes_no', required: true, text: t('Utilisez-vous ?') }] },
        {
          id: 'users',
          show_if: { question: 'uses_social', equals: 'yes' },
          questions: [
            { id: 'usage', type: 'single_choice', required: true, text: t('Usage'), options: opts('professional', 'personal', 'both') },
            {
              id: 'why',
              type: 'multiple_choice',
              required: true,
              text: t('Pourquoi'),
              show_if: { question: 'usage', in: ['professional', 'both'] },
              options: [...opts('network', 'clients'), { id: 'recruit', label: t('Recruter'), show_if: { question: 'usage', equals: 'both' } }],
            },
          ],
        },
        { id: 'end', questions: [{ id: 'comments', type: 'long_text', text: t('Commentaires') }] },
      ],
    });

    it('rejects answers to questions hidden by display logic', () => {
      expect(errorsOf(validateResponse(def, { uses_social: 'no', usage: 'both' }))).to.deep.equal([{ questionId: 'usage', code: 'hidden' }]);
    });

    it('does not require a hidden question', () => {
      expect(answersOf(validateResponse(def, { uses_social: 'no' }))).to.deep.equal({ uses_social: 'no' });
      expect(answersOf(validateResponse(def, { uses_social: 'yes', usage: 'personal' }))).to.deep.equal({ uses_social: 'yes', usage: 'personal' });
      expect(errorsOf(validateResponse(def, { uses_social: 'yes', usage: 'both' }))).to.deep.equal([{ questionId: 'why', code: 'required' }]);
    });

    it('rejects a hidden option', () => {
      expect(errorsOf(validateResponse(def, { uses_social: 'yes', usage: 'professional', why: ['recruit'] }))).to.deep.equal([{ questionId: 'why', code: 'hidden', params: { optionId: 'recruit' } }]);
      expect(answersOf(validateResponse(def, { uses_social: 'yes', usage: 'both', why: ['recruit'] })).why).to.deep.equal(['recruit']);
    });

    it('rejects unknown question ids', () => {
      expect(errorsOf(validateResponse(def, { uses_social: 'no', ghost: 1 }))).to.deep.equal([{ questionId: 'ghost', code: 'unknown_question' }]);
    });

    it('does not call a dependent answer "hidden" when the answer it depends on is itself wrong', () => {
      expect(errorsOf(validateResponse(def, { uses_social: 'peut_etre', usage: 'both' }))).to.deep.equal([{ questionId: 'uses_social', code: 'unknown_option', params: { optionId: 'peut_etre' } }]);
    });

    it('lists every error of a response', () => {
      expect(errorsOf(validateResponse(def, { uses_social: 'maybe', comments: 5 })).map((e) => `${e.questionId}:${e.code}`)).to.deep.equal(['uses_social:unknown_option', 'comments:wrong_type']);
    });
  });

  describe('validatePageAnswers', () => {
    const def = defineSurvey({
      pages: [
        { id: 'filter', questions: [{ id: 'uses_social', type: 'yes_no', required: true, text: t('Utilisez-vous ?') }] },
        {
          id: 'users',
          show_if: { question: 'uses_social', equals: 'yes' },
          questions: [
            { id: 'networks', type: 'multiple_choice', required: true, text: t('Réseaux'), options: [...opts('facebook', 'viadeo'), { id: 'other', label: t('Autre'), specify: true }] },
            { id: 'sat', type: 'matrix', required: true, text: t('Satisfaction'), rows_from: { question: 'networks', exclude: ['other'] }, scale: SCALE_5 },
          ],
        },
      ],
    });

    it('validates one page against the answers of earlier pages, returning this page only', () => {
      const result = validatePageAnswers(def, 'users', { answers: { networks: ['facebook', 'other'], sat: { facebook: '4' } }, otherTexts: { networks: 'Xing' } }, { uses_social: 'yes' });
      expect(result).to.deep.equal({ ok: true, answers: { networks: ['facebook', 'other'], sat: { facebook: 4 } }, otherTexts: { networks: 'Xing' } });
    });

    it('uses answers given earlier on the same page for rows piped on that page', () => {
      const result = validatePageAnswers(def, 'users', { answers: { networks: ['facebook', 'viadeo'], sat: { facebook: 4 } } }, { uses_social: 'yes' });
      expect(result).to.deep.equal({ ok: false, errors: [{ questionId: 'sat', rowId: 'viadeo', code: 'required' }] });
    });

    it('reports answers to a page hidden by earlier answers as hidden', () => {
      const result = validatePageAnswers(def, 'users', { answers: { networks: ['facebook'] } }, { uses_social: 'no' });
      expect(result).to.deep.equal({ ok: false, errors: [{ questionId: 'networks', code: 'hidden' }] });
    });

    it('reports a question of another page as unknown here', () => {
      const result = validatePageAnswers(def, 'filter', { answers: { uses_social: 'yes', networks: ['facebook'] } }, {});
      expect(result).to.deep.equal({ ok: false, errors: [{ questionId: 'networks', code: 'unknown_question', params: { pageId: 'filter' } }] });
    });

    it('reports a missing required answer', () => {
      expect(validatePageAnswers(def, 'filter', { answers: {} }, {})).to.deep.equal({ ok: false, errors: [{ questionId: 'uses_social', code: 'required' }] });
    });

    it('throws on an unknown page id', () => {
      expect(() => validatePageAnswers(def, 'nope', { answers: {} }, {})).to.throw('survey "test_survey" has no page "nope"');
    });
  });
});

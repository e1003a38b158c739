import { expect } from 'chai';
import { computeVisibility, isPageVisible, pruneHiddenAnswers, pruneOtherTexts, visibleMatrixRows, visibleOptions, visibleQuestions } from '../../../server/surveys/visibility';
import type { TMatrixQuestion } from '../../../server/surveys/survey.schemas';
import { defineSurvey, opts, t } from './survey-builders';

const SCALE = { points: 5, labels: { 1: t('Pas du tout'), 5: t('Très') }, dont_know: true };

// A miniature CAP-TIC: a filter question, a page shown to users only, a piped matrix.
const survey = defineSurvey({
  pages: [
    { id: 'filter', questions: [{ id: 'uses_social', type: 'yes_no', required: true, text: t('Utilisez-vous ?') }] },
    {
      id: 'usage_page',
      show_if: { question: 'uses_social', equals: 'yes' },
      questions: [
        { id: 'networks', type: 'multiple_choice', text: t('Réseaux ?'), options: [...opts('facebook', 'linkedin', 'viadeo'), { id: 'other', label: t('Autre'), specify: true }] },
        { id: 'usage', type: 'single_choice', text: t('Usage ?'), options: opts('professional', 'personal', 'both') },
        { id: 'satisfaction', type: 'matrix', show_if: { question: 'usage', in: ['personal', 'both'] }, text: t('Satisfaction ?'), rows_from: { question: 'networks', exclude: ['other'] }, scale: SCALE },
      ],
    },
    {
      id: 'everyone',
      questions: [
        { id: 'age', type: 'number', text: t('Âge ?') },
        {
          id: 'media',
          type: 'multiple_choice',
          text: t('Médias ?'),
          options: [...opts('radio', 'tv'), { id: 'podcasts', label: t('Podcasts'), show_if: { question: 'age', lt: 40 } }],
        },
        { id: 'senior_club', type: 'yes_no', text: t('Club senior ?'), show_if: { question: 'age', gte: 60 } },
        {
          id: 'facilities',
          type: 'matrix',
          text: t('Équipements ?'),
          rows: [...opts('wifi', 'desks'), { id: 'evening', label: t('Soirée'), show_if: { question: 'age', answered: true } }],
          scale: SCALE,
        },
      ],
    },
  ],
});

const satisfaction = survey.pages[1]!.questions[2] as TMatrixQuestion;

describe('visibility', () => {
  it('shows a filtered page only when its condition holds', () => {
    expect(isPageVisible(survey, 'usage_page', { uses_social: 'yes' })).to.equal(true);
    expect(isPageVisible(survey, 'usage_page', { uses_social: 'no' })).to.equal(false);
    expect(isPageVisible(survey, 'usage_page', {})).to.equal(false);
    expect(isPageVisible(survey, 'everyone', {})).to.equal(true);
  });

  it('hides the questions of a hidden page and those whose condition fails', () => {
    expect(visibleQuestions(survey, 'usage_page', { uses_social: 'no', usage: 'both' }).map((q) => q.id)).to.deep.equal([]);
    expect(visibleQuestions(survey, 'usage_page', { uses_social: 'yes', usage: 'professional', networks: ['facebook'] }).map((q) => q.id)).to.deep.equal(['networks', 'usage']);
    expect(visibleQuestions(survey, 'everyone', { age: 65 }).map((q) => q.id)).to.deep.equal(['age', 'media', 'senior_club', 'facilities']);
  });

  it('shows an option only when its condition holds', () => {
    const media = survey.pages[2]!.questions[1]!;
    expect(visibleOptions(media, { age: 30 }).map((o) => o.id)).to.deep.equal(['radio', 'tv', 'podcasts']);
    expect(visibleOptions(media, { age: 50 }).map((o) => o.id)).to.deep.equal(['radio', 'tv']);
  });

  it('pipes matrix rows from the options chosen, in option order, without excluded ones', () => {
    const rows = visibleMatrixRows(survey, satisfaction, { networks: ['viadeo', 'other', 'facebook'] });
    expect(rows).to.deep.equal([
      { id: 'facebook', label: t('facebook') },
      { id: 'viadeo', label: t('viadeo') },
    ]);
  });

  it('hides a matrix row whose condition fails', () => {
    const v = computeVisibility(survey, {});
    expect(v.rows.get('facilities')?.map((r) => r.id)).to.deep.equal(['wifi', 'desks']);
    expect(computeVisibility(survey, { age: 20 }).rows.get('facilities')?.map((r) => r.id)).to.deep.equal(['wifi', 'desks', 'evening']);
  });

  it('hides a piped matrix that has no row to show', () => {
    const v = computeVisibility(survey, { uses_social: 'yes', usage: 'both', networks: ['other'] });
    expect(v.questions.has('satisfaction')).to.equal(false);
    expect(computeVisibility(survey, { uses_social: 'yes', usage: 'both', networks: ['linkedin'] }).questions.has('satisfaction')).to.equal(true);
  });

  describe('pruneHiddenAnswers', () => {
    const full = {
      uses_social: 'yes',
      networks: ['facebook', 'viadeo', 'other'],
      usage: 'both',
      satisfaction: { facebook: 4, viadeo: 'dont_know' as const },
      age: 65,
      media: ['radio'],
      senior_club: 'yes',
      facilities: { wifi: 3, evening: 2 },
    };

    it('keeps every answer that is still visible', () => {
      expect(pruneHiddenAnswers(survey, full)).to.deep.equal(full);
    });

    it('drops the answers of a page that became hidden, and of everything depending on them', () => {
      const pruned = pruneHiddenAnswers(survey, { ...full, uses_social: 'no' });
      expect(pruned).to.deep.equal({ uses_social: 'no', age: 65, media: ['radio'], senior_club: 'yes', facilities: { wifi: 3, evening: 2 } });
    });

    it('drops matrix rows for networks no longer chosen', () => {
      const pruned = pruneHiddenAnswers(survey, { ...full, networks: ['viadeo'] });
      expect(pruned.satisfaction).to.deep.equal({ viadeo: 'dont_know' });
    });

    it('drops options that became hidden, and the whole answer when none is left', () => {
      expect(pruneHiddenAnswers(survey, { ...full, media: ['radio', 'podcasts'] }).media).to.deep.equal(['radio']);
      expect(pruneHiddenAnswers(survey, { ...full, media: ['podcasts'] })).to.not.have.property('media');
    });

    it('drops a question whose condition now fails, and answers to unknown questions', () => {
      const pruned = pruneHiddenAnswers(survey, { ...full, age: 30, ghost: 'x' });
      expect(pruned).to.not.have.property('senior_club');
      expect(pruned).to.not.have.property('ghost');
    });

    it('keeps an "other" text only while its option is selected', () => {
      const answers = pruneHiddenAnswers(survey, full);
      expect(pruneOtherTexts(survey, answers, { networks: 'Xing' })).to.deep.equal({ networks: 'Xing' });
      const without = pruneHiddenAnswers(survey, { ...full, networks: ['facebook'] });
      expect(pruneOtherTexts(survey, without, { networks: 'Xing' })).to.deep.equal({});
      expect(pruneOtherTexts(survey, pruneHiddenAnswers(survey, { ...full, uses_social: 'no' }), { networks: 'Xing' })).to.deep.equal({});
    });
  });
});

import { expect } from 'chai';
import { fingerprintSurvey } from '../../../server/surveys/fingerprint';
import { parseSurveySource } from '../../../server/surveys/survey.loader';
import { localize } from '../../../server/surveys/localize';
import { BASE_METADATA_YAML, defineSurvey, t } from './survey-builders';

const PAGES = `pages:
  - id: p1
    questions:
      - id: member
        type: yes_no
        text: { fr: Adhérent ?, en: Member? }
`;

describe('fingerprint', () => {
  it('is a short sha256 of the normalized content', () => {
    const { fingerprint } = parseSurveySource(BASE_METADATA_YAML + PAGES, 'a.yaml');
    expect(fingerprint).to.match(/^sha256:[0-9a-f]{16}$/);
  });

  it('ignores comments, key order, quoting and defaults written out', () => {
    const a = parseSurveySource(BASE_METADATA_YAML + PAGES, 'a.yaml').fingerprint;
    const b = parseSurveySource(
      `# a comment\n${BASE_METADATA_YAML}pages:\n  - questions:\n      - text: { en: "Member?", fr: "Adhérent ?" }\n        required: false\n        type: yes_no\n        id: member\n    id: p1\n`,
      'b.yaml',
    ).fingerprint;
    expect(b).to.equal(a);
  });

  it('changes when a question, an option or a condition changes', () => {
    const base = fingerprintSurvey(defineSurvey({ pages: [{ id: 'p1', questions: [{ id: 'q', type: 'yes_no', text: t('Q') }] }] }));
    const required = fingerprintSurvey(defineSurvey({ pages: [{ id: 'p1', questions: [{ id: 'q', type: 'yes_no', required: true, text: t('Q') }] }] }));
    const reworded = fingerprintSurvey(defineSurvey({ pages: [{ id: 'p1', questions: [{ id: 'q', type: 'yes_no', text: t('Q ?') }] }] }));
    const conditioned = fingerprintSurvey(
      defineSurvey({ pages: [{ id: 'p1', questions: [{ id: 'a', type: 'nps', text: t('A') }] }, { id: 'p2', show_if: { question: 'a', gt: 5 }, questions: [{ id: 'q', type: 'yes_no', text: t('Q') }] }] }),
    );
    expect(new Set([base, required, reworded, conditioned]).size).to.equal(4);
  });

  it('does not change when only the report, the seed waves or the time zone change', () => {
    const pages = [{ id: 'p1', questions: [{ id: 'q', type: 'yes_no', text: t('Q') }] }];
    const wave = { id: '2011-03', label: t('Mars'), field_start: '2011-03-01', field_end: '2011-03-31' };
    const a = fingerprintSurvey(defineSurvey({ pages, seed_waves: [{ ...wave, status: 'open' }] }));
    const b = fingerprintSurvey(defineSurvey({ pages, time_zone: 'America/Montreal', seed_waves: [{ ...wave, status: 'closed' }], report: { statements: [{ id: 's', text: t('{{ n }} répondants') }] } }));
    expect(a).to.equal(b);
  });
});

describe('localize', () => {
  it('picks the language asked for', () => {
    expect(localize({ fr: 'Oui', en: 'Yes' }, 'en')).to.equal('Yes');
    expect(localize({ fr: 'Oui', en: 'Yes' }, 'fr')).to.equal('Oui');
  });

  it('returns a plain string as is, whatever the language (it is source-language text)', () => {
    expect(localize('Facebook', 'en')).to.equal('Facebook');
  });

  it('falls back to the given language, then to the first one written', () => {
    expect(localize({ fr: 'Oui', en: 'Yes' }, 'de', 'en')).to.equal('Yes');
    expect(localize({ fr: 'Oui', en: 'Yes' }, 'de')).to.equal('Oui');
  });
});

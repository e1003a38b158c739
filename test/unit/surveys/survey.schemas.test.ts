import { expect } from 'chai';
import { ZSurveyDefinition } from '../../../server/surveys/survey.schemas';
import { parseSurveySource, SurveyDefinitionError } from '../../../server/surveys/survey.loader';
import { BASE_METADATA, BASE_METADATA_YAML, defineSurvey, lineOfText, onePage, opts, problemsOf, t } from './survey-builders';

const SCALE_5 = { points: 5, labels: { 1: t('Pas du tout'), 5: t('Tout à fait') } };

describe('survey definition schema', () => {
  describe('metadata', () => {
    it('accepts the metadata the methodology box prints and keeps the first language as the source', () => {
      const def = defineSurvey({
        intro: t('Bonjour'),
        consent: t('Vos réponses sont anonymes'),
        seed_waves: [{ id: '2011-03', label: t('Mars 2011'), field_start: '2011-03-01', field_end: '2011-03-31', status: 'open' }],
        pages: [{ id: 'p1', questions: [{ id: 'q1', type: 'yes_no', text: t('Q ?') }] }],
      });
      expect(def.languages[0]).to.equal('fr');
      expect(def.sampling).to.equal('opt_in');
      expect(def.method).to.deep.equal({ fr: 'En ligne', en: 'Online' });
      expect(def.seed_waves?.[0]?.status).to.equal('open');
    });

    it('reports every missing metadata field at once, each by its path', () => {
      const result = ZSurveyDefinition.safeParse({ id: 'x', languages: ['fr'], pages: [{ id: 'p', questions: [{ id: 'q', type: 'short_text', text: 'Q' }] }] });
      expect(result.success).to.equal(false);
      const paths = result.error!.issues.map((i) => i.path.join('.'));
      expect(paths).to.include.members(['title', 'sponsor', 'conducted_by', 'target_population', 'method', 'sampling', 'thank_you']);
    });

    it('rejects a wave whose field ends before it starts', () => {
      const problems = problemsOf(`seed_waves:
  - id: "2011-03"
    label: { fr: Mars, en: March }
    field_start: "2011-03-31"
    field_end: "2011-03-01"
    status: open
pages:
  - id: p1
    questions:
      - { id: q1, type: short_text, text: { fr: Q, en: Q } }
`);
      expect(problems.map((p) => `${p.path}: ${p.message}`)).to.deep.equal(['seed_waves[0].field_end: field_end is before field_start']);
    });

    it('rejects an unknown field instead of ignoring a typo', () => {
      const problems = problemsOf(`pages:
  - id: p1
    questions:
      - id: q1
        type: short_text
        requried: true
        text: { fr: Q, en: Q }
`);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include({ path: 'pages[0].questions[0].requried', message: 'unknown field "requried"' });
    });

    it('names an unknown question type and lists the valid ones', () => {
      const problems = problemsOf(`pages:
  - id: p1
    questions:
      - { id: q1, type: checkbox, text: { fr: Q, en: Q } }
`);
      expect(problems[0]?.path).to.equal('pages[0].questions[0].type');
      expect(problems[0]?.message).to.match(/^unknown question type "checkbox" \(types: single_choice, yes_no, multiple_choice,/);
    });
  });

  describe('question types', () => {
    it('single_choice keeps its options in order', () => {
      const def = onePage({ id: 'size', type: 'single_choice', required: true, text: t('Taille ?'), options: opts('tpe', 'pme', 'eti', 'ge') });
      const q = def.pages[0]!.questions[0]!;
      expect(q.type).to.equal('single_choice');
      expect(q.required).to.equal(true);
      if (q.type === 'single_choice') expect(q.options.map((o) => o.id)).to.deep.equal(['tpe', 'pme', 'eti', 'ge']);
    });

    it('yes_no gets the options yes and no with French and English labels by default', () => {
      const q = onePage({ id: 'member', type: 'yes_no', text: t('Adhérent ?') }).pages[0]!.questions[0]!;
      expect(q.type === 'yes_no' && q.options).to.deep.equal([
        { id: 'yes', label: { fr: 'Oui', en: 'Yes' } },
        { id: 'no', label: { fr: 'Non', en: 'No' } },
      ]);
      expect(q.required, 'not required unless said so').to.equal(false);
    });

    it('yes_no labels can be overridden, but not its ids', () => {
      const q = onePage({ id: 'member', type: 'yes_no', text: t('Adhérent ?'), options: [{ id: 'yes', label: t('Oui, adhérent') }, { id: 'no', label: t('Non') }] }).pages[0]!.questions[0]!;
      expect(q.type === 'yes_no' && q.options[0]?.label).to.deep.equal(t('Oui, adhérent'));
      const problems = problemsOf(`pages:
  - id: p1
    questions:
      - id: member
        type: yes_no
        text: { fr: Q, en: Q }
        options:
          - { id: oui, label: { fr: Oui, en: Yes } }
          - { id: "no", label: { fr: Non, en: No } }
`);
      expect(problems.map((p) => p.message)).to.deep.equal(['a yes_no question has exactly the options "yes" and "no"']);
    });

    it('multiple_choice carries min/max selections, an exclusive option and an "other (specify)" option', () => {
      const q = onePage({
        id: 'networks',
        type: 'multiple_choice',
        text: t('Réseaux ?'),
        min_selections: 1,
        max_selections: 2,
        options: [...opts('facebook', 'linkedin'), { id: 'other', label: t('Autre'), specify: true }, { id: 'none', label: t('Aucun'), exclusive: true }],
      }).pages[0]!.questions[0]!;
      if (q.type !== 'multiple_choice') expect.fail('wrong type');
      expect(q.min_selections).to.equal(1);
      expect(q.max_selections).to.equal(2);
      expect(q.options[2]?.specify).to.deep.equal({ required: true, max_length: 200 });
      expect(q.options[3]?.exclusive).to.equal(true);
    });

    it('rejects min_selections above max_selections', () => {
      expect(() => onePage({ id: 'm', type: 'multiple_choice', text: t('Q'), min_selections: 2, max_selections: 1, options: opts('a', 'b', 'c') })).to.throw(/min_selections is greater than max_selections/);
    });

    it('rating takes labelled ends or every point, and an optional "don\'t know"', () => {
      const ends = onePage({ id: 'r', type: 'rating', text: t('Note ?'), scale: { ...SCALE_5, dont_know: true } }).pages[0]!.questions[0]!;
      expect(ends.type === 'rating' && ends.scale.dont_know).to.deep.equal({ fr: 'Ne sais pas', en: "Don't know" });
      const every = onePage({ id: 'r', type: 'rating', text: t('Note ?'), scale: { points: 3, labels: { 1: t('bas'), 2: t('moyen'), 3: t('haut') } } }).pages[0]!.questions[0]!;
      expect(every.type === 'rating' && Object.keys(every.scale.labels)).to.deep.equal(['1', '2', '3']);
    });

    it('matrix takes its own rows or rows piped from an earlier multiple_choice', () => {
      const def = onePage(
        { id: 'networks', type: 'multiple_choice', text: t('Réseaux ?'), options: opts('facebook', 'viadeo', 'other') },
        { id: 'sat', type: 'matrix', text: t('Satisfaction ?'), rows_from: { question: 'networks', exclude: ['other'] }, scale: SCALE_5 },
        { id: 'facilities', type: 'matrix', text: t('Équipements ?'), rows: opts('wifi', 'desks'), scale: SCALE_5 },
      );
      const [, piped, own] = def.pages[0]!.questions;
      expect(piped?.type === 'matrix' && piped.rows_from).to.deep.equal({ question: 'networks', exclude: ['other'] });
      expect(own?.type === 'matrix' && own.rows?.map((r) => r.id)).to.deep.equal(['wifi', 'desks']);
    });

    it('a matrix needs rows or rows_from, not both', () => {
      expect(() => onePage({ id: 'm', type: 'matrix', text: t('Q'), scale: SCALE_5 })).to.throw(/either "rows" or "rows_from"/);
    });

    it('number takes min, max and integer; texts take max_length with defaults', () => {
      const def = onePage(
        { id: 'age', type: 'number', text: t('Âge ?'), min: 18, max: 99, integer: true, unit: t('ans') },
        { id: 'name', type: 'short_text', text: t('Nom ?') },
        { id: 'comments', type: 'long_text', text: t('Commentaires ?'), max_length: 3000 },
      );
      const [age, name, comments] = def.pages[0]!.questions;
      expect(age).to.include({ min: 18, max: 99, integer: true });
      expect(name).to.include({ max_length: 200 });
      expect(comments).to.include({ max_length: 3000 });
    });

    it('date takes optional bounds written YYYY-MM-DD and rejects impossible dates', () => {
      const q = onePage({ id: 'd', type: 'date', text: t('Date ?'), min: '2011-01-01', max: '2011-12-31' }).pages[0]!.questions[0]!;
      expect(q).to.include({ min: '2011-01-01', max: '2011-12-31' });
      expect(() => onePage({ id: 'd', type: 'date', text: t('Date ?'), min: '2011-02-30' })).to.throw(/not a real calendar date/);
    });

    it('ranking takes options and an optional min_ranked for partial rankings', () => {
      const q = onePage({ id: 'prio', type: 'ranking', text: t('Priorités ?'), min_ranked: 2, options: opts('a', 'b', 'c') }).pages[0]!.questions[0]!;
      expect(q).to.include({ type: 'ranking', min_ranked: 2 });
      expect(() => onePage({ id: 'prio', type: 'ranking', text: t('Q'), min_ranked: 4, options: opts('a', 'b', 'c') })).to.throw(/min_ranked \(4\) is more than the 3 options/);
    });

    it('nps needs nothing but its text', () => {
      const q = onePage({ id: 'recommend', type: 'nps', text: t('Recommanderiez-vous ?') }).pages[0]!.questions[0]!;
      expect(q.type).to.equal('nps');
    });
  });

  describe('the rejections the checker promises', () => {
    it('rejects a duplicate option id, naming the line of the duplicate', () => {
      const body = `pages:
  - id: p1
    questions:
      - id: agrees
        type: single_choice
        text: { fr: D'accord ?, en: Agree? }
        options:
          - { id: "yes", label: { fr: Oui, en: Yes } }
          - { id: "no", label: { fr: Non, en: No } }
          - { id: "yes", label: { fr: Plutôt oui, en: Rather yes } }
`;
      const problems = problemsOf(body, 'surveys/captic-2011.yaml');
      expect(problems).to.deep.equal([
        { file: 'surveys/captic-2011.yaml', line: lineOfText(body, 'Plutôt oui'), path: 'pages[0].questions[0].options', message: 'duplicate option id "yes"' },
      ]);
    });

    it('rejects a duplicate question id across pages', () => {
      const body = `pages:
  - id: p1
    questions:
      - { id: age, type: number, text: { fr: Âge, en: Age } }
  - id: p2
    questions:
      - { id: age, type: number, text: { fr: Âge de l'entreprise, en: Company age } }
`;
      const problems = problemsOf(body);
      expect(problems.map((p) => `${p.line} ${p.path}: ${p.message}`)).to.deep.equal([
        `${lineOfText(body, 'Company age')} pages[1].questions[0].id: duplicate question id "age" (first used by pages[0].questions[0])`,
      ]);
    });

    it('rejects a duplicate page id', () => {
      const problems = problemsOf(`pages:
  - id: p1
    questions: [{ id: a, type: nps, text: { fr: A, en: A } }]
  - id: p1
    questions: [{ id: b, type: nps, text: { fr: B, en: B } }]
`);
      expect(problems.map((p) => `${p.path}: ${p.message}`)).to.deep.equal(['pages[1].id: duplicate page id "p1" (first used by pages[0])']);
    });

    it('rejects a condition that refers to a later question', () => {
      const body = `pages:
  - id: p1
    questions:
      - id: since
        type: date
        show_if: { question: member, equals: "yes" }
        text: { fr: Depuis ?, en: Since? }
      - { id: member, type: yes_no, text: { fr: Adhérent ?, en: Member? } }
`;
      const problems = problemsOf(body);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include({
        line: lineOfText(body, 'show_if'),
        path: 'pages[0].questions[0].show_if.question',
        message: 'condition refers to question "member", which is not asked before this point (a condition can only use earlier questions)',
      });
    });

    it('rejects a condition that refers to its own question', () => {
      const problems = problemsOf(`pages:
  - id: p1
    questions:
      - { id: member, type: yes_no, text: { fr: A, en: A }, show_if: { question: member, answered: true } }
`);
      expect(problems[0]?.message).to.match(/^condition refers to question "member", which is not asked before this point/);
    });

    it('rejects a page condition on a question of the same page', () => {
      const problems = problemsOf(`pages:
  - id: p1
    show_if: { question: member, equals: "yes" }
    questions:
      - { id: member, type: yes_no, text: { fr: A, en: A } }
`);
      expect(problems.map((p) => p.path)).to.deep.equal(['pages[0].show_if.question']);
    });

    it('rejects a condition that refers to an unknown question', () => {
      const problems = problemsOf(`pages:
  - id: p1
    questions:
      - { id: member, type: yes_no, text: { fr: A, en: A } }
      - id: since
        type: date
        text: { fr: B, en: B }
        show_if: { all: [{ question: member, equals: "yes" }, { not: { question: membr, answered: false } }] }
`);
      expect(problems.map((p) => `${p.path}: ${p.message}`)).to.deep.equal(['pages[0].questions[1].show_if.all[1].not.question: condition refers to unknown question "membr"']);
    });

    it('rejects a condition that refers to an unknown option, in equals, in and includes', () => {
      const problems = problemsOf(`pages:
  - id: p1
    questions:
      - { id: member, type: yes_no, text: { fr: A, en: A } }
      - id: networks
        type: multiple_choice
        text: { fr: R, en: N }
        options:
          - { id: facebook, label: { fr: Facebook, en: Facebook } }
          - { id: viadeo, label: { fr: Viadeo, en: Viadeo } }
      - id: q3
        type: short_text
        text: { fr: C, en: C }
        show_if:
          any:
            - { question: member, equals: oui }
            - { question: member, in: ["yes", peut_etre] }
            - { question: networks, includes: myspace }
`);
      expect(problems.map((p) => `${p.path}: ${p.message}`)).to.deep.equal([
        'pages[0].questions[2].show_if.any[0].equals: condition refers to unknown option "oui" of question "member" (options: yes, no)',
        'pages[0].questions[2].show_if.any[1].in[1]: condition refers to unknown option "peut_etre" of question "member" (options: yes, no)',
        'pages[0].questions[2].show_if.any[2].includes: condition refers to unknown option "myspace" of question "networks" (options: facebook, viadeo)',
      ]);
    });

    it('rejects an operator that does not fit the question type', () => {
      const problems = problemsOf(`pages:
  - id: p1
    questions:
      - { id: member, type: yes_no, text: { fr: A, en: A } }
      - id: networks
        type: multiple_choice
        text: { fr: R, en: N }
        options:
          - { id: facebook, label: { fr: Facebook, en: Facebook } }
          - { id: viadeo, label: { fr: Viadeo, en: Viadeo } }
      - id: q3
        type: short_text
        text: { fr: C, en: C }
        show_if: { any: [{ question: networks, equals: facebook }, { question: member, gt: 2 }, { question: member, includes: "yes" }] }
`);
      expect(problems.map((p) => p.message)).to.deep.equal([
        '"equals" cannot be used on multiple_choice question "networks": use "includes"',
        '"gt" needs a number, rating or nps question, but "member" is yes_no',
        '"includes" needs a multiple_choice or ranking question, but "member" is yes_no: use "equals"',
      ]);
    });

    it('rejects a condition with two operators or none', () => {
      const problems = problemsOf(`pages:
  - id: p1
    questions:
      - { id: age, type: number, text: { fr: A, en: A } }
      - { id: b, type: nps, text: { fr: B, en: B }, show_if: { question: age, gt: 1, lt: 5 } }
      - { id: c, type: nps, text: { fr: C, en: C }, show_if: { question: age } }
`);
      expect(problems.map((p) => p.message)).to.deep.equal([
        'a condition uses one operator, found gt, lt: combine conditions with all / any',
        'a condition on "age" needs one operator: equals, in, includes, answered, gt, gte, lt, lte',
      ]);
    });

    it('rejects a matrix piped from a question that is not multiple choice', () => {
      const body = `pages:
  - id: p1
    questions:
      - id: usage
        type: single_choice
        text: { fr: U, en: U }
        options:
          - { id: pro, label: { fr: Pro, en: Pro } }
          - { id: perso, label: { fr: Perso, en: Personal } }
      - id: sat
        type: matrix
        text: { fr: S, en: S }
        rows_from: { question: usage }
        scale: { points: 2, labels: { 1: { fr: Non, en: No }, 2: { fr: Oui, en: Yes } } }
`;
      const problems = problemsOf(body);
      expect(problems).to.deep.equal([
        { file: 'surveys/test.yaml', line: lineOfText(body, 'rows_from'), path: 'pages[0].questions[1].rows_from.question', message: 'matrix rows are piped from question "usage", which is single_choice, not multiple_choice' },
      ]);
    });

    it('rejects a scale whose labels do not match its points', () => {
      const body = `pages:
  - id: p1
    questions:
      - id: sat
        type: rating
        text: { fr: S, en: S }
        scale:
          points: 5
          labels:
            1: { fr: Pas du tout, en: Not at all }
            3: { fr: Moyen, en: Average }
            6: { fr: Très, en: Very }
`;
      const problems = problemsOf(body);
      expect(problems).to.deep.equal([
        {
          file: 'surveys/test.yaml',
          line: lineOfText(body, 'labels:'),
          path: 'pages[0].questions[0].scale.labels',
          message: 'scale labels do not match its 5 points: label both ends (1 and 5) or every point (1 to 5); got 1, 3, 6',
        },
      ]);
    });

    it('rejects an option id that is not snake_case', () => {
      const body = `pages:
  - id: p1
    questions:
      - id: network
        type: single_choice
        text: { fr: R, en: N }
        options:
          - { id: Face-Book, label: { fr: Facebook, en: Facebook } }
          - { id: linkedin, label: { fr: LinkedIn, en: LinkedIn } }
`;
      const problems = problemsOf(body);
      expect(problems).to.deep.equal([
        {
          file: 'surveys/test.yaml',
          line: lineOfText(body, 'Face-Book'),
          path: 'pages[0].questions[0].options[0].id',
          message: 'option id "Face-Book" is not snake_case (lowercase letters, digits and _, starting with a letter)',
        },
      ]);
    });

    it('lists every problem of a file, not only the first, in line order', () => {
      const problems = problemsOf(`pages:
  - id: p1
    questions:
      - { id: Age, type: number, text: { fr: Âge } }
      - { id: q2, type: rating, text: { fr: N, en: N }, scale: { points: 4, labels: { 1: { fr: a, en: a } } } }
      - { id: q3, type: short_text, text: { fr: T, en: T }, show_if: { question: nope, answered: true } }
`);
      expect(problems.map((p) => p.message)).to.deep.equal([
        'question id "Age" is not snake_case (lowercase letters, digits and _, starting with a letter)',
        'missing translation "en"',
        'scale labels do not match its 4 points: label both ends (1 and 4) or every point (1 to 4); got 1',
        'condition refers to unknown question "nope"',
      ]);
    });

    it('formats the error message as file:line path: message, one line per problem', () => {
      try {
        parseSurveySource(`${BASE_METADATA_YAML}pages:\n  - id: p1\n    questions:\n      - { id: q, type: nps, text: { fr: Q } }\n      - { id: q, type: nps, text: { fr: Q, en: Q } }\n`, 'surveys/x.yaml');
        expect.fail('accepted');
      } catch (error) {
        expect(error).to.be.instanceOf(SurveyDefinitionError);
        expect((error as Error).message).to.equal(
          [
            'surveys/x.yaml:13 pages[0].questions[0].text: missing translation "en"',
            'surveys/x.yaml:14 pages[0].questions[1].id: duplicate question id "q" (first used by pages[0].questions[0])',
          ].join('\n'),
        );
      }
    });
  });

  describe('translations', () => {
    it('requires every listed language on every visible string', () => {
      const problems = problemsOf(`intro: { fr: Bonjour }
pages:
  - id: p1
    title: { en: Page }
    questions:
      - id: q
        type: multiple_choice
        text: { fr: Q, en: Q }
        help: { fr: Aide }
        options:
          - { id: a, label: { fr: A, en: A } }
          - { id: other, label: { fr: Autre, en: Other }, specify: { label: { fr: Précisez } } }
`);
      expect(problems.map((p) => `${p.path}: ${p.message}`)).to.deep.equal([
        'intro: missing translation "en"',
        'pages[0].title: missing translation "fr"',
        'pages[0].questions[0].help: missing translation "en"',
        'pages[0].questions[0].options[1].specify.label: missing translation "en"',
      ]);
    });

    it('rejects a text in a language the survey does not list', () => {
      const problems = problemsOf(`pages:
  - id: p1
    questions:
      - { id: q, type: short_text, text: { fr: Nom, en: Name, eng: Name } }
`);
      expect(problems.map((p) => `${p.path}: ${p.message}`)).to.deep.equal([`pages[0].questions[0].text.eng: "eng" is not one of the survey's languages (fr, en)`]);
    });

    it('treats a plain string as the source language only, and says how to fix it', () => {
      const problems = problemsOf(`pages:
  - id: p1
    questions:
      - { id: q, type: short_text, text: Votre nom ? }
`);
      expect(problems.map((p) => p.message)).to.deep.equal(['missing translation "en" (plain text counts as the source language "fr"; write { fr: ..., en: ... })']);
    });

    it('asks for yes_no labels in a language other than French or English', () => {
      const tri = (x: string): Record<string, string> => ({ fr: x, en: x, de: x });
      const result = ZSurveyDefinition.safeParse({
        ...BASE_METADATA,
        languages: ['fr', 'en', 'de'],
        ...Object.fromEntries(['title', 'sponsor', 'conducted_by', 'target_population', 'method', 'thank_you'].map((k) => [k, tri(k)])),
        pages: [{ id: 'p1', questions: [{ id: 'member', type: 'yes_no', text: tri('Adhérent ?') }] }],
      });
      expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).to.deep.equal([
        'pages.0.questions.0.options.0.label: missing translation "de" (yes_no labels are built in for fr and en only: write options yes and no with their labels)',
        'pages.0.questions.0.options.1.label: missing translation "de" (yes_no labels are built in for fr and en only: write options yes and no with their labels)',
      ]);
    });

    it('accepts plain strings in a survey with a single language', () => {
      const plain = Object.fromEntries(['title', 'sponsor', 'conducted_by', 'target_population', 'method', 'thank_you'].map((k) => [k, k]));
      const def = defineSurvey({
        ...plain,
        languages: ['fr'],
        pages: [{ id: 'p1', questions: [{ id: 'q', type: 'short_text', text: 'Votre nom ?' }, { id: 'member', type: 'yes_no', text: 'Adhérent ?' }] }],
      });
      expect(def.title).to.equal('title');
      expect(def.pages[0]?.questions[1]?.type === 'yes_no' && def.pages[0].questions[1].options[0]?.label).to.deep.equal({ fr: 'Oui', en: 'Yes' });
    });

    it('checks scale labels, "don\'t know", matrix rows and report statements too', () => {
      const problems = problemsOf(`pages:
  - id: p1
    questions:
      - id: m
        type: matrix
        text: { fr: M, en: M }
        rows: [{ id: r1, label: { fr: Ligne } }]
        scale: { points: 2, labels: { 1: { fr: Non }, 2: { fr: Oui, en: Yes } }, dont_know: { fr: NSP } }
report:
  statements:
    - { id: s1, text: { fr: "{{ n }} répondants" } }
`);
      expect(problems.map((p) => p.path)).to.deep.equal(['pages[0].questions[0].rows[0].label', 'pages[0].questions[0].scale.labels.1', 'pages[0].questions[0].scale.dont_know', 'report.statements[0].text']);
    });
  });

  describe('report statements', () => {
    it('rejects a placeholder with bad syntax or unknown ids', () => {
      const problems = problemsOf(`pages:
  - id: p1
    questions:
      - { id: member, type: yes_no, text: { fr: A, en: A } }
      - id: networks
        type: multiple_choice
        text: { fr: R, en: N }
        options:
          - { id: facebook, label: { fr: Facebook, en: Facebook } }
          - { id: viadeo, label: { fr: Viadeo, en: Viadeo } }
      - id: sat
        type: matrix
        text: { fr: S, en: S }
        rows_from: { question: networks }
        scale: { points: 5, labels: { 1: { fr: a, en: a }, 5: { fr: b, en: b } } }
report:
  statements:
    - { id: s1, text: { fr: "{{ pct member = oui }}", en: "{{ pct member = oui }}" } }
    - { id: s2, text: { fr: "{{ top2 sat[myspace] }}", en: "{{ top2 sat[myspace] }}" } }
    - { id: s3, text: { fr: "{{ pct member yes }}", en: "{{ pct member = yes }}" } }
    - { id: s4, text: { fr: "{{ top2 ghost }}", en: "{{ top2 sat }}" } }
`);
      expect(problems.map((p) => `${p.path}: ${p.message}`)).to.deep.equal([
        'report.statements[0].text.fr: placeholder {{ pct member = oui }}: unknown option "oui" of question "member" (options: yes, no)',
        'report.statements[0].text.en: placeholder {{ pct member = oui }}: unknown option "oui" of question "member" (options: yes, no)',
        'report.statements[1].text.fr: placeholder {{ top2 sat[myspace] }}: unknown row "myspace" of matrix "sat" (rows: facebook, viadeo)',
        'report.statements[1].text.en: placeholder {{ top2 sat[myspace] }}: unknown row "myspace" of matrix "sat" (rows: facebook, viadeo)',
        'report.statements[2].text.fr: placeholder {{ pct member yes }}: write "pct QUESTION = OPTION"',
        'report.statements[3].text.fr: placeholder {{ top2 ghost }}: unknown question "ghost"',
        'report.statements[3].text.en: placeholder {{ top2 sat }}: "sat" is a matrix: name a row, e.g. sat[facebook]',
      ]);
    });

    it('rejects translations of a statement that do not use the same figures', () => {
      const problems = problemsOf(`pages:
  - id: p1
    questions:
      - { id: member, type: yes_no, text: { fr: A, en: A } }
report:
  statements:
    - { id: s1, text: { fr: "{{ pct member = yes }} adhèrent", en: "{{ pct member = no }} are members" } }
`);
      expect(problems.map((p) => p.message)).to.deep.equal(['the translations of statement "s1" do not use the same placeholders (fr, en)']);
    });
  });

  describe('YAML and JSON files', () => {
    it('accepts JSON and gives it the same fingerprint as the equivalent YAML', () => {
      const yamlSource = `${BASE_METADATA_YAML}pages:\n  - id: p1\n    questions:\n      - { id: q, type: nps, text: { fr: Q, en: Q } }\n`;
      const json = JSON.stringify({ ...BASE_METADATA, pages: [{ id: 'p1', questions: [{ id: 'q', text: { en: 'Q', fr: 'Q' }, type: 'nps' }] }] }, null, 2);
      const a = parseSurveySource(yamlSource, 'a.yaml');
      const b = parseSurveySource(json, 'b.json');
      expect(a.fingerprint).to.equal(b.fingerprint);
    });

    it('explains the comma trap in { }, whether it yields an empty entry or a duplicate key', () => {
      const problems = problemsOf(`pages:
  - id: p1
    questions:
      - id: q
        type: nps
        text: { fr: Banque, assurance, en: Bank, insurance }
`);
      expect(problems[0]).to.include({ line: 15, path: 'pages[0].questions[0].text', message: 'has an entry "assurance" without text (inside { ... } a text containing a comma must be "quoted")' });
      const duplicate = problemsOf(`pages:
  - id: p1
    questions:
      - id: q
        type: nps
        text: { fr: Ventes, marketing, en: Sales, marketing }
`);
      expect(duplicate).to.deep.equal([
        { file: 'surveys/test.yaml', line: 15, path: '', message: 'cannot be read: Map keys must be unique (a key appears twice; inside { ... } a text with a comma must be "quoted")' },
      ]);
    });
  });
});

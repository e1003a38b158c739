import { expect } from 'chai';
import { buildFigures } from '../../../../server/analysis/figures/build-figures';
import { tallyResponses } from '../../../../server/analysis/figures/figures.service';
import type { StoredResponse } from '../../../../server/responses/response.service';
import type { TAnswers } from '../../../../server/surveys/answers';
import { parseSurveySource } from '../../../../server/surveys/survey.loader';

const { definition } = parseSurveySource(
  `
id: unit
title: Unit
languages: [en]
sponsor: S
conducted_by: C
target_population: P
method: M
sampling: opt_in
thank_you: Thanks
pages:
  - id: p1
    questions:
      - id: member
        type: yes_no
        text: Member?
      - id: tools
        type: multiple_choice
        text: Tools?
        options: [{ id: a, label: A }, { id: b, label: B }, { id: c, label: C }]
      - id: why_not
        type: single_choice
        show_if: { question: member, equals: "no" }
        text: Why not?
        options: [{ id: time, label: Time }, { id: money, label: Money }]
      - id: happy
        type: rating
        text: Happy?
        scale: { points: 5, labels: { 1: Not at all, 5: Very }, dont_know: "Don't know" }
`,
  'surveys/unit.yaml',
);

function responses(list: TAnswers[]): StoredResponse[] {
  return list.map((answers, i) => ({
    id: String(i).padStart(24, '0'),
    surveyId: 'unit',
    waveId: 'w',
    fingerprint: 'x',
    status: 'complete',
    answers,
    otherTexts: {},
    language: 'en',
    source: 'import',
    startedAt: new Date(0),
    revision: 0,
  }));
}

// Ten times these 4 respondents (below 10 a figure is suppressed): 2 members, 2 non-members (one
// of whom skipped "why not"); tools ticked 5 times by 3 of them.
const FOUR: TAnswers[] = [
  { member: 'yes', tools: ['a', 'b'], happy: 5 },
  { member: 'yes', tools: ['a'], happy: 'dont_know' },
  { member: 'no', tools: ['a', 'c'], why_not: 'time', happy: 4 },
  { member: 'no', happy: 1 },
];
const sample = responses(Array.from({ length: 10 }, () => FOUR).flat());
const options = { mentions: true, lowBaseBelow: 50 };
const figures = (base: 'answered' | 'shown' | 'all') => buildFigures(definition, 'w', tallyResponses(definition, sample), { ...options, base }, 'responses');

describe('buildFigures', () => {
  it('uses "shown and answered" as the default base, so filtered questions count only those asked', () => {
    const whyNot = figures('answered').questions.why_not!;
    expect(whyNot.base.n).to.equal(10);
    expect(whyNot.options!.time!.proportion).to.equal(1);
  });

  it('can include those who were shown the question but skipped it, or every respondent', () => {
    expect(figures('shown').questions.why_not!.base.n).to.equal(20);
    expect(figures('shown').questions.why_not!.options!.time!.proportion).to.equal(0.5);
    expect(figures('all').questions.why_not!.base.n).to.equal(40);
    expect(figures('all').questions.why_not!.options!.time!.proportion).to.equal(0.25);
  });

  it('gives multi-select shares of respondents (summing past 100 %) and, on request, shares of mentions', () => {
    const tools = figures('answered').questions.tools!;
    expect(tools.base.n).to.equal(30);
    expect(tools.options!.a!.proportion).to.equal(1);
    expect(tools.options!.b!.proportion).to.equal(1 / 3);
    const sum = Object.values(tools.options!).reduce((s, o) => s + (o.proportion ?? 0), 0);
    expect(sum).to.be.closeTo(5 / 3, 1e-12);
    expect(tools.options!.a!.shareOfMentions).to.equal(3 / 5);
  });

  it('keeps "don\'t know" out of the top-2 box base and of the mean', () => {
    const happy = figures('answered').questions.happy!;
    expect(happy.base.n).to.equal(30);
    expect(happy.dontKnow!.count).to.equal(10);
    expect(happy.top2!.proportion).to.equal(2 / 3);
    expect(happy.bottom2!.proportion).to.equal(1 / 3);
    expect(happy.mean).to.be.closeTo((5 + 4 + 1) / 3, 1e-12);
    // numpy.std([5, 4, 1] * 10, ddof=1)
    expect(happy.sd).to.be.closeTo(1.7287295182088018, 1e-12);
  });

  it('flags low bases and suppresses figures below 10 respondents', () => {
    const few = responses(FOUR);
    const member = buildFigures(definition, 'w', tallyResponses(definition, few), { ...options, base: 'answered' }, 'responses').questions.member!;
    expect(member.flags).to.deep.equal(['suppressed']);
    expect(member.options!.yes!.proportion).to.equal(null);
    expect(member.options!.yes!.count).to.equal(2);
    const big = responses(Array.from({ length: 12 }, (_, i) => ({ member: i % 3 ? 'yes' : 'no' })));
    const f = buildFigures(definition, 'w', tallyResponses(definition, big), { ...options, base: 'answered' }, 'responses');
    expect(f.questions.member!.flags).to.deep.equal(['low_base']);
    expect(f.questions.member!.options!.yes!.proportion).to.equal(8 / 12);
  });

  it('uses weighted counts, weighted bases and the Kish effective base when weighted', () => {
    const weights = new Map(sample.map((r, i) => [r.id, [2, 1, 1, 0.5][i % 4] as number]));
    const f = buildFigures(definition, 'w', tallyResponses(definition, sample, weights), { ...options, base: 'answered' }, 'responses');
    const member = f.questions.member!;
    expect(member.base.n).to.equal(40);
    expect(member.base.weighted).to.be.closeTo(45, 1e-12);
    expect(member.base.effective).to.be.closeTo(45 ** 2 / 62.5, 1e-12);
    expect(member.options!.yes!.weightedCount).to.be.closeTo(30, 1e-12);
    expect(member.options!.yes!.proportion).to.be.closeTo(30 / 45, 1e-12);
    expect(f.weighted).to.equal(true);
  });
});

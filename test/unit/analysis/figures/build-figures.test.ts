import { expect } from 'chai';
import { buildFigures } from '../../../../server/analysis/figures/build-figures';
import { TallyAccumulator, tallyResponses } from '../../../../server/analysis/figures/figures.service';
import type { StoredResponse } from '../../../../server/responses/response.service';
import type { TAnswers } from '../../../../server/surveys/answers';
import { onePageSurvey } from '../../surveys/survey-builders';

const definition = onePageSurvey('unit', `
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
      - id: age
        type: number
        integer: true
        min: 18
        max: 68
        text: Age?
      - id: hours
        type: number
        min: 0
        text: Hours a week?
      - id: note
        type: short_text
        text: Anything else?
`);

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
// Ages 18, 30, 68 (one skipped); hours 0, 12.5, 40, 41; one note.
const FOUR: TAnswers[] = [
  { member: 'yes', tools: ['a', 'b'], happy: 5, age: 18, hours: 0 },
  { member: 'yes', tools: ['a'], happy: 'dont_know', age: 30, hours: 12.5, note: 'Great' },
  { member: 'no', tools: ['a', 'c'], why_not: 'time', happy: 4, age: 68, hours: 40 },
  { member: 'no', happy: 1, hours: 41 },
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

  it('gives a number with min and max its histogram from the tallies: 10 equal bins here, the last closed', () => {
    const age = figures('answered').questions.age!;
    expect(age.distribution).to.have.lengthOf(10);
    expect(age.distribution![0]).to.deep.equal({ from: 18, to: 23, count: 10, weightedCount: 10 });
    expect(age.distribution![2]).to.deep.equal({ from: 28, to: 33, count: 10, weightedCount: 10 });
    expect(age.distribution![9]).to.deep.equal({ from: 63, to: 68, count: 10, weightedCount: 10 });
    expect(age.distribution!.reduce((s, b) => s + b.count, 0)).to.equal(age.base.n);
  });

  it('gives no histogram from tallies without the bins: a number with no max, or counters kept before bins existed', () => {
    expect(figures('answered').questions.hours!.distribution).to.equal(undefined);
    const tallies = tallyResponses(definition, sample);
    const ageCounts = tallies.counts.get('age')!;
    for (const key of Object.keys(ageCounts)) if (key.startsWith('bin:')) delete ageCounts[key];
    expect(buildFigures(definition, 'w', tallies, { ...options, base: 'answered' }, 'counters').questions.age!.distribution).to.equal(undefined);
  });

  it('bins a number without a defined range from its values when recomputed from responses', () => {
    // Weighted on no calibration variable: the design weights alone.
    const accumulator = new TallyAccumulator(definition, []);
    sample.forEach((response, i) => accumulator.add({ ...response, weight: i % 4 === 3 ? 2 : 1 }));
    const recomputed = buildFigures(definition, 'w', accumulator.result(), { ...options, base: 'answered' }, 'responses');
    accumulator.addDistributions(recomputed);
    // 40 values from 0 to 41: Sturges gives 7 bins, 5.9 wide, rounded up to 10.
    expect(recomputed.questions.hours!.distribution).to.deep.equal([
      { from: 0, to: 10, count: 10, weightedCount: 10 },
      { from: 10, to: 20, count: 10, weightedCount: 10 },
      { from: 20, to: 30, count: 0, weightedCount: 0 },
      { from: 30, to: 40, count: 0, weightedCount: 0 },
      { from: 40, to: 50, count: 20, weightedCount: 30 },
    ]);
    // A number with min and max keeps the bins of its definition, weighted.
    expect(recomputed.questions.age!.distribution![9]).to.deep.equal({ from: 63, to: 68, count: 10, weightedCount: 10 });
  });

  it('counts those who answered an open question whatever the base', () => {
    expect(figures('answered').questions.note!.answers).to.equal(10);
    expect(figures('all').questions.note!.answers).to.equal(10);
    expect(figures('all').questions.note!.base.n).to.equal(40);
  });

  it('computes every figure below the publication threshold when asked not to withhold, flags kept', () => {
    const few = tallyResponses(definition, responses(FOUR));
    const build = (withhold: boolean) => buildFigures(definition, 'w', few, { ...options, base: 'answered', withhold }, 'responses').questions;
    const [kept, withheld] = [build(false), build(true)];
    expect(kept.member!.flags).to.deep.equal(['suppressed']);
    expect(kept.member!.options!.yes!.proportion).to.equal(0.5);
    expect(kept.member!.options!.yes!.ci95).to.be.an('array');
    expect(kept.tools!.options!.a!.shareOfMentions).to.equal(3 / 5);
    expect(kept.happy!.mean).to.be.closeTo(10 / 3, 1e-12);
    expect(kept.happy!.top2!.proportion).to.equal(2 / 3);
    expect(kept.age!.mean).to.be.closeTo(116 / 3, 1e-12);
    expect(withheld.member!.options!.yes!.proportion).to.equal(null);
    expect(withheld.happy!.mean).to.equal(null);
    expect(withheld.age!.mean).to.equal(null);
    // Counts are never withheld, nor the histogram's.
    expect(withheld.age!.distribution).to.deep.equal(kept.age!.distribution);
  });
});

import { expect } from 'chai';
import { buildFigures } from '../../../../server/analysis/figures/build-figures';
import { tallyResponses, type AnsweredResponse } from '../../../../server/analysis/figures/figures.service';
import type { BasePolicyName } from '../../../../server/analysis/figures/figures.types';
import type { TAnswers } from '../../../../server/surveys/answers';
import { onePageSurvey } from '../../surveys/survey-builders';

const definition = onePageSurvey('leaks', `
      - id: member
        type: yes_no
        text: Member?
      - id: why_not
        type: single_choice
        required: false
        text: Why not?
        options: [{ id: time, label: Time }, { id: money, label: Money }]
      - id: networks
        type: matrix
        required: false
        text: How satisfied?
        rows: [{ id: facebook, label: Facebook }, { id: viadeo, label: Viadeo }]
        scale: { points: 5, labels: { 1: Not at all, 5: Very }, dont_know: "Don't know" }
      - id: recommend
        type: nps
        required: false
        text: Recommend?
      - id: improve
        type: ranking
        required: false
        text: Rank these
        options: [{ id: price, label: Price }, { id: speed, label: Speed }]
      - id: hours
        type: number
        required: false
        min: 0
        max: 100
        text: Hours?
`);

// 40 respondents; only 3 of them answered why_not, rated Viadeo, the NPS, ranked, or gave hours.
const answers: TAnswers[] = Array.from({ length: 40 }, (_, i) => ({
  member: i % 2 ? 'yes' : 'no',
  networks: i < 3 ? { facebook: 4, viadeo: 5 - i } : { facebook: 1 + (i % 5), viadeo: 'dont_know' },
  ...(i < 3 ? { why_not: 'time', recommend: 9 + (i % 2), improve: ['price', 'speed'], hours: 10 * i } : {}),
}));
const responses: AnsweredResponse[] = answers.map((a, i) => ({ id: String(i).padStart(24, '0'), answers: a }));
const build = (base: BasePolicyName, withhold = true) =>
  buildFigures(definition, 'w', tallyResponses(definition, responses), { base, mentions: false, lowBaseBelow: 50, withhold }, 'responses').questions;

describe('buildFigures: nothing published from fewer answers than the threshold, whatever the base', () => {
  for (const base of ['answered', 'shown', 'all'] as const) {
    it(`withholds a matrix row's mean, SD, top-2 and shares on 3 answers under base=${base}`, () => {
      const viadeo = build(base).networks!.rows!.viadeo!;
      expect(viadeo.flags).to.deep.equal(['suppressed']);
      expect(viadeo.mean).to.equal(null);
      expect(viadeo.sd).to.equal(null);
      expect(viadeo.top2!.proportion).to.equal(null);
      expect(viadeo.options['5']!.proportion).to.equal(null);
      // Counts stay: they are what the table's base row shows.
      expect(viadeo.options['5']!.count).to.equal(1);
      // The row rated by all 40 is published.
      expect(build(base).networks!.rows!.facebook!.mean).to.be.closeTo(126 / 40, 1e-12);
    });

    it(`withholds an NPS, a number's mean, mean ranks and choice shares on 3 answers under base=${base}`, () => {
      const q = build(base);
      expect(q.recommend!.mean).to.equal(null);
      expect(q.recommend!.nps).to.deep.equal({ promoters: null, passives: null, detractors: null, score: null });
      expect(q.hours!.mean).to.equal(null);
      expect(q.improve!.meanRanks!.price!.meanRank).to.equal(null);
      expect(q.why_not!.options!.time!.proportion).to.equal(null);
      expect(q.member!.options!.yes!.proportion).to.equal(0.5);
    });
  }

  it('still computes them, flagged, for the analysts when asked not to withhold', () => {
    const q = build('all', false);
    expect(q.networks!.rows!.viadeo!.flags).to.deep.equal(['suppressed']);
    expect(q.networks!.rows!.viadeo!.mean).to.equal(4);
    expect(q.hours!.mean).to.equal(10);
  });

  it('judges a weighted figure on its effective base: 12 respondents whose weights are worth fewer than 10', () => {
    const twelve = responses.slice(0, 12).map((r) => ({ ...r, answers: { member: r.answers.member as string } }));
    // One weight of 12 and eleven of 1: Kish's effective base is 23²/155 ≈ 3.4.
    const weights = new Map(twelve.map((r, i) => [r.id, i === 0 ? 12 : 1]));
    const member = buildFigures(definition, 'w', tallyResponses(definition, twelve, weights), { base: 'answered', mentions: false, lowBaseBelow: 50 }, 'responses').questions.member!;
    expect(member.base.n).to.equal(12);
    expect(member.base.effective).to.be.closeTo((23 * 23) / 155, 1e-9);
    expect(member.flags).to.deep.equal(['suppressed']);
    expect(member.options!.yes!.proportion).to.equal(null);
  });
});

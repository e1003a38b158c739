import { expect } from 'chai';
import { parsePlaceholders, PlaceholderSyntaxError } from '../../../server/surveys/report-placeholders';

describe('report placeholders', () => {
  it('parses a pct with its base and its position in the text', () => {
    const text = '{{ pct uses_social = yes base=all }} des professionnels';
    expect(parsePlaceholders(text)).to.deep.equal([
      {
        raw: '{{ pct uses_social = yes base=all }}',
        start: 0,
        end: 36,
        placeholder: { kind: 'pct', question: 'uses_social', option: 'yes', format: { base: 'all', decimals: 0, round: 'nearest' } },
      },
    ]);
  });

  it('defaults to base=answered, 0 decimals, nearest rounding', () => {
    const [p] = parsePlaceholders('{{pct usage = both}}');
    expect(p?.placeholder).to.deep.equal({ kind: 'pct', question: 'usage', option: 'both', format: { base: 'answered', decimals: 0, round: 'nearest' } });
  });

  it('parses top2 of a matrix row with round=down step=10', () => {
    const [p] = parsePlaceholders('plus de {{ top2 satisfaction_professional[viadeo] round=down step=10 }} de satisfaction');
    expect(p?.placeholder).to.deep.equal({
      kind: 'top2',
      question: 'satisfaction_professional',
      row: 'viadeo',
      format: { base: 'answered', decimals: 0, round: 'down', step: 10 },
    });
    expect(p?.start).to.equal(8);
  });

  it('parses bottom2, mean, nps, n and base, and several placeholders in one text', () => {
    const parsed = parsePlaceholders('{{ bottom2 sat }} {{ mean sat[facebook] decimals=1 }} {{ nps recommend }} {{ n }} {{ base sat[facebook] base=shown }}');
    expect(parsed.map((p) => p.placeholder)).to.deep.equal([
      { kind: 'bottom2', question: 'sat', format: { base: 'answered', decimals: 0, round: 'nearest' } },
      { kind: 'mean', question: 'sat', row: 'facebook', format: { base: 'answered', decimals: 1, round: 'nearest' } },
      { kind: 'nps', question: 'recommend', format: { base: 'answered', decimals: 0, round: 'nearest' } },
      { kind: 'n', format: { base: 'answered', decimals: 0, round: 'nearest' } },
      { kind: 'base', question: 'sat', row: 'facebook', format: { base: 'shown', decimals: 0, round: 'nearest' } },
    ]);
  });

  it('returns nothing for a text without placeholders', () => {
    expect(parsePlaceholders('94 % des répondants')).to.deep.equal([]);
  });

  const bad: [string, string][] = [
    ['{{ pct uses_social yes }}', 'placeholder {{ pct uses_social yes }}: write "pct QUESTION = OPTION"'],
    ['{{ pct uses_social = }}', 'placeholder {{ pct uses_social = }}: an option id is missing after "="'],
    ['{{ share uses_social = yes }}', 'placeholder {{ share uses_social = yes }}: unknown figure "share" (use pct, top2, bottom2, mean, nps, n or base)'],
    ['{{ }}', 'placeholder {{ }}: it is empty'],
    ['{{ pct a = b base=some }}', 'placeholder {{ pct a = b base=some }}: base must be answered, shown or all, not "some"'],
    ['{{ pct a = b decimals=x }}', 'placeholder {{ pct a = b decimals=x }}: decimals must be a whole number from 0 to 4, not "x"'],
    ['{{ pct a = b round=up }}', 'placeholder {{ pct a = b round=up }}: round must be nearest or down, not "up"'],
    ['{{ pct a = b step=0 }}', 'placeholder {{ pct a = b step=0 }}: step must be a positive number, not "0"'],
    ['{{ pct a = b base=all base=shown }}', 'placeholder {{ pct a = b base=all base=shown }}: "base" is given twice'],
    ['{{ pct a = b extra }}', 'placeholder {{ pct a = b extra }}: unexpected "extra" (settings are base=, decimals=, round=, step=)'],
    ['{{ nps a[b] }}', 'placeholder {{ nps a[b] }}: "a[b]": this placeholder takes a question, not a row'],
    ['{{ top2 Sat }}', 'placeholder {{ top2 Sat }}: "Sat" is not a question id (or question[row])'],
    ['{{ pct a = b', 'placeholder {{ pct a = b: is not closed with }}'],
    ['{{ pct a = b {{ n }}', 'placeholder {{ pct a = b {{ n }}: is not closed with }}'],
    ['50 }} %', 'placeholder }}: closes a placeholder that was never opened'],
  ];
  for (const [text, message] of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      expect(() => parsePlaceholders(text)).to.throw(PlaceholderSyntaxError, message);
    });
  }
});

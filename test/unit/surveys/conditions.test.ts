import { expect } from 'chai';
import { conditionQuestionIds, evaluateCondition } from '../../../server/surveys/conditions';
import type { TCondition } from '../../../server/surveys/survey.schemas';
import type { TAnswers } from '../../../server/surveys/answers';

const answers: TAnswers = {
  uses_social: 'yes',
  sector: 'retail',
  networks: ['facebook', 'viadeo'],
  age: 42,
  satisfaction: 4,
  unsure: 'dont_know',
  comments: 'Très bien',
};

function holds(condition: TCondition, given: TAnswers = answers): boolean {
  return evaluateCondition(condition, given);
}

describe('conditions', () => {
  describe('equals', () => {
    it('is true when a single answer is the option id', () => {
      expect(holds({ question: 'uses_social', equals: 'yes' })).to.equal(true);
      expect(holds({ question: 'uses_social', equals: 'no' })).to.equal(false);
    });

    it('compares numbers by value, whether YAML wrote them as numbers or text', () => {
      expect(holds({ question: 'age', equals: 42 })).to.equal(true);
      expect(holds({ question: 'age', equals: '42' })).to.equal(true);
      expect(holds({ question: 'age', equals: 41 })).to.equal(false);
    });

    it('is false for an unanswered question and for a list answer', () => {
      expect(holds({ question: 'missing', equals: 'yes' })).to.equal(false);
      expect(holds({ question: 'networks', equals: 'facebook' })).to.equal(false);
    });
  });

  describe('in', () => {
    it('is true when the answer is one of the values', () => {
      expect(holds({ question: 'sector', in: ['industry', 'retail'] })).to.equal(true);
      expect(holds({ question: 'sector', in: ['industry', 'construction'] })).to.equal(false);
      expect(holds({ question: 'satisfaction', in: [4, 5] })).to.equal(true);
      expect(holds({ question: 'missing', in: ['a'] })).to.equal(false);
    });
  });

  describe('includes', () => {
    it('is true when a multiple-choice answer contains the option', () => {
      expect(holds({ question: 'networks', includes: 'viadeo' })).to.equal(true);
      expect(holds({ question: 'networks', includes: 'twitter' })).to.equal(false);
      expect(holds({ question: 'sector', includes: 'retail' }), 'not a list').to.equal(false);
      expect(holds({ question: 'missing', includes: 'a' })).to.equal(false);
    });
  });

  describe('answered', () => {
    it('tells answered from unanswered, counting empty text and empty lists as unanswered', () => {
      expect(holds({ question: 'comments', answered: true })).to.equal(true);
      expect(holds({ question: 'missing', answered: true })).to.equal(false);
      expect(holds({ question: 'missing', answered: false })).to.equal(true);
      expect(holds({ question: 'blank', answered: false }, { blank: '  ' })).to.equal(true);
      expect(holds({ question: 'none', answered: true }, { none: [] })).to.equal(false);
    });
  });

  describe('numeric comparisons', () => {
    it('gt, gte, lt and lte compare a number answer with the bound', () => {
      expect(holds({ question: 'age', gt: 41 })).to.equal(true);
      expect(holds({ question: 'age', gt: 42 })).to.equal(false);
      expect(holds({ question: 'age', gte: 42 })).to.equal(true);
      expect(holds({ question: 'age', lt: 42 })).to.equal(false);
      expect(holds({ question: 'age', lt: 43 })).to.equal(true);
      expect(holds({ question: 'age', lte: 42 })).to.equal(true);
      expect(holds({ question: 'age', lte: 41 })).to.equal(false);
    });

    it('is false for "don\'t know", text and unanswered questions', () => {
      expect(holds({ question: 'unsure', gt: 0 })).to.equal(false);
      expect(holds({ question: 'unsure', lt: 100 })).to.equal(false);
      expect(holds({ question: 'comments', gt: 0 })).to.equal(false);
      expect(holds({ question: 'missing', lte: 10 })).to.equal(false);
    });
  });

  describe('all / any / not', () => {
    it('all needs every condition, any needs one, not inverts', () => {
      const yes = { question: 'uses_social', equals: 'yes' } as const;
      const no = { question: 'uses_social', equals: 'no' } as const;
      expect(holds({ all: [yes, { question: 'age', gt: 30 }] })).to.equal(true);
      expect(holds({ all: [yes, no] })).to.equal(false);
      expect(holds({ any: [no, yes] })).to.equal(true);
      expect(holds({ any: [no, { question: 'age', lt: 18 }] })).to.equal(false);
      expect(holds({ not: no })).to.equal(true);
      expect(holds({ not: { all: [yes, { not: no }] } })).to.equal(false);
    });

    it('not of a condition on an unanswered question is true', () => {
      expect(holds({ not: { question: 'missing', includes: 'x' } })).to.equal(true);
    });
  });

  it('lists the questions a condition reads', () => {
    expect(conditionQuestionIds({ any: [{ question: 'a', answered: true }, { not: { all: [{ question: 'b', gt: 1 }, { question: 'c', in: [1] }] } }] })).to.deep.equal(['a', 'b', 'c']);
  });
});

import { expect } from 'chai';
import { loadSurveyDirectory, loadSurveyFile } from '../../../server/surveys/survey.loader';
import { parsePlaceholders } from '../../../server/surveys/report-placeholders';
import { computeVisibility } from '../../../server/surveys/visibility';
import { validateResponse } from '../../../server/surveys/answers';
import type { TQuestion, TSurveyDefinition } from '../../../server/surveys/survey.schemas';

function questionsOf(def: TSurveyDefinition): Map<string, TQuestion> {
  return new Map(def.pages.flatMap((p) => p.questions).map((q) => [q.id, q]));
}

function optionIds(q: TQuestion | undefined): string[] {
  return q && 'options' in q && q.options ? q.options.map((o) => o.id) : [];
}

describe('shipped surveys', () => {
  it('every file in surveys/ passes the check', async () => {
    const loaded = await loadSurveyDirectory('surveys');
    expect(loaded.map((s) => s.file)).to.deep.equal(['surveys/captic-2011.yaml', 'surveys/coworking-members-2026.yaml']);
  });

  describe('CAP-TIC 2011', () => {
    let def: TSurveyDefinition;
    let questions: Map<string, TQuestion>;
    before(async () => {
      def = (await loadSurveyFile('surveys/captic-2011.yaml')).definition;
      questions = questionsOf(def);
    });

    it('is in French first, with English, opt-in, seeding the closed March 2011 wave and an open demonstration wave', () => {
      expect(def.languages).to.deep.equal(['fr', 'en']);
      expect(def.sampling).to.equal('opt_in');
      expect(def.time_zone).to.equal('Europe/Paris');
      expect(def.seed_waves?.map((w) => [w.id, w.status, w.field_start, w.field_end])).to.deep.equal([
        ['2011-03', 'closed', '2011-03-01', '2011-03-31'],
        ['demo', 'open', undefined, undefined],
      ]);
    });

    it('uses the stable ids the CAP-TIC questionnaire was reconstructed with', () => {
      const expected: Record<string, [string, string[]]> = {
        uses_social: ['yes_no', ['yes', 'no']],
        usage: ['single_choice', ['professional', 'personal', 'both']],
        networks: ['multiple_choice', ['facebook', 'linkedin', 'viadeo', 'twitter', 'other']],
        info_sources: ['multiple_choice', ['social_media', 'specialised_sites', 'general_sites', 'specialised_magazines', 'radio', 'other']],
        club_member: ['yes_no', ['yes', 'no']],
        club_obstacles: ['multiple_choice', ['time', 'fees', 'no_sector_network', 'other']],
        reasons: ['multiple_choice', ['build_network', 'exchange_peers', 'find_partners', 'find_customers', 'share_knowhow', 'other']],
        themes: ['multiple_choice', ['creation', 'financing', 'training', 'recruitment_hr', 'other']],
        trust_mediated: ['yes_no', ['yes', 'no']],
        trust_unmediated: ['yes_no', ['yes', 'no']],
        company_size: ['single_choice', ['tpe', 'pme', 'eti', 'ge']],
      };
      for (const [id, [type, options]] of Object.entries(expected)) {
        expect(questions.get(id)?.type, id).to.equal(type);
        expect(optionIds(questions.get(id)), id).to.deep.equal(options);
      }
      expect(questions.get('comments')?.type).to.equal('long_text');
      for (const id of ['sector', 'region', 'function']) expect(questions.get(id)?.type, id).to.equal('single_choice');
      expect(optionIds(questions.get('region'))).to.have.length(14).and.include('outre_mer');
    });

    it('asks satisfaction per network chosen, on a 5-point scale with "ne sais pas"', () => {
      for (const id of ['satisfaction_personal', 'satisfaction_professional']) {
        const q = questions.get(id);
        if (q?.type !== 'matrix') expect.fail(`${id} is not a matrix`);
        expect(q.rows_from?.question).to.equal('networks');
        expect(q.scale.points).to.equal(5);
        expect(q.scale.labels['1']).to.deep.include({ fr: 'Pas du tout satisfait' });
        expect(q.scale.labels['5']).to.deep.include({ fr: 'Très satisfait' });
        expect(q.scale.dont_know).to.deep.include({ fr: 'Ne sais pas' });
      }
    });

    it('asks usage, networks and satisfaction of users only, and club obstacles of non-members only', () => {
      const nonUser = computeVisibility(def, { uses_social: 'no', club_member: 'yes' });
      for (const id of ['usage', 'networks', 'satisfaction_personal', 'satisfaction_professional', 'club_obstacles']) expect(nonUser.questions.has(id), id).to.equal(false);
      const user = computeVisibility(def, { uses_social: 'yes', usage: 'both', networks: ['facebook', 'viadeo'], club_member: 'no' });
      for (const id of ['usage', 'networks', 'satisfaction_personal', 'satisfaction_professional', 'club_obstacles']) expect(user.questions.has(id), id).to.equal(true);
      expect(user.rows.get('satisfaction_professional')?.map((r) => r.id)).to.deep.equal(['facebook', 'viadeo']);
    });

    it('leaves the trust questions and comments optional', () => {
      const result = validateResponse(def, {
        uses_social: 'no',
        info_sources: ['radio'],
        club_member: 'yes',
        reasons: ['build_network'],
        themes: ['creation'],
        company_size: 'tpe',
        sector: 'retail',
        region: 'bretagne',
        function: 'business_owner',
      });
      expect(result.ok, JSON.stringify(result)).to.equal(true);
    });

    it('carries the report statements F1 to F18 in French and English with the bases of the article', () => {
      const statements = def.report?.statements ?? [];
      expect(statements.map((s) => s.id)).to.deep.equal(Array.from({ length: 18 }, (_, i) => `f${i + 1}`));
      const byId = new Map(statements.map((s) => [s.id, s.text as Record<string, string>]));
      const first = (id: string): string => parsePlaceholders(byId.get(id)?.fr ?? '')[0]?.raw ?? '';
      expect(first('f1')).to.equal('{{ pct uses_social = yes base=all }}');
      expect(first('f4')).to.equal('{{ top2 satisfaction_professional[viadeo] round=down step=10 }}');
      expect(byId.get('f4')?.fr).to.match(/^plus de \{\{/);
      for (const id of ['f8', 'f9', 'f10']) {
        expect(byId.get(id)?.fr).to.include('parmi les non-adhérents');
        expect(parsePlaceholders(byId.get(id)?.fr ?? '')[0]?.placeholder.format.base).to.equal('answered');
      }
      expect(parsePlaceholders(byId.get('f15')?.fr ?? '').map((p) => p.raw)).to.deep.equal(['{{ pct themes = financing base=all }}', '{{ pct themes = training base=all }}']);
      expect(parsePlaceholders(byId.get('f17')?.fr ?? '')[0]?.placeholder.format.decimals).to.equal(1);
      for (const id of ['f5', 'f6', 'f11', 'f12', 'f13', 'f14', 'f15', 'f16']) {
        expect(parsePlaceholders(byId.get(id)?.en ?? '').every((p) => p.placeholder.format.base === 'all'), id).to.equal(true);
      }
    });
  });
});

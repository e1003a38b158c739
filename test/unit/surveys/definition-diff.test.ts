import { expect } from 'chai';
import { diffDefinitions, questionOfRef, rewordingsOf, type DefinitionChange } from '../../../server/surveys/versions/definition-diff';
import { seriesBreaksAlong, unexcusedRewordings } from '../../../server/surveys/versions/series-breaks';
import { defineSurvey, opts, t } from './survey-builders';

const USES = { id: 'uses', type: 'yes_no', text: t('Utilisez-vous les réseaux ?', 'Do you use networks?') };
const USAGE = { id: 'usage', type: 'single_choice', text: t('Usage ?', 'Usage?'), options: opts('pro', 'perso', 'both') };
const SIZE = { id: 'size', type: 'single_choice', text: t('Taille ?', 'Size?'), options: opts('tpe', 'pme') };
const NOTE = { id: 'note', type: 'rating', text: t('Note ?', 'Rating?'), scale: { points: 5, labels: { 1: t('Mauvais', 'Bad'), 5: t('Bon', 'Good') } } };

function survey(...pages: { id: string; questions: unknown[] }[]) {
  return defineSurvey({ pages });
}

const BASE = survey({ id: 'p1', questions: [USES, USAGE] }, { id: 'p2', questions: [SIZE, NOTE] });

/** The changes as short lines, e.g. "reworded question:uses", to compare whole lists. */
function summary(changes: DefinitionChange[]): string[] {
  return changes.map((c) => `${c.kind} ${c.ref}`);
}

describe('The difference between two definitions', () => {
  it('finds nothing between a definition and itself', () => {
    expect(diffDefinitions(BASE, BASE).changes).to.deep.equal([]);
  });

  it('reports a question added, with its wording and place, and one removed, where it stood', () => {
    const extra = { id: 'extra', type: 'short_text', text: t('Autre ?', 'Other?') };
    const after = survey({ id: 'p1', questions: [USES, extra] }, { id: 'p2', questions: [SIZE, NOTE] });
    const { changes } = diffDefinitions(BASE, after);
    expect(summary(changes)).to.deep.equal(['removed question:usage', 'added question:extra']);
    expect(changes[0]?.before).to.deep.include({ page: 'p1', position: 2, type: 'single_choice', wording: { fr: 'Usage ?', en: 'Usage?' } });
    expect(changes[1]?.after).to.deep.include({ page: 'p1', position: 2, type: 'short_text', wording: { fr: 'Autre ?', en: 'Other?' } });
    expect(changes[1]?.before).to.equal(undefined);
  });

  it('reports a question reworded in one language only, with the old and new wording side by side', () => {
    const after = survey({ id: 'p1', questions: [{ ...USES, text: t('Utilisez-vous les réseaux ?', 'Do you use social networks?') }, USAGE] }, { id: 'p2', questions: [SIZE, NOTE] });
    const { changes } = diffDefinitions(BASE, after);
    expect(summary(changes)).to.deep.equal(['reworded question:uses']);
    expect(changes[0]?.before?.wording).to.deep.equal({ fr: 'Utilisez-vous les réseaux ?', en: 'Do you use networks?' });
    expect(changes[0]?.after?.wording).to.deep.equal({ fr: 'Utilisez-vous les réseaux ?', en: 'Do you use social networks?' });
  });

  it('does not count spaces around a text, or a translation added for a new language, as a rewording', () => {
    const trilingual = defineSurvey({
      languages: ['fr', 'en', 'de'],
      title: { fr: 'Enquête de test', en: 'Test survey', de: 'Testumfrage' },
      sponsor: { fr: 'B', en: 'B', de: 'B' },
      conducted_by: { fr: 'B', en: 'B', de: 'B' },
      target_population: { fr: 'T', en: 'T', de: 'T' },
      method: { fr: 'En ligne', en: 'Online', de: 'Online' },
      thank_you: { fr: 'Merci', en: 'Thanks', de: 'Danke' },
      pages: [{ id: 'p1', questions: [{ id: 'uses', type: 'short_text', text: { fr: 'Utilisez-vous les réseaux ?  ', en: 'Do you use networks?', de: 'Nutzen Sie Netzwerke?' } }] }],
    });
    const bilingual = survey({ id: 'p1', questions: [{ id: 'uses', type: 'short_text', text: t('Utilisez-vous les réseaux ?', 'Do you use networks?') }] });
    expect(diffDefinitions(bilingual, trilingual).changes).to.deep.equal([]);
  });

  it('reports a question moved to another page, and the pages it came from and went to', () => {
    const after = survey({ id: 'p1', questions: [USES] }, { id: 'p2', questions: [USAGE, SIZE, NOTE] });
    const { changes } = diffDefinitions(BASE, after);
    expect(summary(changes)).to.deep.equal(['moved question:usage']);
    expect(changes[0]?.before).to.deep.include({ page: 'p1', position: 2 });
    expect(changes[0]?.after).to.deep.include({ page: 'p2', position: 1 });
  });

  it('reports a question moved within its page, but not the questions that only shifted', () => {
    const after = survey({ id: 'p1', questions: [USAGE, USES] }, { id: 'p2', questions: [SIZE, NOTE] });
    expect(summary(diffDefinitions(BASE, after).changes)).to.have.lengthOf(1).and.to.satisfy((lines: string[]) => lines[0]?.startsWith('moved question:'));
    const inserted = survey({ id: 'p1', questions: [{ id: 'first', type: 'short_text', text: t('Premier', 'First') }, USES, USAGE] }, { id: 'p2', questions: [SIZE, NOTE] });
    expect(summary(diffDefinitions(BASE, inserted).changes)).to.deep.equal(['added question:first']);
  });

  it('reports a page moved as the moves of its questions', () => {
    const after = survey({ id: 'p2', questions: [SIZE, NOTE] }, { id: 'p1', questions: [USES, USAGE] });
    const moved = diffDefinitions(BASE, after).changes.filter((c) => c.kind === 'moved').map((c) => c.questionId);
    // Either page's questions moved past the other's: two questions either way.
    expect(moved).to.have.lengthOf(2);
    expect([['uses', 'usage'], ['size', 'note']]).to.deep.include(moved);
  });

  it('reports a question whose type changed, with both types', () => {
    const after = survey({ id: 'p1', questions: [USES, { ...USAGE, type: 'multiple_choice' }] }, { id: 'p2', questions: [SIZE, NOTE] });
    const { changes } = diffDefinitions(BASE, after);
    expect(summary(changes)).to.deep.equal(['type_changed question:usage']);
    expect([changes[0]?.before?.type, changes[0]?.after?.type]).to.deep.equal(['single_choice', 'multiple_choice']);
  });

  it('reports options added, removed, reworded and moved, by their ids', () => {
    const channels = { id: 'channels', type: 'multiple_choice', text: t('Canaux ?', 'Channels?'), options: opts('mail', 'phone', 'web', 'post') };
    const before = survey({ id: 'p1', questions: [channels] });
    const options = [{ id: 'post', label: t('Courrier', 'Letters') }, ...opts('mail', 'web'), { id: 'chat', label: t('Messagerie', 'Chat') }];
    const { changes } = diffDefinitions(before, survey({ id: 'p1', questions: [{ ...channels, options }] }));
    expect(summary(changes)).to.deep.equal(['removed option:channels.phone', 'reworded option:channels.post', 'moved option:channels.post', 'added option:channels.chat']);
    const [, reworded, moved] = changes;
    expect(reworded).to.deep.include({ target: 'option', questionId: 'channels', optionId: 'post' });
    expect(reworded?.before?.wording).to.deep.equal({ fr: 'post', en: 'post (en)' });
    expect(reworded?.after?.wording).to.deep.equal({ fr: 'Courrier', en: 'Letters' });
    expect([moved?.before?.position, moved?.after?.position]).to.deep.equal([4, 1]);
  });

  it('treats the labels of a scale as the options of a rating question, keyed by their point', () => {
    const after = survey({ id: 'p1', questions: [USES, USAGE] }, { id: 'p2', questions: [SIZE, { ...NOTE, scale: { points: 5, labels: { 1: t('Très mauvais', 'Very bad'), 5: t('Bon', 'Good') } } }] });
    expect(summary(diffDefinitions(BASE, after).changes)).to.deep.equal(['reworded option:note.1']);
  });

  it('lists the rewordings that break a series unless marked editorial', () => {
    const after = survey(
      { id: 'p1', questions: [{ ...USES, text: t('Utilisez-vous des réseaux sociaux ?', 'Do you use social networks?') }, { ...USAGE, options: [...opts('pro', 'perso').slice(0, 1), { id: 'perso', label: t('Personnel', 'Personal') }, ...opts('both')] }] },
      { id: 'p2', questions: [SIZE, NOTE] },
    );
    const diff = diffDefinitions(BASE, after);
    expect(rewordingsOf(diff).map((c) => c.ref)).to.deep.equal(['question:uses', 'option:usage.perso']);
    expect([...unexcusedRewordings(diff, ['option:usage.perso'])]).to.deep.equal(['question:uses']);
    expect(questionOfRef('option:usage.perso')).to.equal('usage');
    expect(questionOfRef('question:uses')).to.equal('uses');
    expect(questionOfRef('page:p1')).to.equal(undefined);
  });
});

describe('Breaks in series along the waves between two compared waves', () => {
  const typo = survey({ id: 'p1', questions: [{ ...USES, text: t('Utilisez vous les réseaux ?', 'Do you use networks?') }, USAGE] }, { id: 'p2', questions: [SIZE, NOTE] });
  const reworded = survey({ id: 'p1', questions: [{ ...USES, text: t('Utilisez-vous les réseaux sociaux en ligne ?', 'Do you use online social networks?') }, USAGE] }, { id: 'p2', questions: [SIZE, NOTE] });
  const link = (definition: typeof BASE, editorialRefs: string[] = []) => ({ definition, editorialRefs });

  it('breaks on a rewording made by any step and not marked on the wave of that step', () => {
    expect([...seriesBreaksAlong([link(BASE), link(BASE), link(reworded)])]).to.deep.equal([['uses', ['question:uses']]]);
    expect([...seriesBreaksAlong([link(BASE), link(reworded), link(reworded)])]).to.deep.equal([['uses', ['question:uses']]]);
  });

  it('keeps a typo fixed and marked editorial excused when later waves are compared with earlier ones', () => {
    expect(seriesBreaksAlong([link(typo), link(BASE, ['question:uses']), link(BASE)]).size).to.equal(0);
    // A mark on a later wave does not excuse the step that made the change.
    expect(seriesBreaksAlong([link(typo), link(BASE), link(BASE, ['question:uses'])]).size).to.equal(1);
  });

  it('finds no break when a rewording was undone, or between a wave and itself', () => {
    expect(seriesBreaksAlong([link(BASE), link(reworded), link(BASE)]).size).to.equal(0);
    expect(seriesBreaksAlong([link(BASE)]).size).to.equal(0);
  });

  it('breaks when a marked typo fix is followed by a real rewording', () => {
    expect([...seriesBreaksAlong([link(typo), link(BASE, ['question:uses']), link(reworded)])]).to.deep.equal([['uses', ['question:uses']]]);
  });
});

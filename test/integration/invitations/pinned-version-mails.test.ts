// A panel wave pinned to another version than the survey file (last year's wave still in the field
// while the file already holds next year's text, or the reverse) invites, reminds and previews
// under the title of the version its members will answer, not the file's.
import { expect } from 'chai';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { TEST_ACTOR, wavesOf } from '../../support/waves';
import { surveyTitle } from '../../../server/surveys/survey-titles';
import { CAPTIC_TEXT, NEXT_WAVE, recordVersionText, replaceOnce } from '../versions/support';
import { DAY_MS, PANEL_ID, START, mailTo, makePanel, sendInvitations, useInvitationSuite } from './invitation-support';

const PINNED_TITLE = { en: 'Professionals on social networks, 2012', fr: 'Les professionnels et les réseaux sociaux, 2012' };
const RETITLED = replaceOnce(
  replaceOnce(CAPTIC_TEXT, 'en: How professionals use social networks', `en: ${PINNED_TITLE.en}`),
  'fr: Utilisation des réseaux sociaux par les professionnels',
  `fr: ${PINNED_TITLE.fr}`,
);

describe('Invitations of a wave pinned to a version with another title', function () {
  this.timeout(60_000);
  const suite = useInvitationSuite();

  async function launchPinnedPanelWave(): Promise<void> {
    const { fingerprint } = await recordVersionText(RETITLED, 'captic-2012.yaml');
    const waves = wavesOf(suite.app);
    await waves.createWave(CAPTIC_ID, { waveId: NEXT_WAVE, copyFrom: '2011-03', fingerprint }, TEST_ACTOR);
    await waves.setSettings(CAPTIC_ID, NEXT_WAVE, { accessMode: 'panel', panelId: PANEL_ID, reminderDays: [3] }, TEST_ACTOR);
    await waves.closeWave(CAPTIC_ID, 'demo', TEST_ACTOR);
    await waves.openWave(CAPTIC_ID, NEXT_WAVE, TEST_ACTOR);
  }

  it('titles the invitation and the reminder, in each member’s language, as the pinned version does', async () => {
    await makePanel(suite.app, [{ email: 'ana@example.org', language: 'en' }, { email: 'bob@example.org' }]);
    await launchPinnedPanelWave();
    // The file still has its own title: the mails must not take it from there.
    expect(surveyTitle(suite.app.catalog.require(CAPTIC_ID).definition, 'en')).to.equal('How professionals use social networks');

    await sendInvitations(suite.app, NEXT_WAVE);
    const invitations = await suite.smtp.waitForMessages(2);
    expect(mailTo(invitations, 'ana@example.org')!.subject).to.equal(`${PINNED_TITLE.en}: your invitation`);
    expect(mailTo(invitations, 'bob@example.org')!.subject).to.equal(`${PINNED_TITLE.fr} : votre invitation`);
    suite.smtp.messages.length = 0;

    suite.clock.set(new Date(new Date(START).getTime() + 3 * DAY_MS));
    expect(await suite.reminders.runOnce()).to.equal(2);
    const reminders = await suite.smtp.waitForMessages(2);
    expect(mailTo(reminders, 'ana@example.org')!.subject).to.equal(`Reminder: ${PINNED_TITLE.en}`);
    expect(mailTo(reminders, 'bob@example.org')!.subject).to.equal(`Rappel : ${PINNED_TITLE.fr}`);
  });

  it('previews them on the wave’s invitations page under that title', async () => {
    await makePanel(suite.app, [{ email: 'ana@example.org' }]);
    await launchPinnedPanelWave();
    const page = await suite.browser.get(`/admin/surveys/${CAPTIC_ID}/waves/${NEXT_WAVE}/invitations`);
    expect(page.status, page.html.slice(0, 300)).to.equal(200);
    expect(page.$('#preview-invitation-en .mail-subject').text()).to.equal(`${PINNED_TITLE.en}: your invitation`);
    expect(page.$('#preview-reminder-fr .mail-subject').text()).to.equal(`Rappel : ${PINNED_TITLE.fr}`);
  });
});

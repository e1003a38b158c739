// Pages that show work running in the background (a wave's invitations being sent, a panel import)
// follow it with public/js/follow-progress.js: in Chromium, the progress bar and its label change
// in place without the page reloading (a reload throws a screen reader back to the top), the link
// that shows the progress again is hidden while the script does it, and once the work ends the
// finished page's content comes in and the focus moves to what it says.
import { expect } from 'chai';
import mongoose from 'mongoose';
import type { Page } from 'playwright-core';
import type { SendProgress } from '../../server/invitations/invitation.service';
import { createPanel } from '../../server/panels/panel.service';
import { createLogger } from '../../server/lib/logger';
import { CAPTIC_ID } from '../fixtures/captic-answers';
import { createStaff, signInChromium } from '../support/staff';
import { TEST_ACTOR } from '../support/waves';
import { invitationSendsOf, makePanelWave, PANEL_ID } from '../integration/invitations/invitation-support';
import { useChromiumSuite } from './support/chromium';

const PAGE = `/admin/surveys/${CAPTIC_ID}/waves/demo/invitations`;
const MEMBERS = 1200;

describe('Following background work in Chromium, without reloading the page', function () {
  this.timeout(60_000);
  const suite = useChromiumSuite();

  async function organizerPage(): Promise<Page> {
    const organizer = await createStaff(suite.app, { email: 'organizer@example.org', role: 'organizer', grants: [CAPTIC_ID] });
    const page = await suite.newPage({ locale: 'en-GB' });
    await signInChromium(page, suite.app, organizer);
    return page;
  }

  it('updates a running send’s progress in place, then shows and focuses what the send did', async () => {
    await createPanel(CAPTIC_ID, { panelId: PANEL_ID, name: 'CAP-TIC members' }, TEST_ACTOR, createLogger(suite.app.config));
    await mongoose.connection.db!.collection('panel_members').insertMany(
      Array.from({ length: MEMBERS }, (_, n) => ({ surveyId: CAPTIC_ID, panelId: PANEL_ID, email: `member${n}@example.org`, emailKey: `member${n}@example.org`, attributes: {} })),
    );
    await makePanelWave(suite.app);
    // The send is held after each of its first two batches of mails, until the test lets it go on.
    let release: () => void = () => undefined;
    let reached: () => void = () => undefined;
    let atBatch = new Promise<void>((resolve) => (reached = resolve));
    let holds = 2;
    const onProgress = async (progress: Partial<SendProgress>) => {
      if (progress.handled === undefined || holds === 0) return;
      holds -= 1;
      const go = new Promise<void>((resolve) => (release = resolve));
      reached();
      await go;
    };
    const started = await invitationSendsOf(suite.app).startSend(CAPTIC_ID, 'demo', TEST_ACTOR, suite.app.url, { onProgress });
    await atBatch;

    const page = await organizerPage();
    await page.goto(`${suite.app.url}${PAGE}`);
    const bar = page.locator('#send-progress progress');
    expect(await bar.getAttribute('value')).to.equal('500');
    expect(await page.locator('#send-refresh').isVisible(), 'the script follows the send: no link to click').to.equal(false);
    // A mark on this document: a reload would lose it.
    await page.evaluate('window.notReloaded = true');

    atBatch = new Promise<void>((resolve) => (reached = resolve));
    release();
    await atBatch;
    // Setting a progress bar's value sets its attribute too.
    await page.locator('#send-progress progress[value="1000"]').waitFor();
    expect(await page.locator('#send-progress label').innerText()).to.equal(`Sending: 1000 of ${MEMBERS} invitation(s) handled, 1000 message(s) queued.`);

    release();
    await started.finished;
    await page.locator('#notice').waitFor();
    expect(await page.locator('#notice').innerText()).to.equal(`Invitations sent: ${MEMBERS} message(s) queued; 0 already invited; 0 unsubscribed and 0 bounced not invited.`);
    expect(await page.evaluate('document.activeElement?.id')).to.equal('notice');
    expect(await page.locator('#send-progress').count()).to.equal(0);
    expect(await page.evaluate('window.notReloaded')).to.equal(true);
  });
});

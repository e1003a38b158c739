// A wave's panel and anonymity settings, from the wave page and the API: the panel must exist, a
// panel wave names its panel before it opens, and once invitations are sent neither the panel nor
// the anonymity promised to the invited changes. And the response rate in the report.
import { expect } from 'chai';
import { apiTokenFor, submitForm } from '../../support/staff';
import { TEST_ACTOR, wavesOf } from '../../support/waves';
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { db, makePanel, makePanelWave, sendInvitations, useInvitationSuite } from './invitation-support';

const WAVE_PAGE = `/admin/surveys/${CAPTIC_ID}/waves/demo`;

describe('A wave’s panel and anonymity settings', function () {
  this.timeout(60_000);
  const suite = useInvitationSuite();
  const storedWave = (waveId = 'demo') => db().collection('waves').findOne({ surveyId: CAPTIC_ID, waveId });

  async function saveSettings(fields: Record<string, string>, path = WAVE_PAGE) {
    const page = await suite.browser.get(path);
    return submitForm(suite.browser, page, 'form#wave-settings', { accessMode: 'panel', targetSample: '', reminderDays: '', ...fields });
  }

  it('sets the panel a wave invites and its anonymity from the wave page, and refuses a panel the survey does not have', async () => {
    await makePanel(suite.app, [{ email: 'ana@example.org' }]);
    const page = await suite.browser.get(WAVE_PAGE);
    expect(page.$('select#panelId option').map((_, o) => page.$(o).attr('value')).get()).to.deep.equal(['', 'members']);

    const saved = await saveSettings({ panelId: 'members', anonymous: 'on' });
    expect(saved.status, saved.html.slice(0, 400)).to.equal(303);
    expect(await storedWave()).to.deep.include({ accessMode: 'panel', panelId: 'members', anonymous: true });
    const shown = await suite.browser.get(saved.location!);
    expect(shown.$('#wave-panel').text()).to.equal('members');
    expect(shown.$('#wave-anonymous').text()).to.equal('yes');
    expect(shown.$('input#anonymous').attr('checked')).to.not.equal(undefined);

    const refused = await saveSettings({ panelId: 'ghosts' });
    expect(refused.status).to.equal(422);
    expect(refused.$('#form-error').text()).to.contain('This survey has no such panel.');
    expect(refused.$('select#panelId option[selected]').attr('value')).to.equal('ghosts');
    expect(await storedWave()).to.deep.include({ panelId: 'members' });
  });

  it('refuses an open wave that would invite a panel without naming one, and opening a panel wave that names none', async () => {
    const open = await saveSettings({ panelId: '' });
    expect(open.status).to.equal(422);
    expect(open.$('#form-error').text()).to.contain('choose its panel first');
    expect(await storedWave()).to.deep.include({ accessMode: 'open' });

    const waves = wavesOf(suite.app);
    await waves.closeWave(CAPTIC_ID, 'demo', TEST_ACTOR);
    await waves.createWave(CAPTIC_ID, { waveId: '2027-03' }, TEST_ACTOR);
    // A draft may be made a panel wave before its panel is chosen...
    expect((await saveSettings({ panelId: '' }, `/admin/surveys/${CAPTIC_ID}/waves/2027-03`)).status).to.equal(303);
    // ...but it does not open without one.
    const page = await suite.browser.get(`/admin/surveys/${CAPTIC_ID}/waves/2027-03`);
    const refused = await submitForm(suite.browser, page, 'form#open-wave');
    expect(refused.status).to.equal(422);
    expect(refused.$('#form-error').text()).to.contain('choose its panel first');
    expect(await storedWave('2027-03')).to.deep.include({ status: 'draft' });
  });

  it('keeps the panel and the anonymity fixed once invitations are sent', async () => {
    await makePanel(suite.app, [{ email: 'ana@example.org' }]);
    await makePanelWave(suite.app);
    await sendInvitations(suite.app);
    const refused = await saveSettings({ panelId: 'members', anonymous: 'on' });
    expect(refused.status).to.equal(409);
    expect(refused.$('#form-error').text()).to.contain('the anonymity promised to the invited cannot change');
    expect(await storedWave()).to.deep.include({ anonymous: false });
    // Saving the other settings with the same panel and anonymity is fine.
    expect((await saveSettings({ panelId: 'members', reminderDays: '5, 10' })).status).to.equal(303);
    expect(await storedWave()).to.deep.include({ reminderDays: [5, 10] });

    const token = await apiTokenFor(suite.organizer, 'manage');
    const patch = await fetch(`${suite.app.url}/api/v1/surveys/${CAPTIC_ID}/waves/demo`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ panelId: null }),
    });
    expect(patch.status).to.equal(409);
    expect(((await patch.json()) as { error: unknown }).error).to.deep.include({ code: 'panel_locked' });
  });

  it('prints an invited wave’s response rate in the report’s methodology box', async () => {
    await makePanel(suite.app, [{ email: 'ana@example.org' }, { email: 'bob@example.org' }, { email: 'cleo@example.org' }, { email: 'dan@example.org' }]);
    await makePanelWave(suite.app);
    await sendInvitations(suite.app);
    await db().collection('invitations').updateOne({}, { $set: { completed: true } });
    const report = await suite.browser.get(`${WAVE_PAGE}/report?lang=en`);
    expect(report.status).to.equal(200);
    expect(report.$('.methodology #response-rate').text()).to.equal('25.0%: 1 completes ÷ (4 invited − 0 screened out as ineligible)');
  });
});

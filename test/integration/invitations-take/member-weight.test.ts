// An invited member's design weight reaches their response: copied when the response starts, so
// the completed response carries it, and a later change of the member's weight leaves it as it was.
import { expect } from 'chai';
import { useAppSuite } from '../../support/app-suite';
import { NON_USER_PAGES } from '../../fixtures/captic-answers';
import { registerResponseHooks } from '../../../server/responses/completion-hooks';
import { addMember, answerEveryPage, db, englishBrowser, followAndStart, invite, makePanelWave, storedResponses } from './panel-support';

async function addWeightedMember(email: string, weight?: number): Promise<string> {
  const memberId = await addMember(email);
  if (weight !== undefined) await db().collection('panel_members').updateOne({ email }, { $set: { weight } });
  return memberId;
}

// What the completion hooks (the live tallies among them) are told of each completed response.
const hookedWeights: Array<number | undefined> = [];
registerResponseHooks('member-weight-test', {
  async completed(response) {
    hookedWeights.push(response.weight);
  },
});

describe('An invited member\'s design weight', function () {
  this.timeout(60_000);
  const suite = useAppSuite();
  beforeEach(() => {
    hookedWeights.length = 0;
  });

  async function answerInvitation(link: string): Promise<void> {
    const browser = englishBrowser(suite.app.url);
    const thanks = await answerEveryPage(browser, await followAndStart(browser, link), NON_USER_PAGES);
    expect(thanks.$('h1').text()).to.equal('Thank you, your answers have been sent');
  }

  it('is carried by their completed response, and a later change of the member\'s weight leaves it as it was', async () => {
    await makePanelWave();
    const anaId = await addWeightedMember('ana@example.org', 2.75);
    await answerInvitation((await invite(anaId)).link);
    const [response] = await storedResponses();
    expect(response).to.include({ status: 'complete', weight: 2.75 });
    expect(hookedWeights).to.deep.equal([2.75]);

    await db().collection('panel_members').updateOne({ email: 'ana@example.org' }, { $set: { weight: 9 } });
    const [after] = await storedResponses();
    expect(after!.weight).to.equal(2.75);
  });

  it('is copied in an anonymous wave too, whose response names no invitation', async () => {
    await makePanelWave({ anonymous: true });
    await answerInvitation((await invite(await addWeightedMember('bob@example.org', 0.5))).link);
    const [response] = await storedResponses();
    expect(response).to.include({ status: 'complete', weight: 0.5 });
    expect(response).not.to.have.property('invitationId');
  });

  it('is absent from the response of a member who has none (the figures count it as 1)', async () => {
    await makePanelWave();
    await answerInvitation((await invite(await addWeightedMember('cy@example.org'))).link);
    const [response] = await storedResponses();
    expect(response).to.include({ status: 'complete' });
    expect(response).not.to.have.property('weight');
  });
});

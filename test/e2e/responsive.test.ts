// The question pages on a small phone and on a desktop: screenshots for a person to look at
// (test/artifacts/, git-ignored), and no sideways scrolling at 360 px, the narrowest common phone.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { CAPTIC_ID, USER_PAGES } from '../fixtures/captic-answers';
import { ROOT } from '../support/app';
import { useChromiumSuite } from './support/chromium';
import { answerAndContinue, currentPageId, heading, inPage, submitWith } from './support/survey';

const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 900 };

describe('The CAP-TIC pages on a phone and a desktop', function () {
  this.timeout(30_000);
  const suite = useChromiumSuite();
  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
  });

  async function pageWidth(page: Page): Promise<number> {
    return inPage<number>(page, 'document.documentElement.scrollWidth');
  }

  async function startSurvey(): Promise<Page> {
    const page = await suite.newPage({ locale: 'fr-FR', viewport: PHONE });
    await page.goto(`${suite.app.url}/s/${CAPTIC_ID}`);
    expect(await pageWidth(page), 'intro at 360 px').to.be.at.most(PHONE.width);
    await page.getByLabel("J'ai lu ces informations et j'accepte de participer").check();
    expect(await submitWith(page, page.getByRole('button', { name: 'Commencer' }))).to.equal(303);
    return page;
  }

  it('saves screenshots of the first question page at 360 px and 1280 px, with no horizontal overflow at 360 px', async () => {
    const page = await startSurvey();
    expect(await currentPageId(page)).to.equal('social_use');
    expect(await heading(page)).to.equal('Les réseaux sociaux en ligne');

    expect(await inPage<number>(page, 'window.innerWidth')).to.equal(PHONE.width);
    expect(await pageWidth(page)).to.be.at.most(PHONE.width);
    await page.screenshot({ path: path.join(ARTIFACTS, 'captic-social_use-360.png'), fullPage: true });

    await page.setViewportSize(DESKTOP);
    expect(await inPage<number>(page, 'window.innerWidth')).to.equal(DESKTOP.width);
    expect(await pageWidth(page)).to.be.at.most(DESKTOP.width);
    await page.screenshot({ path: path.join(ARTIFACTS, 'captic-social_use-1280.png'), fullPage: true });
  });

  it('fits every page of the users’ path in 360 px, the satisfaction matrices included', async () => {
    const page = await startSurvey();
    const checked: string[] = [];
    while ((await page.locator('#survey-form').count()) > 0) {
      const id = await currentPageId(page);
      expect(await pageWidth(page), `${id} at 360 px`).to.be.at.most(PHONE.width);
      if (id === 'satisfaction') await page.screenshot({ path: path.join(ARTIFACTS, 'captic-satisfaction-360.png'), fullPage: true });
      checked.push(await answerAndContinue(page, USER_PAGES));
    }
    expect(checked).to.have.length(9);
    expect(await pageWidth(page), 'thanks at 360 px').to.be.at.most(PHONE.width);
  });
});

// A survey's branding as Chromium draws it: the accent stylesheet really colours the buttons, and
// the logo loads under the page's CSP. Screenshots of the branded header go to test/artifacts/.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { ROOT } from '../support/app';
import { useChromiumSuite } from './support/chromium';
import { inPage, untilInPage } from './support/survey';

const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');
const COWORKING = 'coworking_members_2026';

describe('Survey branding in Chromium', function () {
  this.timeout(30_000);
  const suite = useChromiumSuite();
  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
  });

  for (const viewport of [{ width: 360, height: 740 }, { width: 1280, height: 900 }]) {
    it(`paints the start button in the survey's accent and shows its logo at ${viewport.width} px`, async () => {
      const page = await suite.newPage({ locale: 'en-GB', viewport });
      const refused: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') refused.push(message.text());
      });
      await page.goto(`${suite.app.url}/s/${COWORKING}?lang=en`);
      await page.getByRole('button', { name: 'Start' }).waitFor();
      expect(await inPage<string>(page, "getComputedStyle(document.querySelector('main button.primary')).backgroundColor")).to.equal('rgb(23, 97, 79)');
      const logo = page.getByRole('img', { name: 'Canal Street Coworking' });
      await untilInPage(page, "document.querySelector('img.brand-logo').complete");
      expect(await inPage<number>(page, "document.querySelector('img.brand-logo').naturalWidth")).to.equal(240);
      const box = await logo.boundingBox();
      expect([box?.width, box?.height]).to.deep.equal([240, 56]);
      expect(await inPage<number>(page, 'document.documentElement.scrollWidth')).to.be.at.most(viewport.width);
      expect(refused, 'console errors (a CSP refusal, a missing file)').to.deep.equal([]);
      await page.screenshot({ path: path.join(ARTIFACTS, `branding-coworking-intro-${viewport.width}.png`) });
    });
  }
});

// Found in review (issue 15): a search box's text reaches MongoDB as an escaped $regex, and a NUL
// character in it (`?q=%00`, which a link can carry) made the store refuse the pattern ("Regular
// expression cannot contain an embedded null byte"): a 500 where a search for text that matches
// nothing belongs. Every search box that becomes a pattern is sent one.
import { expect } from 'chai';
import { useAppSuite } from '../support/app-suite';
import { apiTokenFor } from '../support/staff';
import { TEST_ACTOR } from '../support/waves';
import { CAPTIC_ID } from '../fixtures/captic-answers';
import { createPanel } from '../../server/panels/panel.service';
import { createLogger } from '../../server/lib/logger';
import { escapeRegExp } from '../../server/lib/escape-reg-exp';

const WAVE = '2011-03';
const PANEL_ID = 'pros';
const SEARCHES = ['%00', 'a%00b', '%00.*'];

describe('Search boxes take any text, a NUL character too', function () {
  this.timeout(30_000);
  const suite = useAppSuite({
    organizerOf: [CAPTIC_ID],
    seed: async ({ app }) => {
      await createPanel(CAPTIC_ID, { panelId: PANEL_ID, name: 'Professionals' }, TEST_ACTOR, createLogger(app.config));
    },
  });

  it('escapes a NUL as \\x00, so that the pattern matches that text and nothing else', () => {
    const pattern = escapeRegExp('a\u0000.b');
    expect(pattern).not.to.include('\u0000');
    expect(new RegExp(pattern).test('a\u0000.b')).to.equal(true);
    expect(new RegExp(pattern).test('a\u0000xb')).to.equal(false);
  });

  it('answers the open answers page, the panel members page and their API with no 500', async () => {
    const { app, browser } = suite;
    const token = await apiTokenFor(suite.organizer, 'manage');
    const pages = [`/admin/surveys/${CAPTIC_ID}/waves/${WAVE}/dashboard/open-answers?q=`, `/admin/surveys/${CAPTIC_ID}/panels/${PANEL_ID}?email=`];
    for (const search of SEARCHES) {
      for (const page of pages) {
        const answer = await browser.get(page + search);
        expect(answer.status, `${page}${search}`).to.equal(200);
      }
      const api = await fetch(`${app.url}/api/v1/surveys/${CAPTIC_ID}/panels/${PANEL_ID}/members?email=${search}`, { headers: { Authorization: `Bearer ${token}` } });
      expect(api.status, `members API ?email=${search}`).to.be.oneOf([200, 400]);
    }
  });
});

// The dashboard's settings come from its address, which people bookmark, share and edit by hand:
// a setting it cannot show is refused the same way on the page, its event stream and its CSV, with
// 400 and a message naming the setting, before anything is computed or streamed.
import { expect } from 'chai';
import { useAppSuite } from '../../support/app-suite';
import { signedInFetch } from '../../support/staff';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

const DASHBOARD = `/admin/surveys/${CAPTIC_ID}/waves/2011-03/dashboard`;
const ADDRESSES = {
  page: (settings: string) => `${DASHBOARD}?${settings}`,
  stream: (settings: string) => `${DASHBOARD}/events?${settings}&since=0`,
  csv: (settings: string) => `${DASHBOARD}/figures.csv?${settings}&question=uses_social`,
};

describe('The dashboard\'s settings from its address', function () {
  this.timeout(30_000);
  const suite = useAppSuite({ analystOf: [CAPTIC_ID] });

  const refusals = [
    { what: 'a comparison with a wave the survey does not have', settings: 'compare=1999-01', says: /compare: .*1999-01/ },
    { what: 'a comparison of the wave with itself', settings: 'compare=2011-03', says: /compare: .*another wave/ },
  ];
  for (const refusal of refusals) {
    for (const [where, address] of Object.entries(ADDRESSES)) {
      it(`refuses ${refusal.what} on the ${where} with 400, saying which setting`, async () => {
        const get = await signedInFetch(suite.app, suite.analyst);
        const response = await get(address(refusal.settings), { redirect: 'manual', headers: { accept: where === 'stream' ? 'text/event-stream' : 'text/html' } });
        expect(response.status).to.equal(400);
        expect(response.headers.get('content-type')).to.not.match(/event-stream/);
        expect((await response.text()).replace(/&#34;/g, '"')).to.match(refusal.says);
      });
    }
  }
});

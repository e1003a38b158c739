// Sign-in throttling: per account and per address, a growing delay past a free allowance, shared
// through `login_throttle`. Delays are never waited out: the test moves `blockedUntil` instead.
import { expect } from 'chai';
import { useAppSuite } from '../../support/app-suite';
import { Browser, type FormFields, type Page } from '../../support/browser';
import { createStaff, setCookieNamed, storedCollection, type StaffMember } from '../../support/staff';
import { CAPTIC_ID } from '../../fixtures/captic-answers';

const WRONG = 'not the right password here';
/** login-throttle.ts: failures an account, and an address, may make before any delay. */
const FREE_FOR_ACCOUNT = 5;
const FREE_FOR_ADDRESS = 20;

interface Throttle {
  _id: string;
  failures: number;
  blockedUntil?: Date;
  expiresAt: Date;
}

const throttleOf = (key: string) => storedCollection('login_throttle').findOne({ _id: key as never }) as Promise<Throttle | null>;
const accountKey = (email: string) => `account:${email}`;
const ADDRESS_KEY = 'address:127.0.0.1';

/** Lets the next attempt through at once, as if its delay had passed. */
async function endDelays(): Promise<void> {
  await storedCollection('login_throttle').updateMany({}, { $set: { blockedUntil: new Date(Date.now() - 1_000) } });
}

/** The delay `recordFailure` set, in whole seconds from the attempt. */
function delaySeconds(entry: Throttle | null, attemptAt: number): number {
  return Math.round((entry!.blockedUntil!.getTime() - attemptAt) / 1000);
}

describe('Sign-in throttling', function () {
  this.timeout(60_000);
  const suite = useAppSuite();
  let analyst: StaffMember;
  let browser: Browser;
  let fields: FormFields;

  beforeEach(async () => {
    analyst = await createStaff(suite.app, { email: 'ana@example.org', role: 'analyst', grants: [CAPTIC_ID] });
    browser = new Browser(suite.app.url);
    fields = browser.hiddenFields(await browser.get('/login'));
  });

  const attempt = (email: string, password: string): Promise<Page> => browser.post('/login', { ...fields, email, password });

  async function failTimes(times: number, email = analyst.email): Promise<void> {
    for (let i = 0; i < times; i += 1) expect((await attempt(email, WRONG)).status).to.equal(401);
  }

  function expectThrottled(page: Page): number {
    expect(page.status).to.equal(429);
    const retryAfter = Number(page.headers['retry-after']);
    expect(retryAfter).to.be.a('number').and.be.greaterThan(0);
    expect(page.$('.error-summary').text()).to.contain(`Trop de tentatives de connexion. Réessayez dans ${retryAfter} secondes.`);
    expect(setCookieNamed(page.headers, 'brm_session')).to.equal(undefined);
    return retryAfter;
  }

  it('lets a person mistype the free number of times without any delay', async () => {
    await failTimes(FREE_FOR_ACCOUNT);
    const entry = await throttleOf(accountKey(analyst.email));
    expect(entry).to.include({ failures: FREE_FOR_ACCOUNT });
    expect(entry).to.not.have.property('blockedUntil');
    expect((await attempt(analyst.email, analyst.password)).status).to.equal(303);
  });

  it('then refuses the account with 429 and Retry-After, the right password too, and doubles the delay', async () => {
    await failTimes(FREE_FOR_ACCOUNT);
    const delays: number[] = [];
    for (let extra = 0; extra < 4; extra += 1) {
      await endDelays();
      const at = Date.now();
      expect((await attempt(analyst.email, WRONG)).status).to.equal(401);
      delays.push(delaySeconds(await throttleOf(accountKey(analyst.email)), at));
    }
    expect(delays).to.deep.equal([1, 2, 4, 8]);

    // The last delay still runs; make it long enough that this test cannot outlive it.
    await storedCollection('login_throttle').updateOne({ _id: accountKey(analyst.email) as never }, { $set: { blockedUntil: new Date(Date.now() + 120_000) } });
    const refused = await attempt(analyst.email, analyst.password);
    expect(expectThrottled(refused)).to.be.within(115, 120);
    // A refusal while blocked is not tried, so it neither counts nor signs in.
    expect(await throttleOf(accountKey(analyst.email))).to.include({ failures: FREE_FOR_ACCOUNT + 4 });
    expect(await storedCollection('sessions').countDocuments()).to.equal(0);
    const user = await storedCollection('users').findOne({ email: analyst.email });
    expect(user).to.not.have.property('lastSignInAt');
  });

  it('counts the account however its email is typed', async () => {
    await failTimes(FREE_FOR_ACCOUNT + 1, '  ANA@Example.org ');
    const entry = await throttleOf(accountKey(analyst.email));
    expect(entry).to.include({ failures: FREE_FOR_ACCOUNT + 1 });
    await storedCollection('login_throttle').updateOne({ _id: accountKey(analyst.email) as never }, { $set: { blockedUntil: new Date(Date.now() + 60_000) } });
    expectThrottled(await attempt(analyst.email, analyst.password));
  });

  it('throttles an unknown email the same way, so the delay says nothing about who has an account', async () => {
    await failTimes(FREE_FOR_ACCOUNT + 1, 'nobody@example.org');
    const unknown = await throttleOf(accountKey('nobody@example.org'));
    await failTimes(FREE_FOR_ACCOUNT + 1, 'ana@example.org');
    const known = await throttleOf(accountKey('ana@example.org'));
    expect(unknown).to.include({ failures: FREE_FOR_ACCOUNT + 1 });
    expect(known).to.include({ failures: FREE_FOR_ACCOUNT + 1 });
    expect(unknown!.blockedUntil).to.be.an.instanceOf(Date);
    expect(known!.blockedUntil).to.be.an.instanceOf(Date);
  });

  it('limits an address across emails, and blocks it for the right password of another account', async () => {
    // Each email stays within its own allowance; together they pass the address's.
    for (let i = 0; i <= FREE_FOR_ADDRESS; i += 1) expect((await attempt(`guess${i % 5}-${Math.floor(i / 5)}@example.org`, WRONG)).status).to.equal(401);
    const address = await throttleOf(ADDRESS_KEY);
    expect(address).to.include({ failures: FREE_FOR_ADDRESS + 1 });
    expect(address!.blockedUntil).to.be.an.instanceOf(Date);
    await storedCollection('login_throttle').updateOne({ _id: ADDRESS_KEY as never }, { $set: { blockedUntil: new Date(Date.now() + 30_000) } });
    expect(expectThrottled(await attempt(analyst.email, analyst.password))).to.be.within(25, 30);
    // The account itself has nothing against it.
    expect(await throttleOf(accountKey(analyst.email))).to.equal(null);
  });

  it('clears the account\'s count on a success, but not the address\'s', async () => {
    await failTimes(3);
    expect((await attempt(analyst.email, analyst.password)).status).to.equal(303);
    expect(await throttleOf(accountKey(analyst.email))).to.equal(null);
    expect(await throttleOf(ADDRESS_KEY)).to.include({ failures: 3 });
    // A fresh allowance: five more mistakes are free again.
    const next = new Browser(suite.app.url);
    const nextFields = next.hiddenFields(await next.get('/login'));
    for (let i = 0; i < FREE_FOR_ACCOUNT; i += 1) expect((await next.post('/login', { ...nextFields, email: analyst.email, password: WRONG })).status).to.equal(401);
    expect(await throttleOf(accountKey(analyst.email))).to.not.have.property('blockedUntil');
  });

  it('forgets failures an hour after the last one, through a TTL index on expiresAt', async () => {
    const at = Date.now();
    await failTimes(1);
    for (const key of [accountKey(analyst.email), ADDRESS_KEY]) {
      const entry = await throttleOf(key);
      expect(entry!.expiresAt.getTime(), key).to.be.within(at + 3_600_000 - 1_000, Date.now() + 3_600_000 + 1_000);
    }
    const indexes = await storedCollection('login_throttle').indexes();
    expect(indexes.find((index) => index.key.expiresAt === 1)).to.include({ expireAfterSeconds: 0 });
  });

  it('records each failure in the audit trail, and none for a refusal while blocked', async () => {
    await failTimes(FREE_FOR_ACCOUNT + 1);
    await storedCollection('login_throttle').updateOne({ _id: accountKey(analyst.email) as never }, { $set: { blockedUntil: new Date(Date.now() + 60_000) } });
    expectThrottled(await attempt(analyst.email, WRONG));
    const failed = await storedCollection('audit_events').find({ action: 'sign_in_failed' }).toArray();
    expect(failed).to.have.length(FREE_FOR_ACCOUNT + 1);
    expect(failed.every((event) => event.target === analyst.email && event.ip === '127.0.0.1')).to.equal(true);
  });
});

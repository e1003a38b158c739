// The pure parts of invitations: unsubscribe links signed and checked, tokens sealed for reminders,
// quiet hours in the survey's zone, and the response rate.
import { expect } from 'chai';
import { memberOfUnsubscribeLink, unsubscribePath, unsubscribeUrl } from '../../../server/invitations/unsubscribe-link';
import { sealInvitationToken, unsealInvitationToken } from '../../../server/invitations/sealed-token';
import { endOfQuietHours, parseQuietHours } from '../../../server/invitations/quiet-hours';
import { responseRateRR1 } from '../../../server/invitations/invitation.service';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const MEMBER = '65f0a1b2c3d4e5f601234567';

describe('unsubscribe links', () => {
  it('name the member and are refused when forged, for another member, or under another secret', () => {
    const path = unsubscribePath(SECRET, MEMBER);
    expect(path).to.match(new RegExp(`^/u/${MEMBER}\\.[A-Za-z0-9_-]{43}$`));
    expect(unsubscribeUrl('https://survey.example.org', SECRET, MEMBER)).to.equal(`https://survey.example.org${path}`);
    const segment = path.slice('/u/'.length);
    expect(memberOfUnsubscribeLink(SECRET, segment)).to.equal(MEMBER);
    expect(memberOfUnsubscribeLink('another-secret-of-thirty-two-characters!', segment)).to.equal(undefined);
    expect(memberOfUnsubscribeLink(SECRET, segment.replace(MEMBER, '65f0a1b2c3d4e5f601234568'))).to.equal(undefined);
    expect(memberOfUnsubscribeLink(SECRET, `${segment.slice(0, -1)}${segment.endsWith('A') ? 'B' : 'A'}`)).to.equal(undefined);
    expect(memberOfUnsubscribeLink(SECRET, MEMBER)).to.equal(undefined);
    expect(memberOfUnsubscribeLink(SECRET, 'not-an-id.abc')).to.equal(undefined);
  });
});

describe('sealed invitation tokens', () => {
  it('give the token back under the same secret only, and differ each time they are sealed', () => {
    const sealed = sealInvitationToken(SECRET, 'i_token');
    expect(sealed).to.not.contain('i_token');
    expect(sealed).to.not.equal(sealInvitationToken(SECRET, 'i_token'));
    expect(unsealInvitationToken(SECRET, sealed)).to.equal('i_token');
    expect(unsealInvitationToken('another-secret-of-thirty-two-characters!', sealed)).to.equal(undefined);
    const [version, iv, body, tag] = sealed.split('.') as [string, string, string, string];
    const altered = `${body[0] === 'A' ? 'B' : 'A'}${body.slice(1)}`;
    expect(unsealInvitationToken(SECRET, [version, iv, altered, tag].join('.'))).to.equal(undefined);
    expect(unsealInvitationToken(SECRET, 'garbage')).to.equal(undefined);
  });
});

describe('quiet hours', () => {
  const quiet = parseQuietHours('21-8');
  const paris = 'Europe/Paris';

  it('let a mail due in the day leave at once', () => {
    const noon = new Date('2026-12-01T11:00:00Z');
    expect(endOfQuietHours(noon, paris, quiet)).to.deep.equal(noon);
    expect(endOfQuietHours(new Date('2026-12-01T19:59:00Z'), paris, quiet).toISOString()).to.equal('2026-12-01T19:59:00.000Z');
  });

  it('hold a mail due in the evening or the night until 08:00 in the survey’s zone, daylight saving included', () => {
    expect(endOfQuietHours(new Date('2026-12-01T20:00:00Z'), paris, quiet).toISOString()).to.equal('2026-12-02T07:00:00.000Z');
    expect(endOfQuietHours(new Date('2026-12-02T03:00:00Z'), paris, quiet).toISOString()).to.equal('2026-12-02T07:00:00.000Z');
    // Summer time (UTC+2): 08:00 in Paris is 06:00 UTC.
    expect(endOfQuietHours(new Date('2026-07-01T22:00:00Z'), paris, quiet).toISOString()).to.equal('2026-07-02T06:00:00.000Z');
    // The night the clocks go forward (29 March 2026).
    expect(endOfQuietHours(new Date('2026-03-28T23:30:00Z'), paris, quiet).toISOString()).to.equal('2026-03-29T06:00:00.000Z');
  });

  it('read a daytime range and equal hours (none) too', () => {
    expect(endOfQuietHours(new Date('2026-12-01T12:30:00Z'), 'UTC', parseQuietHours('12-14')).toISOString()).to.equal('2026-12-01T14:00:00.000Z');
    const now = new Date('2026-12-01T23:00:00Z');
    expect(endOfQuietHours(now, 'UTC', parseQuietHours('0-0'))).to.deep.equal(now);
  });
});

describe('the response rate (AAPOR RR1)', () => {
  it('is completes over the invited less those screened out as ineligible, and none before any eligible invitation', () => {
    expect(responseRateRR1(30, 120, 20)).to.equal(0.3);
    expect(responseRateRR1(0, 0, 0)).to.equal(null);
    expect(responseRateRR1(0, 5, 5)).to.equal(null);
  });
});

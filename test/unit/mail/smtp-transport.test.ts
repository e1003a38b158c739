import { expect } from 'chai';
import { smtpTransportOptions } from '../../../server/mail/smtp-transport';
import { isPermanentRefusal, retryDelay } from '../../../server/mail/mail-worker';

describe('SMTP_URL to transport settings', () => {
  it('reads smtps:// as TLS from the start on 465, with the credentials decoded', () => {
    const options = smtpTransportOptions('smtps://mailer%40example.org:p%40ss%3Aword@smtp.example.org');
    expect(options).to.deep.include({ host: 'smtp.example.org', port: 465, secure: true, auth: { user: 'mailer@example.org', pass: 'p@ss:word' } });
  });

  it('reads smtp:// as STARTTLS when offered, on 587 unless a port is given', () => {
    expect(smtpTransportOptions('smtp://smtp.example.org')).to.deep.include({ port: 587, secure: false });
    expect(smtpTransportOptions('smtp://127.0.0.1:2525')).to.deep.include({ host: '127.0.0.1', port: 2525, secure: false });
    expect(smtpTransportOptions('smtp://127.0.0.1:2525')).to.not.have.property('auth');
  });

  it('refuses options after "?", so TLS verification cannot be turned off from the URL', () => {
    expect(() => smtpTransportOptions('smtps://smtp.example.org?tls.rejectUnauthorized=false')).to.throw(/NODE_EXTRA_CA_CERTS/);
  });
});

describe('the delay before a retry', () => {
  it('doubles from the base with each attempt, up to the cap, spread by a quarter either way', () => {
    expect(retryDelay(1, 1000, 60_000, () => 0.5)).to.equal(1000);
    expect(retryDelay(2, 1000, 60_000, () => 0.5)).to.equal(2000);
    expect(retryDelay(4, 1000, 60_000, () => 0.5)).to.equal(8000);
    expect(retryDelay(20, 1000, 60_000, () => 0.5)).to.equal(60_000);
    expect(retryDelay(2, 1000, 60_000, () => 0)).to.equal(1500);
    expect(retryDelay(2, 1000, 60_000, () => 1)).to.equal(2500);
  });
});

describe('which SMTP refusals bounce', () => {
  const refusal = (responseCode: number, command: string) => Object.assign(new Error('refused'), { responseCode, command });

  it('bounces a 5xx to RCPT TO or DATA: the recipient or the message is refused for good', () => {
    expect(isPermanentRefusal(refusal(550, 'RCPT TO'))).to.equal(true);
    expect(isPermanentRefusal(refusal(554, 'DATA'))).to.equal(true);
  });

  it('retries a 4xx, and a 5xx to AUTH or MAIL FROM (our settings, not the member\'s address)', () => {
    expect(isPermanentRefusal(refusal(451, 'RCPT TO'))).to.equal(false);
    expect(isPermanentRefusal(refusal(535, 'AUTH PLAIN'))).to.equal(false);
    expect(isPermanentRefusal(refusal(553, 'MAIL FROM'))).to.equal(false);
    expect(isPermanentRefusal(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNECTION' }))).to.equal(false);
  });
});

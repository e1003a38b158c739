import { expect } from 'chai';
import { smtpTransportOptions } from '../../../server/mail/smtp-transport';
import { classifySendFailure, retryDelay } from '../../../server/mail/mail-worker';

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
  // As nodemailer reports them: the answer's code, the answer, and the command it answered.
  const refusal = (response: string, command: string) => Object.assign(new Error('refused'), { responseCode: Number(response.slice(0, 3)), response, command });

  it('bounces a refusal of the address: a 5xx to RCPT TO, or a 5.1.x, 5.2.1 or 5.4.x to RCPT TO or DATA', () => {
    expect(classifySendFailure(refusal('550 Mailbox unavailable', 'RCPT TO'))).to.equal('bounce');
    expect(classifySendFailure(refusal('550 5.1.1 <a@example.org>: Recipient address rejected: User unknown', 'RCPT TO'))).to.equal('bounce');
    expect(classifySendFailure(refusal('550-5.1.1 The email account that you tried to reach does not exist', 'RCPT TO'))).to.equal('bounce');
    expect(classifySendFailure(refusal('554 5.1.10 RESOLVER.ADR.RecipientNotFound', 'DATA'))).to.equal('bounce');
    expect(classifySendFailure(refusal('550 5.2.1 Mailbox disabled', 'RCPT TO'))).to.equal('bounce');
    expect(classifySendFailure(refusal('550 5.4.1 Recipient address rejected: Access denied', 'RCPT TO'))).to.equal('bounce');
  });

  it('fails without a bounce a refusal of the message or the sender: policy, DMARC, content, size, a full mailbox, a bare 5xx to DATA', () => {
    expect(classifySendFailure(refusal('554 5.7.1 <a@example.org>: Relay access denied', 'RCPT TO'))).to.equal('refused');
    expect(classifySendFailure(refusal('550 5.7.26 Unauthenticated email is not accepted due to DMARC policy', 'DATA'))).to.equal('refused');
    expect(classifySendFailure(refusal('554 5.7.1 Service unavailable; Client host blocked using zen.spamhaus.org', 'RCPT TO'))).to.equal('refused');
    expect(classifySendFailure(refusal('552 5.3.4 Message size exceeds fixed limit', 'DATA'))).to.equal('refused');
    expect(classifySendFailure(refusal('552 5.2.2 Mailbox full', 'RCPT TO'))).to.equal('refused');
    expect(classifySendFailure(refusal('554 Transaction failed: spam', 'DATA'))).to.equal('refused');
  });

  it('retries a 4xx, a cut connection, and a 5xx to AUTH or MAIL FROM (our settings, not the member\'s address)', () => {
    expect(classifySendFailure(refusal('451 4.7.1 Greylisted', 'RCPT TO'))).to.equal('retry');
    expect(classifySendFailure(refusal('535 5.7.8 Authentication credentials invalid', 'AUTH PLAIN'))).to.equal('retry');
    expect(classifySendFailure(refusal('553 5.7.1 Sender address rejected', 'MAIL FROM'))).to.equal('retry');
    expect(classifySendFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNECTION' }))).to.equal('retry');
  });
});

import { expect } from 'chai';
import { parseEmail } from '../../../server/accounts/account.service';
import { ValidationError } from '../../../server/lib/errors';

function refusal(raw: unknown): ValidationError {
  try {
    parseEmail(raw);
  } catch (error) {
    expect(error).to.be.an.instanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error(`${JSON.stringify(raw)} was accepted`);
}

describe('parseEmail', () => {
  it('lower-cases and trims an address, so it signs in however it is typed', () => {
    expect(parseEmail('  Ana.Lopez+barometer@Example.ORG ')).to.equal('ana.lopez+barometer@example.org');
    expect(parseEmail('x@mail.sub.example.co.uk')).to.equal('x@mail.sub.example.co.uk');
  });

  it('refuses line breaks and anything else that could break out of a mail header', () => {
    for (const raw of [
      'ana@example.org\r\nBcc: victim@example.org',
      'ana@example.org\nBcc: victim@example.org',
      'ana@exa\rmple.org',
      'ana@example.org, victim@example.org',
      'ana@example.org;victim@example.org',
      'Ana <ana@example.org>',
      '"ana"@example.org',
      'ana(comment)@example.org',
      'ana\\@example.org',
      'an a@example.org',
      'ana@example.org\u0000',
      'ana\u0085@example.org',
      'ana@[127.0.0.1]',
    ]) {
      const error = refusal(raw);
      expect(error.status, JSON.stringify(raw)).to.equal(400);
      expect(error.code).to.equal('invalid_email');
      expect(error.message).to.match(/^Email: /);
    }
  });

  it('refuses what is not an address at all', () => {
    for (const raw of ['', 'ana', 'ana@', '@example.org', 'ana@@example.org', undefined, null, 42, ['ana@example.org'], { email: 'ana@example.org' }]) {
      expect(refusal(raw).code, JSON.stringify(raw)).to.equal('invalid_email');
    }
  });

  it('refuses more than 254 characters', () => {
    const local = 'a'.repeat(64);
    const domain = `${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.example.org`;
    expect(`${local}@${domain}`.length).to.be.greaterThan(254);
    expect(refusal(`${local}@${domain}`).message).to.contain('254');
  });
});

import { expect } from 'chai';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem } from '../../../server/accounts/password-policy';

describe('password policy', () => {
  it('accepts a long phrase of several words', () => {
    expect(passwordProblem('plover umbrella quarry 1987 tandem', [])).to.equal(undefined);
    expect(passwordProblem('Vingt mille lieues sous les mers, 1870', ['ana@example.org'])).to.equal(undefined);
  });

  it('refuses fewer than 12 characters, counted as a person counts them', () => {
    expect(PASSWORD_MIN_LENGTH).to.equal(12);
    expect(passwordProblem('Zq8#vK2!pW9', [])).to.equal('accounts.password_too_short');
    // Eleven emoji are 22 UTF-16 units but 11 characters.
    expect(passwordProblem('🦊🐙🦉🐝🦀🐢🦔🐳🦩🐌🦎', [])).to.equal('accounts.password_too_short');
    expect(passwordProblem('', [])).to.equal('accounts.password_too_short');
  });

  it('refuses more than 256 characters', () => {
    expect(PASSWORD_MAX_LENGTH).to.equal(256);
    expect(passwordProblem('correct horse battery staple '.repeat(9).slice(0, 257), [])).to.equal('accounts.password_too_long');
    expect(passwordProblem('q7 walrus tambourine 91 '.repeat(11).slice(0, 256), [])).to.equal(undefined);
  });

  it('refuses common passwords and crackers\' patterns, long enough or not', () => {
    for (const guessable of ['password1234', 'qwertyuiopasdf', '123456789012', 'aaaaaaaaaaaaaaaa', 'azertyuiop123', 'P@ssw0rd2024!']) {
      expect(passwordProblem(guessable, []), guessable).to.equal('accounts.password_guessable');
    }
  });

  it('refuses a password built from the account\'s own email or name, or the product\'s', () => {
    expect(passwordProblem('ana.lopez@example.org', ['ana.lopez@example.org', 'Ana Lopez'])).to.equal('accounts.password_guessable');
    // The same phrase is fine for somebody else: it is the account's own name that gives it away.
    expect(passwordProblem('Ana Lopez 2024', ['ana.lopez@example.org', 'Ana Lopez'])).to.equal('accounts.password_guessable');
    expect(passwordProblem('Ana Lopez 2024', ['bob@example.org', 'Bob'])).to.equal(undefined);
    expect(passwordProblem('barometer2024!', [])).to.equal('accounts.password_guessable');
  });
});

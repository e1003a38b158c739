import { scrypt } from 'node:crypto';
import { expect } from 'chai';
import { decoyHash, hashPassword, verifyPassword } from '../../../server/accounts/password';

const PHRASE = 'plover umbrella quarry 1987 tandem';

describe('password hashing', () => {
  it('stores scrypt with its parameters, a 16-byte salt and a 32-byte key', async () => {
    const hash = await hashPassword(PHRASE);
    const [scheme, n, r, p, salt, key] = hash.split('$');
    expect([scheme, n, r, p]).to.deep.equal(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(salt!, 'base64url')).to.have.length(16);
    expect(Buffer.from(key!, 'base64url')).to.have.length(32);
    expect(hash).to.not.contain(PHRASE);
  });

  it('salts every hash: the same password never hashes the same twice', async () => {
    expect(await hashPassword(PHRASE)).to.not.equal(await hashPassword(PHRASE));
  });

  it('verifies the right password and refuses a wrong one, even one character off', async () => {
    const hash = await hashPassword(PHRASE);
    expect(await verifyPassword(PHRASE, hash)).to.equal(true);
    expect(await verifyPassword(`${PHRASE} `, hash)).to.equal(false);
    expect(await verifyPassword(PHRASE.toUpperCase(), hash)).to.equal(false);
    expect(await verifyPassword('', hash)).to.equal(false);
  });

  it('treats the same text typed in either Unicode normal form as the same password', async () => {
    const composed = 'café crème brûlée à minuit';
    const hash = await hashPassword(composed.normalize('NFC'));
    expect(await verifyPassword(composed.normalize('NFD'), hash)).to.equal(true);
  });

  it('still verifies a hash made with other parameters, as when they are raised later', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const key = await new Promise<Buffer>((resolve, reject) => {
      scrypt(PHRASE, salt, 32, { N: 2 ** 14, r: 8, p: 1 }, (error, derived) => (error ? reject(error) : resolve(derived)));
    });
    const older = ['scrypt', 2 ** 14, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
    expect(await verifyPassword(PHRASE, older)).to.equal(true);
    expect(await verifyPassword('another phrase entirely', older)).to.equal(false);
  });

  it('refuses, without throwing, a stored value that is not one of its hashes', async () => {
    for (const stored of ['', 'plaintext', `bcrypt$10$${'x'.repeat(20)}`, 'scrypt$32768$8$1$$', 'scrypt$32768$8$1$c2FsdA']) {
      expect(await verifyPassword(PHRASE, stored), stored).to.equal(false);
    }
  });

  it('keeps one decoy hash that matches no password a person would type', async () => {
    const decoy = await decoyHash();
    expect(await decoyHash()).to.equal(decoy);
    expect(decoy).to.match(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('', decoy)).to.equal(false);
    expect(await verifyPassword(PHRASE, decoy)).to.equal(false);
  });
});

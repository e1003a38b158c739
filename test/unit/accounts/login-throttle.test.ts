import { expect } from 'chai';
import { delayAfter } from '../../../server/accounts/login-throttle';

describe('the sign-in delay', () => {
  it('is nothing for an account\'s first five failures, then doubles from one second', () => {
    expect([1, 2, 3, 4, 5].map((failures) => delayAfter(failures, 'account'))).to.deep.equal([0, 0, 0, 0, 0]);
    expect([6, 7, 8, 9, 10].map((failures) => delayAfter(failures, 'account'))).to.deep.equal([1, 2, 4, 8, 16]);
  });

  it('allows an address, which may be a whole office, twenty free failures', () => {
    expect(delayAfter(20, 'address')).to.equal(0);
    expect(delayAfter(21, 'address')).to.equal(1);
    expect(delayAfter(23, 'address')).to.equal(4);
  });

  it('never exceeds fifteen minutes', () => {
    expect(delayAfter(15, 'account')).to.equal(512);
    expect(delayAfter(16, 'account')).to.equal(900);
    expect(delayAfter(1_000, 'account')).to.equal(900);
    expect(delayAfter(1_000, 'address')).to.equal(900);
  });
});

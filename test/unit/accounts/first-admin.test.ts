import { expect } from 'chai';
import { createFirstAdminSetup } from '../../../server/accounts/first-admin';

/** Crockford's base-32: no I, L, O or U. */
const CODE = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

describe('the first admin\'s setup code', () => {
  it('is three groups of four characters that cannot be misread', () => {
    for (let i = 0; i < 50; i += 1) expect(createFirstAdminSetup().code).to.match(CODE);
  });

  it('is new at every boot', () => {
    const codes = new Set(Array.from({ length: 20 }, () => createFirstAdminSetup().code));
    expect(codes.size).to.equal(20);
  });

  it('matches the code however it is typed: case, spaces, dashes, I and L for 1, O for 0', () => {
    const setup = createFirstAdminSetup();
    const { code } = setup;
    expect(setup.matches(code)).to.equal(true);
    expect(setup.matches(code.toLowerCase())).to.equal(true);
    expect(setup.matches(code.replace(/-/g, ' '))).to.equal(true);
    expect(setup.matches(code.replace(/-/g, ''))).to.equal(true);
    expect(setup.matches(`  ${code}  `)).to.equal(true);
    expect(setup.matches(code.replace(/1/g, 'l').replace(/0/g, 'o'))).to.equal(true);
    expect(setup.matches(code.replace(/1/g, 'I').replace(/0/g, 'O'))).to.equal(true);
  });

  it('refuses another code, a part of it, or more than it', () => {
    const setup = createFirstAdminSetup();
    const { code } = setup;
    const changed = code.replace(/^./, (first) => (first === 'A' ? 'B' : 'A'));
    for (const candidate of [changed, code.slice(0, -1), `${code}0`, '', '-'.repeat(14), createFirstAdminSetup().code === code ? 'X' : createFirstAdminSetup().code]) {
      expect(setup.matches(candidate), candidate).to.equal(false);
    }
  });

  it('refuses what is not a short string, without throwing', () => {
    const setup = createFirstAdminSetup();
    for (const candidate of [undefined, null, 42, [setup.code], { code: setup.code }, `${setup.code}${' '.repeat(60)}`]) {
      expect(setup.matches(candidate), JSON.stringify(candidate)).to.equal(false);
    }
  });
});

import { expect } from 'chai';
import { maskSecretsInUrl } from '../../../server/lib/request-logging';

describe('maskSecretsInUrl', () => {
  it('masks a respondent\'s resume token and a one-time password link, and nothing else', () => {
    expect(maskSecretsInUrl('/s/captic_2011/resume/abcDEF123_-?lang=en')).to.equal('/s/captic_2011/resume/[token]?lang=en');
    expect(maskSecretsInUrl('/account/password/Zx9_-kQ')).to.equal('/account/password/[token]');
    expect(maskSecretsInUrl('/admin/account/password')).to.equal('/admin/account/password');
    expect(maskSecretsInUrl('/s/captic_2011/p/usage')).to.equal('/s/captic_2011/p/usage');
  });
});

import { expect } from 'chai';
import { maskSecretsInUrl } from '../../../server/lib/request-logging';

describe('maskSecretsInUrl', () => {
  it('masks a respondent\'s resume token, a one-time password link, an invitation token and an unsubscribe link, and nothing else', () => {
    expect(maskSecretsInUrl('/s/captic_2011/i/i_Zx9-kQ_abc?lang=fr')).to.equal('/s/captic_2011/i/[token]?lang=fr');
    expect(maskSecretsInUrl('/u/65f0c0ffee.SiGnAtUrE_-')).to.equal('/u/[token]');
    expect(maskSecretsInUrl('/admin/surveys/captic_2011/waves/2012-03/invitations')).to.equal('/admin/surveys/captic_2011/waves/2012-03/invitations');
    expect(maskSecretsInUrl('/admin/surveys/captic_2011/panels/pros/members/65f0')).to.equal('/admin/surveys/captic_2011/panels/pros/members/65f0');
    expect(maskSecretsInUrl('/s/captic_2011/resume/abcDEF123_-?lang=en')).to.equal('/s/captic_2011/resume/[token]?lang=en');
    expect(maskSecretsInUrl('/account/password/Zx9_-kQ')).to.equal('/account/password/[token]');
    expect(maskSecretsInUrl('/admin/account/password')).to.equal('/admin/account/password');
    expect(maskSecretsInUrl('/s/captic_2011/p/usage')).to.equal('/s/captic_2011/p/usage');
  });
});

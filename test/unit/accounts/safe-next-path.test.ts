import { expect } from 'chai';
import { safeNextPath } from '../../../server/accounts/guards';

describe('safeNextPath', () => {
  it('keeps a staff path, with its query', () => {
    for (const path of ['/admin', '/admin/users', '/admin/surveys/captic_2011/waves/current/report?lang=en&by=company_size', '/api/v1/me']) {
      expect(safeNextPath(path), path).to.equal(path);
    }
  });

  it('sends anything else to /admin: other sites, other schemes, other pages of this site', () => {
    for (const candidate of [
      '//evil.example', '///evil.example', 'https://evil.example', 'http://evil.example/admin', '/\\evil.example', '\\\\evil.example',
      '/admin\\@evil.example', '/admin/..\\..\\evil', 'javascript:alert(1)', 'data:text/html,x', ' /admin', '/admin\r\nSet-Cookie: x=1',
      '/admin\n', '/administrator', '/apiary', '/login', '/s/captic_2011', '/', '', 'admin',
    ]) {
      expect(safeNextPath(candidate), JSON.stringify(candidate)).to.equal('/admin');
    }
  });

  it('sends a value that is not a string to /admin', () => {
    for (const candidate of [undefined, null, 42, ['/admin/users'], { path: '/admin/users' }]) {
      expect(safeNextPath(candidate), JSON.stringify(candidate)).to.equal('/admin');
    }
  });
});

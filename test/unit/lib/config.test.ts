import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, parseConfig } from '../../../server/lib/config';

describe('parseConfig', () => {
  it('gives safe first-run defaults when nothing is set', () => {
    const config = parseConfig({});
    expect(config.PORT).to.equal(3000);
    expect(config.HOST).to.equal('127.0.0.1');
    expect(config.MONGODB_URI).to.equal(undefined);
    expect(config.dataDir).to.equal(path.resolve('./data'));
    expect(Object.isFrozen(config)).to.equal(true);
  });

  it('treats empty values as unset', () => {
    expect(parseConfig({ PORT: '' }).PORT).to.equal(3000);
  });

  it('lists every bad value, not only the first', () => {
    let error: unknown;
    try {
      parseConfig({ PORT: 'eighty', MONGODB_URI: 'postgres://x', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).to.match(/^PORT: /m);
    expect(problems).to.match(/^MONGODB_URI: must start with mongodb:\/\//m);
    expect(problems).to.match(/^LOG_LEVEL: /m);
    expect((error as ConfigError).problems).to.have.length(3);
  });

  it('refuses to run in production without a SECRET', () => {
    expect(() => parseConfig({ NODE_ENV: 'production' })).to.throw(ConfigError, /SECRET: required in production/);
  });

  it('refuses to run in production without PUBLIC_URL, and takes only an http(s) address', () => {
    // Links would otherwise come from the Host header, which the client writes.
    const production = { NODE_ENV: 'production', SECRET: 'x'.repeat(32) };
    expect(() => parseConfig(production)).to.throw(ConfigError, /PUBLIC_URL: required in production/);
    expect(parseConfig({ ...production, PUBLIC_URL: 'https://surveys.example.org' }).PUBLIC_URL).to.equal('https://surveys.example.org');
    expect(() => parseConfig({ PUBLIC_URL: 'javascript:alert(1)' })).to.throw(ConfigError, /PUBLIC_URL: must be an http/);
    expect(() => parseConfig({ PUBLIC_URL: 'ftp://surveys.example.org' })).to.throw(ConfigError, /PUBLIC_URL: must be an http/);
    expect(parseConfig({}).PUBLIC_URL).to.equal(undefined);
  });

  it('sends from a reserved domain only to the local catcher: production with SMTP_URL must name a sender, on one line', () => {
    expect(parseConfig({}).MAIL_FROM).to.equal('Barometer <barometer@barometer.localhost>');
    const production = { NODE_ENV: 'production', SECRET: 'x'.repeat(32), PUBLIC_URL: 'https://surveys.example.org', SMTP_URL: 'smtp://mail.example.org:587' };
    expect(() => parseConfig(production)).to.throw(ConfigError, /MAIL_FROM: required in production when SMTP_URL is set/);
    expect(parseConfig({ ...production, MAIL_FROM: 'Enquêtes <surveys@example.org>' }).MAIL_FROM).to.equal('Enquêtes <surveys@example.org>');
    expect(() => parseConfig({ MAIL_FROM: 'A <a@example.org>\r\nBcc: b@example.org' })).to.throw(ConfigError, /MAIL_FROM: must be one line/);
    expect(() => parseConfig({ SMTP_URL: 'http://mail.example.org' })).to.throw(ConfigError, /SMTP_URL: must start with smtp/);
    expect(() => parseConfig({ SMTP_URL: 'smtp://mail.example.org:587?tls.rejectUnauthorized=false' })).to.throw(ConfigError, /SMTP_URL: takes no options/);
    expect(() => parseConfig({ MAIL_QUIET_HOURS: '25-8' })).to.throw(ConfigError, /MAIL_QUIET_HOURS/);
  });

  it('accepts a real MongoDB URI and resolves DATA_DIR', () => {
    const config = parseConfig({ MONGODB_URI: 'mongodb://db:27017/barometer', DATA_DIR: '/var/lib/barometer' });
    expect(config.MONGODB_URI).to.equal('mongodb://db:27017/barometer');
    expect(config.dataDir).to.equal('/var/lib/barometer');
  });

  it('keeps error details from clients unless SHOW_ERROR_DETAILS says otherwise, in any NODE_ENV', () => {
    expect(parseConfig({}).SHOW_ERROR_DETAILS).to.equal(false);
    expect(parseConfig({ NODE_ENV: 'development' }).SHOW_ERROR_DETAILS).to.equal(false);
    expect(parseConfig({ SHOW_ERROR_DETAILS: '1' }).SHOW_ERROR_DETAILS).to.equal(true);
    expect(() => parseConfig({ SHOW_ERROR_DETAILS: 'maybe' })).to.throw(ConfigError, /SHOW_ERROR_DETAILS/);
  });

  it('refuses session time-outs that are not positive whole numbers', () => {
    expect(parseConfig({}).SESSION_IDLE_MINUTES).to.equal(60);
    expect(parseConfig({}).SESSION_MAX_HOURS).to.equal(12);
    expect(() => parseConfig({ SESSION_IDLE_MINUTES: '0', SESSION_MAX_HOURS: 'soon' })).to.throw(ConfigError, /SESSION_IDLE_MINUTES[\s\S]*SESSION_MAX_HOURS/);
  });
});

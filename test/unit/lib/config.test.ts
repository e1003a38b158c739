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

  it('accepts a real MongoDB URI and resolves DATA_DIR', () => {
    const config = parseConfig({ MONGODB_URI: 'mongodb://db:27017/barometer', DATA_DIR: '/var/lib/barometer' });
    expect(config.MONGODB_URI).to.equal('mongodb://db:27017/barometer');
    expect(config.dataDir).to.equal('/var/lib/barometer');
  });
});

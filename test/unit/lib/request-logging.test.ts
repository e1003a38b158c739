import { Writable } from 'node:stream';
import { expect } from 'chai';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { maskSecretsInUrl, requestLogging } from '../../../server/lib/request-logging';

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

describe('requestLogging', () => {
  /** An app logging through requestLogging into memory; each line parsed. */
  function loggedApp() {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const app = express();
    app.use(requestLogging(pino({ level: 'info' }, sink)));
    app.get('/ok', (_req, res) => void res.send('ok'));
    // What the error handler answers while the database is away, and the health check too.
    app.get('/away', (_req, res) => void res.status(503).send('later'));
    app.get('/broken', (_req, res) => void res.status(500).send('sorry'));
    return { app, lines };
  }

  it('logs one compact line per request: info for an answer, warn without a stack for a 503, error for other 5xx', async () => {
    const { app, lines } = loggedApp();
    await request(app).get('/ok').expect(200);
    await request(app).get('/away').expect(503);
    await request(app).get('/broken').expect(500);
    const byPath = (url: string) => lines.find((line) => (line.req as { url?: string } | undefined)?.url === url);
    expect(byPath('/ok')).to.deep.include({ level: pino.levels.values.info, msg: 'request', res: { statusCode: 200 } });
    const away = byPath('/away')!;
    expect(away).to.deep.include({ level: pino.levels.values.warn, msg: 'request failed', res: { statusCode: 503 } });
    // pino-http makes up an error, with a stack of its own code, for an answer of 500 or more: not logged.
    expect(away).to.not.have.property('err');
    const broken = byPath('/broken')!;
    expect(broken).to.deep.include({ level: pino.levels.values.error, res: { statusCode: 500 } });
    expect(broken).to.not.have.property('err');
    expect(lines).to.have.length(3);
  });
});

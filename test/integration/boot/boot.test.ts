// Boot as `npm start` does it, in a child process: the embedded store on DATA_DIR, the health
// check, the command-line tools sharing the running app's store, and a clean SIGTERM.
import { spawn } from 'node:child_process';
import { startAppProcess } from '../../support/app-process';
import net from 'node:net';
import { mkdtemp, mkdir, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ROOT } from '../../support/app';
import { cookieFetch, STRONG_PASSWORD, submitFormWithFetch } from '../../support/staff';
import { waitFor } from '../embedded-mongo/wire-client';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function baseEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', NODE_ENV: 'development', ...extra };
  return env;
}

function runToEnd(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('Booting the app on the embedded store', function () {
  this.timeout(90_000);
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'barometer-boot-'));
  });
  after(async () => rm(dataDir, { recursive: true, force: true }));

  it('starts on DATA_DIR/db, answers the health check, shares its store with the CLIs and stops cleanly on SIGTERM', async () => {
    const server = await startAppProcess(baseEnv(dataDir));
    try {
      const storeLines = server.output().split('\n').filter((l) => l.startsWith('Embedded MongoDB-compatible store'));
      expect(storeLines).to.have.length(1);
      expect(storeLines[0]).to.contain(path.join(dataDir, 'db'));

      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).to.equal(200);
      expect(await health.json()).to.deep.equal({ status: 'ok', database: 'ok' });
      const intro = await fetch(`${server.url}/s/captic_2011`);
      expect(intro.status).to.equal(200);

      // The report CLI connects to the store the app holds (the data directory is locked).
      const report = await runToEnd('server/analysis/report.cli.ts', ['--survey', 'captic_2011', '--json'], baseEnv(dataDir));
      expect(report.code, report.stderr).to.equal(0);
      expect(report.stderr).to.equal('');
      const figures = JSON.parse(report.stdout);
      // The API needs an account: on a fresh store, the first admin is set up with the code boot printed.
      const setupCode = /one-time setup code:\s+(\S+)/;
      await waitFor(() => setupCode.test(server.output()), 10_000, 'the setup code on the console');
      const printedCode = setupCode.exec(server.output())?.[1] ?? '';
      const admin = cookieFetch(server.url);
      const setUp = await submitFormWithFetch(admin, '/setup', { code: printedCode, email: 'admin@example.org', name: 'Admin', password: STRONG_PASSWORD });
      expect(setUp.status).to.equal(303);
      const api = await (await admin('/api/v1/surveys/captic_2011/waves/current/figures')).json();
      expect(figures).to.deep.equal(api);
      expect(figures).to.include({ survey: 'captic_2011', wave: 'demo', n: 0 });
    } catch (error) {
      // A failed check must not leave the server holding DATA_DIR for the next test.
      server.child.kill('SIGTERM');
      throw error;
    }

    const exited = new Promise<number | null>((resolve) => server.child.on('exit', (code) => resolve(code)));
    server.child.kill('SIGTERM');
    expect(await exited).to.equal(0);

    // The store was closed and its lock released: the CLI can now open the directory itself.
    const afterStop = await runToEnd('server/analysis/report.cli.ts', ['--survey', 'captic_2011', '--json'], baseEnv(dataDir));
    expect(afterStop.code, afterStop.stderr).to.equal(0);
    expect(JSON.parse(afterStop.stdout).n).to.equal(0);
  });

  it('on SIGTERM refuses new connections but finishes the request in flight, then exits', async () => {
    const server = await startAppProcess(baseEnv(dataDir));
    const { hostname, port } = new URL(server.url);
    // A request whose body is still arriving when SIGTERM comes.
    const socket = net.connect(Number(port), hostname);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    let reply = '';
    socket.on('data', (d: Buffer) => (reply += d.toString()));
    const body = 'consent=yes&website=';
    socket.write(`POST /s/captic_2011/start HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nAccept: text/html\r\n\r\n${body.slice(0, 5)}`);
    // The server reads connections in the order their data arrives: once it has answered a
    // request sent after this one's start, it holds this one in flight.
    expect((await fetch(`${server.url}/healthz`)).status).to.equal(200);
    const exited = new Promise<number | null>((resolve) => server.child.on('exit', (code) => resolve(code)));
    server.child.kill('SIGTERM');
    // Draining first answers 503, then the listening socket closes: wait for that, not for a time.
    // A probe caught in the listening socket's backlog as it closes is reset (ECONNRESET): the
    // socket is closing, not closed, so that is not the end state either.
    const probe = () => fetch(`${server.url}/healthz`).then(() => 'answered', (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.message);
    let refused = await probe();
    for (const deadline = Date.now() + 20_000; (refused === 'answered' || refused === 'ECONNRESET') && Date.now() < deadline; refused = await probe()) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(refused).to.equal('ECONNREFUSED');
    socket.write(body.slice(5));
    await new Promise<void>((resolve) => socket.once('end', () => resolve()));
    // Finished, not cut: a full HTTP answer (403: this raw client sent no CSRF token).
    expect(reply).to.match(/^HTTP\/1\.1 403 /);
    expect(reply).to.contain('Connection: close');
    expect(await exited).to.equal(0);
  });

  it('logs one compact JSON line per request in production: no headers, no address, no resume token', async () => {
    const secret = 'a-production-secret-of-at-least-32-characters';
    const server = await startAppProcess(baseEnv(path.join(dataDir, 'production'), { NODE_ENV: 'production', SECRET: secret, PUBLIC_URL: 'https://barometer.example.org', LOG_LEVEL: 'info' }));
    try {
      const token = 'A'.repeat(43);
      await fetch(`${server.url}/s/captic_2011`, { headers: { cookie: 'brm_browser=nope' } });
      await fetch(`${server.url}/s/captic_2011/resume/${token}`);
      const requestLines = () =>
        server
          .output()
          .split('\n')
          .filter((line) => line.startsWith('{') && line.includes('"msg":"request"'))
          .map((line) => JSON.parse(line) as Record<string, unknown>);
      while (requestLines().length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      const [intro, resume] = requestLines();
      expect(Object.keys(intro!).sort()).to.deep.equal(['level', 'msg', 'req', 'res', 'responseTime', 'service', 'time']);
      expect(intro).to.include({ level: 30, msg: 'request', service: 'barometer' });
      expect(intro!.req).to.deep.equal({ id: (intro!.req as { id: unknown }).id, method: 'GET', url: '/s/captic_2011' });
      expect(intro!.res).to.deep.equal({ statusCode: 200 });
      expect(resume!.req).to.include({ url: '/s/captic_2011/resume/[token]' });
      expect(server.output()).not.to.contain(token);
      expect(server.output()).not.to.contain('brm_browser');
      expect(server.output()).not.to.match(/remoteAddress|"headers"/);
    } finally {
      const exited = new Promise((resolve) => server.child.on('exit', resolve));
      server.child.kill('SIGTERM');
      await exited;
    }
  });

  it('refuses to start on bad settings, listing every problem', async () => {
    const run = await runToEnd('server/index.ts', [], baseEnv(dataDir, { PORT: 'eighty', LOG_LEVEL: 'loud' }));
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain('Invalid configuration:');
    expect(run.stderr).to.contain('PORT:');
    expect(run.stderr).to.contain('LOG_LEVEL:');
  });

  it('refuses to start on a bad survey definition, naming the file and line', async () => {
    const surveysDir = path.join(dataDir, 'surveys');
    await mkdir(surveysDir, { recursive: true });
    await copyFile(path.join(ROOT, 'surveys', 'captic-2011.yaml'), path.join(surveysDir, 'captic-2011.yaml'));
    await writeFile(path.join(surveysDir, 'broken.yaml'), 'id: broken\ntitle: Broken\nlanguages: [en]\n');
    const run = await runToEnd('server/index.ts', [], baseEnv(path.join(dataDir, 'other'), { SURVEYS_DIR: surveysDir }));
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain('Refusing to start: a survey definition is invalid.');
    expect(run.stderr).to.match(/broken\.yaml:\d+/);
  });
});

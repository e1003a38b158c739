// The container files promise what docs/deploy.md says: compose.yaml runs two app processes on a
// three-member replica set with a mail catcher, with settings the app's configuration accepts;
// the Dockerfile runs as an unprivileged user, checks /healthz and bakes in no secret. No
// container engine runs here, so this reads the files; it does not build or start them.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../../server/lib/config';
import { ROOT } from '../../support/app';

interface Service { image?: string; build?: unknown; command?: string[]; environment?: Record<string, string>; env_file?: string; ports?: string[] }

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const compose = parseYaml(read('compose.yaml'), { merge: true }) as { services: Record<string, Service> };
const services = Object.entries(compose.services);
const appServices = services.filter(([, service]) => service.build !== undefined);
const mongoServices = services.filter(([, service]) => service.image === 'mongo:7' && service.command?.includes('--replSet'));

/** KEY=value lines of an env file, comments and blanks left out. */
function envFile(file: string): Record<string, string> {
  const lines = read(file).split('\n').filter((line) => line.trim() && !line.startsWith('#'));
  return Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

describe('The container files', () => {
  it('compose.yaml runs a three-member MongoDB replica set, initiated once', () => {
    expect(mongoServices.map(([name]) => name)).to.have.length(3);
    for (const [, service] of mongoServices) expect(service.command).to.include.ordered.members(['mongod', '--replSet', 'rs0']);
    const init = compose.services['mongo-init']!;
    const script = init.command!.join(' ');
    expect(script).to.include("rs.initiate({ _id: 'rs0'");
    expect(script, 'a set already initiated is left alone').to.include("e.codeName !== 'NotYetInitialized'");
    for (const [name] of mongoServices) expect(script).to.include(`host: '${name}:27017'`);
  });

  it('compose.yaml runs two app processes on that replica set, with a mail catcher, and settings the app accepts', () => {
    expect(appServices).to.have.length(2);
    const example = envFile('compose.env.example');
    for (const [name, service] of appServices) {
      expect(service.env_file, name).to.equal('barometer.env');
      const env = { ...example, SECRET: 'x'.repeat(40), ...service.environment };
      // Every name is a setting of server/lib/config.ts, and together they pass its production checks.
      const config = parseConfig(env);
      for (const key of Object.keys(env)) expect(Object.keys(config), `${name}: ${key}`).to.include(key);
      // A seed list (host,host,host) is no WHATWG URL: read it by hand.
      const [, hosts, query] = /^mongodb:\/\/([^/]+)\/barometer\?(.*)$/.exec(config.MONGODB_URI!) ?? [];
      expect(new URLSearchParams(query).get('replicaSet')).to.equal('rs0');
      expect(hosts!.split(',').map((host) => host.split(':')[0])).to.have.members(mongoServices.map(([member]) => member));
      expect(new URL(config.SMTP_URL!).hostname).to.equal('mailpit');
      expect(compose.services.mailpit!.image).to.match(/^axllent\/mailpit/);
      expect(config.TRUST_PROXY, 'behind the reverse proxy').to.equal(true);
      for (const port of service.ports ?? []) expect(port, 'published on loopback only, for the proxy').to.match(/^127\.0\.0\.1:/);
    }
    expect(appServices.map(([, service]) => service.environment!.MAIL_WORKER).sort()).to.deep.equal(['false', 'true']);
  });

  it('the env file example holds no secret, and both processes share one SECRET and PUBLIC_URL', () => {
    const example = envFile('compose.env.example');
    expect(example.SECRET).to.equal('');
    for (const [, service] of appServices) expect(Object.keys(service.environment ?? {})).to.not.include.members(['SECRET', 'PUBLIC_URL']);
  });

  it('the Dockerfile installs without dev dependencies, runs unprivileged, checks /healthz and bakes in no secret', () => {
    const dockerfile = read('Dockerfile');
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    expect(dockerfile).to.include('npm ci --omit=dev');
    expect(pkg.dependencies, 'tsx runs the app, so it must survive --omit=dev').to.have.property('tsx');
    const users = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].map((match) => match[1]);
    expect(users).to.deep.equal(['node']);
    expect(dockerfile).to.match(/^HEALTHCHECK .*\n.*\/healthz/m);
    expect(dockerfile).to.not.match(/^(ENV|ARG)\b[^\n]*(SECRET|PASSWORD|SMTP_URL|MONGODB_URI)/m);
    expect(dockerfile).to.match(/^CMD \["node", "--import", "tsx", "server\/index.ts"\]$/m);
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).to.include.members(['.git', 'node_modules', 'data', '.env', '*.env', '*.backup']);
  });
});

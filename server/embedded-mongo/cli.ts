// `npm run db`: runs the embedded store on its own over TCP, for tools and manual use.
// Accepts mongod's own flags (--port, --dbpath, --bind_ip, --bind_ip_all, --auth) as well as ours.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DataDirLockedError, startEmbeddedMongo } from './index';

const USAGE = `Usage: npm run db -- [options]
  --port <n>              TCP port (default 27017; 0 picks a free one)
  --bind_ip <a,b,...>     addresses to listen on (default 127.0.0.1); also --host <a>
  --bind_ip_all           listen on every IPv4 interface (0.0.0.0)
  --dbpath <dir>          data directory (default ./data/db); also --data-dir <dir>
  --in-memory             keep nothing on disk
  --auth                  require SCRAM-SHA-256 authentication (always on beyond loopback)
  --create-user <u:p>     create (or reset) an admin user with the root role before listening
  --socket <path>         also listen on a Unix domain socket (path must end in .sock)`;

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got ${text}`);
  return port;
}

function parseUser(text: string): { user: string; pwd: string; roles: string[] } {
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1) throw new Error('--create-user takes name:password');
  return { user: text.slice(0, colon), pwd: text.slice(colon + 1), roles: ['root'] };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '27017' },
      host: { type: 'string' },
      bind_ip: { type: 'string' },
      bind_ip_all: { type: 'boolean', default: false },
      dbpath: { type: 'string' },
      'data-dir': { type: 'string' },
      'in-memory': { type: 'boolean', default: false },
      auth: { type: 'boolean', default: false },
      'create-user': { type: 'string', multiple: true },
      socket: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = parsePort(values.port);
  // The driver takes a host ending in .sock for a socket path; any other name could not be reached.
  if (values.socket !== undefined && !values.socket.endsWith('.sock')) throw new Error(`--socket must name a path ending in .sock, got ${values.socket}`);
  const bindIps = values.bind_ip_all
    ? ['0.0.0.0']
    : (values.bind_ip ?? values.host ?? '127.0.0.1').split(',').map((ip) => ip.trim()).filter((ip) => ip.length > 0);
  // Anyone who can reach a non-loopback address could read and change everything: require a login.
  const beyondLoopback = bindIps.some((ip) => !LOOPBACK.has(ip));
  const auth = values.auth || beyondLoopback;
  const dataDir = values['in-memory'] ? undefined : path.resolve(values.dbpath ?? values['data-dir'] ?? './data/db');
  const initialUsers = (values['create-user'] ?? []).map(parseUser);
  const store = await startEmbeddedMongo({
    bindIps,
    port,
    dataDir,
    auth,
    initialUsers,
    ...(values.socket ? { socketPath: path.resolve(values.socket) } : {}),
  });
  const where = bindIps.length > 1 ? `${bindIps.join(', ')} port ${store.port}` : store.uri;
  console.log(`embedded MongoDB listening on ${where}${store.socketPath ? ` and ${store.socketPath}` : ''} (${dataDir ? `data in ${dataDir}` : 'in memory'}${auth ? ', authentication required' : ''})`);
  if (auth && beyondLoopback && !values.auth) console.log('Listening beyond loopback: authentication is required (create users with --create-user or createUser from localhost).');
  const stop = (): void => {
    store.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof DataDirLockedError ? error.message : error);
  process.exit(1);
});

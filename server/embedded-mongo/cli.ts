// `npm run db`: runs the embedded store on its own, for tools and manual use.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DataDirLockedError, startEmbeddedMongo } from './index';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '27017' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: './data/db' },
      'in-memory': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log('Usage: npm run db -- [--port 27017] [--host 127.0.0.1] [--data-dir ./data/db] [--in-memory]');
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got ${values.port}`);
  const dataDir = values['in-memory'] ? undefined : path.resolve(values['data-dir']);
  const store = await startEmbeddedMongo({ host: values.host, port, dataDir });
  console.log(`embedded MongoDB listening on ${store.uri} (${dataDir ? `data in ${dataDir}` : 'in memory'})`);
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

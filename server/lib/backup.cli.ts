// `npm run db:backup -- --out FILE [--dbpath DIR]` and `npm run db:restore -- --from FILE [--dbpath DIR] [--force]`:
// a consistent backup of the embedded store, taken while the app runs, and its restore into a
// directory no running store holds. A real MongoDB (MONGODB_URI) is backed up with mongodump
// instead (docs/deploy.md, "Backups").
import path from 'node:path';
import { BackupRefusedError, backupDataDir, describeBackup, restoreDataDir } from '../embedded-mongo/backup';
import { CommandRefusal, EXIT_OK, commandSetup, parseCommandArgs, readCommandLine, readSubcommand, refuseStrayOptions, runCommand, UsageError } from './command-line';

const USAGE = [
  'Usage:',
  '  npm run db:backup -- --out FILE [--dbpath DIR]',
  '  npm run db:restore -- --from FILE [--dbpath DIR] [--force]',
  '',
  'DIR is the embedded store\'s directory, $DATA_DIR/db by default. A backup can be taken while the',
  'app runs; a restore refuses a directory a running app holds, and one that holds data unless --force',
  '(the replaced journal is kept beside it).',
].join('\n');

const COMMANDS = ['backup', 'restore'] as const;
type Command = (typeof COMMANDS)[number];

interface Args { command: Command; file: string; dbpath?: string; force: boolean }

function readArgs(argv: string[]): Args | 'help' {
  const { values, positionals } = parseCommandArgs(argv, {
    out: { type: 'string' },
    from: { type: 'string' },
    dbpath: { type: 'string' },
    force: { type: 'boolean' },
    help: { type: 'boolean' },
  });
  if (values.help) return 'help';
  const command = readSubcommand(positionals, COMMANDS);
  const given = Object.keys(values);
  refuseStrayOptions(command, given, { backup: ['out', 'dbpath'], restore: ['from', 'dbpath', 'force'] });
  const file = command === 'backup' ? values.out : values.from;
  if (!file) throw new UsageError(command === 'backup' ? '--out FILE is required' : '--from FILE is required');
  return { command, file: path.resolve(file), ...(values.dbpath ? { dbpath: path.resolve(values.dbpath) } : {}), force: values.force ?? false };
}

/** The store's directory: --dbpath, else the app's own; refused when the app uses a MongoDB server. */
function storeDirectory(args: Args): string {
  if (args.dbpath) return args.dbpath;
  const { config } = commandSetup();
  if (config.MONGODB_URI) {
    throw new CommandRefusal(
      'MONGODB_URI names a MongoDB server, not the embedded store: back it up with mongodump and restore with mongorestore (docs/deploy.md, "Backups").',
    );
  }
  return path.join(config.dataDir, 'db');
}

async function main(argv: string[]): Promise<number> {
  const args = readCommandLine(argv, readArgs, USAGE);
  if (typeof args === 'number') return args;
  const dataDir = storeDirectory(args);
  try {
    if (args.command === 'backup') {
      const report = await backupDataDir(dataDir, args.file);
      console.log(`Backed up ${dataDir} to ${report.file}: ${describeBackup(report.header)}`);
    } else {
      const report = await restoreDataDir(args.file, dataDir, { force: args.force });
      console.log(`Restored ${args.file} into ${dataDir}: ${describeBackup(report.header)}`);
      if (report.replaced) console.log(`The journal it replaced is kept as ${report.replaced}.`);
    }
  } catch (error) {
    if (error instanceof BackupRefusedError) throw new CommandRefusal(`db:${args.command}: ${error.message}`);
    throw error;
  }
  return EXIT_OK;
}

await runCommand(main);

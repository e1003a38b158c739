// `npm run db:repair [-- --dbpath DIR]`: recovers every intact record of a damaged journal,
// keeping the original as journal.bson.damaged-<timestamp>. Refuses while a store runs on DIR.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { RepairRefusedError, describeRepair, repairJournal } from './storage/repair';

const USAGE = 'Usage: npm run db:repair -- [--dbpath ./data/db]   (the app keeps its store in $DATA_DIR/db)';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      // mongod's name for it, and the one `npm run db` accepts as --data-dir.
      dbpath: { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const dataDir = path.resolve(values.dbpath ?? values['data-dir'] ?? './data/db');
  const report = await repairJournal(dataDir);
  console.log(describeRepair(report));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof RepairRefusedError ? `db:repair: ${error.message}` : error);
    process.exit(1);
  },
);

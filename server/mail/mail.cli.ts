// `npm run mail -- worker|status|retry-failed`: the outbox from the server's terminal. `worker`
// sends in a process of its own (with MAIL_WORKER=false on the app, or beside the app's own
// worker: leases keep two workers from sending one message); `status` counts the outbox;
// `retry-failed` queues again what ran out of attempts, audited as the console's button is.
// Exit codes: 0 done, 1 refused, 2 wrong usage.
import { systemClock } from '../lib/clock';
import { commandSetup, EXIT_OK, parseCommandArgs, printColumns, readCommandLine, readSubcommand, refuseStrayOptions, runCommand, UsageError, withDatabase } from '../lib/command-line';
import { resolveSecret } from '../lib/secret';
import { publicBaseUrl, serverOrigin } from '../lib/public-url';
import { loadSurveyCatalog } from '../surveys/survey.catalog';
import { startBackgroundWork } from '../background-work';
import { MAIL_PURPOSES } from './mail-hooks';
import { countOutbox, retryFailedMessages } from './outbox-console.service';
import { MAIL_STATUSES, type MailPurpose } from './outbox.service';
import { mailDestinationLine } from './mail-runtime';

const USAGE = `Usage:
  npm run mail -- worker [--lease-seconds 60]
  npm run mail -- status [--survey ID] [--json]
  npm run mail -- retry-failed [--purpose ${MAIL_PURPOSES.join('|')}] [--survey ID]

worker sends the outbox until it is stopped (Ctrl-C or SIGTERM finish the send in flight), at
MAIL_RATE_PER_SECOND through SMTP_URL, and queues reminders as they fall due, as the app does;
without SMTP_URL it runs a mail catcher of its own and the console's outbox page shows what it
caught. --lease-seconds is how long a message it claims is
its own before another worker may take it over (renewed while a send lasts).
status counts the messages by purpose and status. retry-failed queues failed messages again
(bounced ones stay bounced).

The command works on the database of the running app (or the one DATA_DIR / MONGODB_URI name).

  --json       status as JSON
  --help       this text`;

const COMMANDS = ['worker', 'status', 'retry-failed'] as const;
type Command = (typeof COMMANDS)[number];

const OPTIONS_OF: Record<Command, readonly string[]> = {
  worker: ['lease-seconds'],
  status: ['survey', 'json'],
  'retry-failed': ['purpose', 'survey'],
};

interface Args {
  command: Command;
  survey?: string;
  purpose?: MailPurpose;
  leaseMs?: number;
  json: boolean;
}

function readArgs(argv: string[]): Args | 'help' {
  const { values, positionals } = parseCommandArgs(argv, {
    survey: { type: 'string' },
    purpose: { type: 'string' },
    'lease-seconds': { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  });
  if (values.help) return 'help';
  const command = readSubcommand(positionals, COMMANDS);
  const given = (['survey', 'purpose', 'lease-seconds', 'json'] as const).filter((name) => values[name] !== undefined && values[name] !== false);
  refuseStrayOptions(command, given, OPTIONS_OF);
  if (values.purpose !== undefined && !(MAIL_PURPOSES as readonly string[]).includes(values.purpose)) {
    throw new UsageError(`--purpose is one of ${MAIL_PURPOSES.join(', ')}, not "${values.purpose}"`);
  }
  let leaseMs: number | undefined;
  if (values['lease-seconds'] !== undefined) {
    leaseMs = Number(values['lease-seconds']) * 1000;
    if (!/^\d+(\.\d+)?$/.test(values['lease-seconds']) || leaseMs < 100) throw new UsageError(`--lease-seconds is a number of seconds, at least 0.1, not "${values['lease-seconds']}"`);
  }
  return {
    command,
    ...(values.survey ? { survey: values.survey } : {}),
    ...(values.purpose ? { purpose: values.purpose as MailPurpose } : {}),
    ...(leaseMs !== undefined ? { leaseMs } : {}),
    json: values.json === true,
  };
}

async function printStatus(surveyId: string | undefined, json: boolean): Promise<void> {
  const counts = await countOutbox(surveyId ? { surveyId } : {});
  if (json) {
    console.log(JSON.stringify(counts, null, 2));
    return;
  }
  const header = ['PURPOSE', ...MAIL_STATUSES.map((status) => status.toUpperCase())];
  const rows = MAIL_PURPOSES.map((purpose) => [purpose, ...MAIL_STATUSES.map((status) => String(counts[purpose][status]))]);
  printColumns([header, ...rows]);
}

/** Sends until SIGTERM or SIGINT, then lets the send in flight be recorded. */
async function runWorker(args: Args, config: ReturnType<typeof commandSetup>['config'], logger: ReturnType<typeof commandSetup>['logger']): Promise<void> {
  // The same background work as the app's: the hooks checked before each send (is the member
  // still subscribed?), the worker, and the reminders queued where the outbox is sent. Reminder
  // links start with PUBLIC_URL, else the address the app is set to listen on.
  const catalog = await loadSurveyCatalog(config.surveysDir, logger);
  const background = await startBackgroundWork(
    { config, logger, clock: systemClock, catalog, secret: await resolveSecret(config), publicBase: publicBaseUrl(config, serverOrigin(config.HOST, config.PORT)) },
    { forceWorker: true, ...(args.leaseMs ? { worker: { leaseMs: args.leaseMs } } : {}) },
  );
  console.log(`${mailDestinationLine(background.mail, config)} Stop with Ctrl-C.`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  await background.stop();
  console.log('Worker stopped.');
}

async function main(argv: string[]): Promise<number> {
  const args = readCommandLine(argv, readArgs, USAGE);
  if (typeof args === 'number') return args;
  const { config, logger } = commandSetup();
  await withDatabase(config, logger, async () => {
    switch (args.command) {
      case 'worker':
        await runWorker(args, config, logger);
        break;
      case 'status':
        await printStatus(args.survey, args.json);
        break;
      case 'retry-failed': {
        const filter = { ...(args.purpose ? { purpose: args.purpose } : {}), ...(args.survey ? { surveyId: args.survey } : {}) };
        const { retried } = await retryFailedMessages(filter, { via: 'cli' }, systemClock.now(), logger);
        console.log(retried === 0 ? 'No failed message to retry.' : `Queued ${retried} failed message${retried === 1 ? '' : 's'} again.`);
        break;
      }
    }
  });
  return EXIT_OK;
}

await runCommand(main);

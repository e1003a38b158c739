// `npm run wave -- list|create|schedule|open|close ...`: a survey's waves from the server's terminal,
// with the same use cases, rules and audit trail as the console (wave-lifecycle.service.ts).
// Exit codes: 0 done, 1 refused (nothing changed), 2 wrong usage.
import { systemClock } from '../lib/clock';
import { EXIT_OK, EXIT_USAGE, parseCommandArgs, printColumns, readCommandLine, readSubcommand, refuseStrayOptions, runCommand, UsageError } from '../lib/command-line';
import type { Logger } from '../lib/logger';
import type { AuditActor } from '../audit/audit.service';
import { createSurveyCatalog } from '../surveys/survey.catalog';
import { withSurveyDatabase } from '../surveys/survey-cli-setup';
import type { LoadedSurvey } from '../surveys/survey.loader';
import { waveOverviews } from '../console/wave-overview.service';
import { formatInZone, localDateTime, parseLocalDateTime, surveyTimeZone } from './wave-dates';
import { createWaveLifecycle, type Schedule } from './wave-lifecycle.service';
import type { Wave } from './wave.service';
import { phaseOf } from './wave-phase';

const USAGE = `Usage:
  npm run wave -- list --survey ID [--json]
  npm run wave -- create --survey ID --wave W [--label-fr TEXT] [--label-en TEXT] [--copy-from W] [--version FINGERPRINT]
  npm run wave -- schedule --survey ID --wave W [--opens 2012-03-01T09:00] [--closes 2012-03-31T18:00] [--grace MINUTES]
  npm run wave -- open --survey ID --wave W
  npm run wave -- close --survey ID --wave W

A new wave is a draft that copies the settings of --copy-from (the newest wave when not given)
and pins --version (the survey file's version when not given). schedule sets the field dates,
read in the survey's time zone ("none" removes one), and, for a draft, schedules the wave: it
opens by itself at its open time. open and close act now.

The command changes the database of the running app (or the one DATA_DIR / MONGODB_URI name); a
running app sees the change within half a second, the life of its wave cache (decision 0005).

  --json       list as JSON instead of a table
  --help       this text`;

const COMMANDS = ['list', 'create', 'schedule', 'open', 'close'] as const;
type Command = (typeof COMMANDS)[number];

const OPTIONS_OF: Record<Command, readonly string[]> = {
  list: ['survey', 'json'],
  create: ['survey', 'wave', 'label-fr', 'label-en', 'copy-from', 'version'],
  schedule: ['survey', 'wave', 'opens', 'closes', 'grace'],
  open: ['survey', 'wave'],
  close: ['survey', 'wave'],
};

const STRING_OPTIONS = ['survey', 'wave', 'label-fr', 'label-en', 'copy-from', 'version', 'opens', 'closes', 'grace'] as const;
type StringOption = (typeof STRING_OPTIONS)[number];

interface Args {
  command: Command;
  survey: string;
  wave?: string;
  values: Partial<Record<StringOption, string>>;
  json: boolean;
}

function readArgs(argv: string[]): Args | 'help' {
  const parsed = parseCommandArgs(argv, {
    survey: { type: 'string' },
    wave: { type: 'string' },
    'label-fr': { type: 'string' },
    'label-en': { type: 'string' },
    'copy-from': { type: 'string' },
    version: { type: 'string' },
    opens: { type: 'string' },
    closes: { type: 'string' },
    grace: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  });
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const command = readSubcommand(positionals, COMMANDS);
  const given = Object.fromEntries(STRING_OPTIONS.filter((name) => typeof values[name] === 'string').map((name) => [name, values[name] as string])) as Args['values'];
  refuseStrayOptions(command, [...Object.keys(given), ...(values.json ? ['json'] : [])], OPTIONS_OF);
  if (!given.survey) throw new UsageError(`${command} needs --survey`);
  if (command !== 'list' && !given.wave) throw new UsageError(`${command} needs --wave`);
  if (command === 'schedule' && given.opens === undefined && given.closes === undefined && given.grace === undefined) {
    throw new UsageError('schedule needs --opens, --closes or --grace');
  }
  return { command, survey: given.survey, ...(given.wave ? { wave: given.wave } : {}), values: given, json: values.json === true };
}

/** A local time in the survey's zone, "none" to remove it, or absent to leave it. */
function timeOption(value: string | undefined, name: string, timeZone: string): Date | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'none') return null;
  const instant = parseLocalDateTime(value, timeZone);
  if (!instant) throw new UsageError(`--${name} is a local date and time in ${timeZone} such as 2012-03-01T09:00, or "none"; not "${value}"`);
  return instant;
}

function scheduleOf(values: Args['values'], timeZone: string): Schedule {
  const opensAt = timeOption(values.opens, 'opens', timeZone);
  const closesAt = timeOption(values.closes, 'closes', timeZone);
  let graceMinutes: number | undefined;
  if (values.grace !== undefined) {
    if (!/^\d+$/.test(values.grace)) throw new UsageError(`--grace is a whole number of minutes, not "${values.grace}"`);
    graceMinutes = Number(values.grace);
  }
  return { ...(opensAt !== undefined ? { opensAt } : {}), ...(closesAt !== undefined ? { closesAt } : {}), ...(graceMinutes !== undefined ? { graceMinutes } : {}) };
}

async function printList(survey: LoadedSurvey, now: Date, json: boolean): Promise<void> {
  const timeZone = surveyTimeZone(survey);
  const waves = await waveOverviews(survey, now, 'en');
  if (json) {
    console.log(JSON.stringify({ surveyId: survey.definition.id, timeZone, waves: waves.map(({ labelText: _l, opensText: _o, closesText: _c, ...wave }) => wave) }, null, 2));
    return;
  }
  if (waves.length === 0) {
    console.log(`Survey ${survey.definition.id} has no wave yet.`);
    return;
  }
  const local = (instant: Date | undefined) => (instant ? localDateTime(instant, timeZone).replace('T', ' ') : '-');
  const header = ['WAVE', 'STATUS', 'PHASE', `OPENS (${timeZone})`, `CLOSES (${timeZone})`, 'COMPLETES', 'TARGET'];
  const rows = waves.map((wave) => [wave.waveId, wave.status, wave.phase, local(wave.opensAt), local(wave.closesAt), String(wave.counts.complete), wave.targetSample === undefined ? '-' : String(wave.targetSample)]);
  printColumns([header, ...rows]);
}

function describeDates(wave: Wave, timeZone: string): string {
  const opens = wave.opensAt ? formatInZone(wave.opensAt, timeZone, 'en') : 'no open time';
  const closes = wave.closesAt ? formatInZone(wave.closesAt, timeZone, 'en') : 'no close time';
  return `opens ${opens}, closes ${closes}, grace period ${wave.graceMinutes} min`;
}

async function run(args: Args, survey: LoadedSurvey, surveys: LoadedSurvey[], logger: Logger): Promise<void> {
  const clock = systemClock;
  const surveyId = survey.definition.id;
  const timeZone = surveyTimeZone(survey);
  const waves = createWaveLifecycle({ catalog: createSurveyCatalog(surveys), logger, clock });
  const actor: AuditActor = { via: 'cli' };
  const waveId = args.wave ?? '';
  const { values } = args;
  switch (args.command) {
    case 'list':
      await printList(survey, clock.now(), args.json);
      return;
    case 'create': {
      const label = Object.fromEntries((['fr', 'en'] as const).filter((lang) => values[`label-${lang}`]).map((lang) => [lang, values[`label-${lang}`] as string]));
      const wave = await waves.createWave(
        surveyId,
        { waveId, ...(Object.keys(label).length ? { label } : {}), ...(values['copy-from'] ? { copyFrom: values['copy-from'] } : {}), ...(values.version ? { fingerprint: values.version } : {}) },
        actor,
      );
      console.log(`Created wave ${wave.waveId} of ${surveyId}, a draft${wave.copiedFrom ? ` with the settings of ${wave.copiedFrom}` : ''}, pinned to version ${wave.fingerprint ?? '-'}.`);
      console.log(`Next: npm run wave -- schedule --survey ${surveyId} --wave ${wave.waveId} --opens ... --closes ..., or open it now.`);
      return;
    }
    case 'schedule': {
      const schedule = scheduleOf(values, timeZone);
      const before = await waves.requireWave(surveyId, waveId);
      // A draft given an open time is scheduled in the same step: refused whole, or done whole.
      const opens = schedule.opensAt === undefined ? before.opensAt : schedule.opensAt;
      const wave = before.status === 'draft' && opens
        ? await waves.scheduleWave(surveyId, waveId, actor, schedule)
        : await waves.setSchedule(surveyId, waveId, schedule, actor);
      console.log(`Wave ${wave.waveId} of ${surveyId} is ${phaseOf(wave, clock.now())}: ${describeDates(wave, timeZone)}.`);
      return;
    }
    case 'open': {
      const wave = await waves.openWave(surveyId, waveId, actor);
      console.log(`Opened wave ${wave.waveId} of ${surveyId}: respondents can answer${wave.closesAt ? ` until ${formatInZone(wave.closesAt, timeZone, 'en')}` : ''}.`);
      return;
    }
    case 'close': {
      const wave = await waves.closeWave(surveyId, waveId, actor);
      console.log(`Closed wave ${wave.waveId} of ${surveyId}: no new respondent; those who started may finish within ${wave.graceMinutes} min.`);
      return;
    }
  }
}

async function main(argv: string[]): Promise<number> {
  const args = readCommandLine(argv, readArgs, USAGE);
  if (typeof args === 'number') return args;

  try {
    await withSurveyDatabase(args.survey, ({ survey, surveys, logger }) => run(args, survey, surveys, logger));
    return EXIT_OK;
  } catch (error) {
    // A wrong date given to schedule is known only once the survey's zone is: still a usage mistake.
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
}

await runCommand(main);

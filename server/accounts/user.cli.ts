// `npm run user:<command> -- ...`: staff accounts from the server's terminal, the way to create the
// first admin without the setup page, and the way back in when every admin is locked out.
// Exit codes: 0 done, 1 refused (nothing changed), 2 wrong usage.
import type { Config } from '../lib/config';
import { AppError } from '../lib/errors';
import { loadSurveyDirectory, SurveyDefinitionError } from '../surveys/survey.loader';
import type { AuditActor } from '../audit/audit.service';
import { createAccountService, PASSWORD_LINK_HOURS, type Account, type AccountService, type PasswordLink } from './account.service';
import { accountStatus, formatUtcMinute } from './account-display';
import { passwordLinkUrl } from './password-link';
import { publicBaseUrl, serverOrigin } from '../lib/public-url';
import { ROLES } from './user.model';
import { CommandRefusal, commandSetup, EXIT_OK, parseCommandArgs, printColumns, readCommandLine, readSubcommand, refuseStrayOptions, runCommand, UsageError, withDatabase } from '../lib/command-line';

const USAGE = `Usage:
  npm run user:create -- --email EMAIL --role ${ROLES.join('|')} [--name NAME] [--grant SURVEY_ID ...]
  npm run user:list [-- --json]
  npm run user:disable -- --email EMAIL
  npm run user:enable -- --email EMAIL
  npm run user:reset-password -- --email EMAIL
  npm run user:sign-out-everywhere -- --email EMAIL

create and reset-password print a one-time link that sets the account's password; it expires
after ${PASSWORD_LINK_HOURS} hours. Hand it over yourself: nothing is mailed. The link starts with
PUBLIC_URL, or http://HOST:PORT when PUBLIC_URL is not set.

  --grant ID   a survey an organizer runs or an analyst reads (repeat for several)
  --json       list as JSON instead of a table
  --help       this text`;

const COMMANDS = ['create', 'list', 'disable', 'enable', 'reset-password', 'sign-out-everywhere'] as const;
type Command = (typeof COMMANDS)[number];

interface Args {
  command: Command;
  email: string | undefined;
  role: string | undefined;
  name: string | undefined;
  grants: string[];
  json: boolean;
}

const OPTIONS_OF: Record<Command, readonly string[]> = {
  create: ['email', 'role', 'name', 'grant'],
  list: ['json'],
  disable: ['email'],
  enable: ['email'],
  'reset-password': ['email'],
  'sign-out-everywhere': ['email'],
};

function readArgs(argv: string[]): Args | 'help' {
  const parsed = parseCommandArgs(argv, {
    email: { type: 'string' },
    role: { type: 'string' },
    name: { type: 'string' },
    grant: { type: 'string', multiple: true, default: [] },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  });
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const command = readSubcommand(positionals, COMMANDS);
  const args: Args = { command, email: values.email, role: values.role, name: values.name, grants: values.grant, json: values.json };
  const given = [
    ...(['email', 'role', 'name'] as const).filter((option) => values[option] !== undefined),
    ...(args.grants.length ? ['grant'] : []),
    ...(args.json ? ['json'] : []),
  ];
  refuseStrayOptions(command, given, OPTIONS_OF);
  if (args.command !== 'list' && !args.email) throw new UsageError(`${args.command} needs --email`);
  if (args.command === 'create' && !args.role) throw new UsageError(`create needs --role (${ROLES.join(', ')})`);
  return args;
}

/** Survey ids a grant may name. Read only when a grant is given: a broken survey file must not stop creating an admin. */
async function surveyIdsFor(config: Config, grants: string[]): Promise<string[]> {
  if (grants.length === 0) return [];
  try {
    return (await loadSurveyDirectory(config.surveysDir)).map((survey) => survey.definition.id);
  } catch (error) {
    if (error instanceof SurveyDefinitionError) throw new CommandRefusal(`A survey definition is invalid, so grants cannot be checked:\n${error.message}`);
    throw error;
  }
}

function printTable(accounts: Account[]): void {
  if (accounts.length === 0) {
    console.log('No account yet.');
    return;
  }
  const header = ['EMAIL', 'NAME', 'ROLE', 'STATUS', 'LAST SIGN-IN', 'GRANTS'];
  const rows = accounts.map((account) => [
    account.email,
    account.name,
    account.role,
    accountStatus(account),
    formatUtcMinute(account.lastSignInAt) ?? 'never',
    account.role === 'admin' ? '(all)' : account.grants.join(',') || '-',
  ]);
  printColumns([header, ...rows]);
}

/** The link points where people reach the app, as boot announces it. */
function printLink(config: Config, { token, expiresAt }: PasswordLink): void {
  const url = passwordLinkUrl(publicBaseUrl(config, serverOrigin(config.HOST, config.PORT)), token);
  console.log(`One-time link (shown once; expires in ${PASSWORD_LINK_HOURS} hours, ${formatUtcMinute(expiresAt)}):\n\n    ${url}\n\nHand it over to the person yourself: nothing is mailed.`);
}

async function run(args: Args, accounts: AccountService, config: Config, actor: AuditActor): Promise<void> {
  if (args.command === 'list') {
    const all = await accounts.listAccounts();
    if (args.json) {
      const listed = all.map((account) => ({ email: account.email, name: account.name, role: account.role, grants: account.grants, status: accountStatus(account), lastSignInAt: account.lastSignInAt ?? null, createdAt: account.createdAt ?? null }));
      console.log(JSON.stringify(listed, null, 2));
    } else printTable(all);
    return;
  }
  if (args.command === 'create') {
    const { account, passwordLink } = await accounts.createAccount({ email: args.email, role: args.role, name: args.name ?? '', grants: args.grants }, actor);
    console.log(`Created ${account.role} ${account.email}${account.grants.length ? ` with ${account.grants.join(', ')}` : ''}.`);
    printLink(config, passwordLink);
    return;
  }
  const account = await accounts.findAccountByEmail(args.email);
  switch (args.command) {
    case 'disable':
    case 'enable': {
      const disable = args.command === 'disable';
      // Nothing to do is said, and not recorded in the audit trail as a change.
      if (account.disabled === disable) {
        console.log(`${account.email} is already ${disable ? 'disabled' : 'enabled'}; nothing changed.`);
        return;
      }
      await accounts.setDisabled(account.id, disable, actor);
      console.log(disable ? `Disabled ${account.email}: its sessions have ended and its API tokens stop working.` : `Enabled ${account.email}.`);
      return;
    }
    case 'reset-password': {
      const { passwordLink } = await accounts.reissuePasswordLink(account.id, actor);
      console.log(`New password link for ${account.email}; the current password keeps working until the link is used.`);
      printLink(config, passwordLink);
      return;
    }
    case 'sign-out-everywhere':
      await accounts.endAllSessions(account.id, actor);
      console.log(`Ended every session of ${account.email}.`);
      return;
  }
}

async function main(argv: string[]): Promise<number> {
  const args = readCommandLine(argv, readArgs, USAGE);
  if (typeof args === 'number') return args;

  const { config, logger } = commandSetup();

  const surveyIds = await surveyIdsFor(config, args.grants);
  const accounts = createAccountService({ logger, knownSurveyIds: () => surveyIds });
  try {
    await withDatabase(config, logger, () => run(args, accounts, config, { via: 'cli' }));
    return EXIT_OK;
  } catch (error) {
    if (error instanceof AppError && error.code === 'account_not_found') throw new CommandRefusal(`No account for ${args.email ?? ''}. See npm run user:list.`);
    throw error;
  }
}

await runCommand(main);

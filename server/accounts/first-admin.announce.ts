// At boot, with no account yet: print the setup code where only whoever runs the server sees it.
import type { Logger } from '../lib/logger';
import type { Config } from '../lib/config';
import type { FirstAdminSetup } from './first-admin';
import { countAccounts } from './account.service';
import { shareSetupCode } from './setup-codes';
import { publicBaseUrl, serverOrigin } from '../lib/public-url';

export async function announceFirstAdminSetup(setup: FirstAdminSetup, config: Config, logger: Logger, port: number): Promise<void> {
  if ((await countAccounts()) > 0) return;
  // Before it is printed: whichever process the setup form reaches must accept it.
  await shareSetupCode(setup);
  const base = publicBaseUrl(config, serverOrigin(config.HOST, port));
  // The code goes to the console, not the log: logs are often shipped and kept elsewhere.
  logger.warn('no account exists yet: the first admin setup code is printed on the console');
  console.log(`\nNo account yet. Create the first admin at ${base}/setup with this one-time setup code:\n\n    ${setup.code}\n\n(or run: npm run user:create -- --email you@example.org --role admin)\n`);
}

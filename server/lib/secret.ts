// The key that signs cookies and CSRF tokens. Production must set SECRET. For a first run on a
// laptop, one is generated once and kept in DATA_DIR so resume links survive a restart.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config';

export async function resolveSecret(config: Config): Promise<string> {
  if (config.SECRET) return config.SECRET;
  if (config.NODE_ENV === 'test') return randomBytes(32).toString('hex');
  const file = path.join(config.dataDir, 'secret.key');
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(config.dataDir, { recursive: true });
  const generated = randomBytes(32).toString('hex');
  await writeFile(file, `${generated}\n`, { mode: 0o600, flag: 'w' });
  return generated;
}

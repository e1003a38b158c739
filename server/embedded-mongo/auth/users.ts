// Users and their SCRAM credentials, shaped like mongod's admin.system.users documents. Kept in
// DATA_DIR/users.json (0600, replaced atomically) rather than in the catalog, so authentication
// does not depend on the query engine; in memory only when the store has no data directory.
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createScramCredentials, type ScramCredentials } from './scram';

export const USERS_FILE = 'users.json';

export interface RoleRef { role: string; db: string }

export interface StoredUser {
  _id: string;
  userId: string;
  user: string;
  db: string;
  credentials: { 'SCRAM-SHA-256': ScramCredentials };
  roles: RoleRef[];
  customData?: Record<string, unknown>;
}

export class UserStore {
  private readonly users = new Map<string, StoredUser>();

  private constructor(private readonly file: string | undefined) {}

  static async open(dataDir: string | undefined): Promise<UserStore> {
    const store = new UserStore(dataDir ? path.join(dataDir, USERS_FILE) : undefined);
    if (store.file) {
      try {
        const saved = JSON.parse(await fs.readFile(store.file, 'utf8')) as StoredUser[];
        for (const user of saved) store.users.set(user._id, user);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`Cannot read ${store.file}: ${(error as Error).message}`);
      }
    }
    return store;
  }

  hasUsers(): boolean {
    return this.users.size > 0;
  }

  find(db: string, user: string): StoredUser | undefined {
    return this.users.get(`${db}.${user}`);
  }

  list(db?: string): StoredUser[] {
    return [...this.users.values()].filter((user) => db === undefined || user.db === db).sort((a, b) => a._id.localeCompare(b._id));
  }

  async create(db: string, user: string, password: string, roles: RoleRef[], customData?: Record<string, unknown>): Promise<StoredUser> {
    const stored: StoredUser = {
      _id: `${db}.${user}`,
      userId: randomUUID(),
      user,
      db,
      credentials: { 'SCRAM-SHA-256': await createScramCredentials(password) },
      roles,
    };
    if (customData) stored.customData = customData;
    this.users.set(stored._id, stored);
    await this.save();
    return stored;
  }

  async update(db: string, user: string, changes: { password?: string; roles?: RoleRef[]; customData?: Record<string, unknown> }): Promise<void> {
    const stored = this.find(db, user);
    if (!stored) throw new Error(`no user ${user}@${db}`);
    if (changes.password !== undefined) stored.credentials = { 'SCRAM-SHA-256': await createScramCredentials(changes.password) };
    if (changes.roles) stored.roles = changes.roles;
    if (changes.customData) stored.customData = changes.customData;
    await this.save();
  }

  /** Creates the user or resets its password and roles (the CLI's --create-user). */
  async upsert(db: string, user: string, password: string, roles: unknown[]): Promise<void> {
    const refs = roles.map((role) => (typeof role === 'string' ? { role, db } : (role as RoleRef)));
    if (this.find(db, user)) await this.update(db, user, { password, roles: refs });
    else await this.create(db, user, password, refs);
  }

  async drop(db: string, user: string): Promise<boolean> {
    const removed = this.users.delete(`${db}.${user}`);
    if (removed) await this.save();
    return removed;
  }

  private async save(): Promise<void> {
    if (!this.file) return;
    const temp = `${this.file}.tmp`;
    const handle = await fs.open(temp, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify([...this.users.values()], null, 1));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, this.file);
  }
}

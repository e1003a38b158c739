// The server: frames messages per connection, runs commands strictly in order per connection
// (long ones in slices, so other connections are served meanwhile), makes writes durable before
// replying, authenticates when asked to, and runs the TTL and cursor sweeps.
// It runs in whatever thread starts it: index.ts normally starts it in a worker thread.
import net from 'node:net';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Document } from 'bson';
import { isPlainObject } from './bson/index';
import { AuthState, UserStore, authCommandHandler, isAuthorized, notAuthorizedMessage, requiresAuthentication } from './auth/index';
import { commandName, runCommand } from './commands/index';
import { isCommandRun, type CommandContext, type CommandHandler } from './commands/context';
import { CursorRegistry } from './cursors';
import { CommandError, errorToReply } from './errors';
import { DataDirLock, type LockOwner } from './lock';
import { Catalog } from './storage/catalog';
import { Journal } from './storage/journal';
import { driveCommand, maxTimeExpired, requestedMaxTimeMS, type RunLimits } from './thread/scheduler';
import { sweepExpired } from './ttl';
import { MessageFramer, encodeOpMsgReply, encodeOpReply, parseMessage, type ParsedCommand } from './wire-protocol';

export interface StoreLogger { info(msg: string): void; warn(msg: string): void; error(msg: string): void }

export interface TcpAddress { host: string; port: number }

export interface ServerOptions {
  /** TCP addresses to listen on; the first one's port may be 0 (any free port), later ones reuse it when 0. */
  tcp: TcpAddress[];
  /** A Unix domain socket to listen on (mode 0600). */
  socketPath?: string;
  dataDir?: string;
  logger: StoreLogger;
  ttlSweepMs: number;
  /** Refuse commands from unauthenticated connections (SCRAM-SHA-256). */
  auth: boolean;
  /** Users to create or update before listening, e.g. the first administrator. */
  initialUsers?: { user: string; pwd: string; roles?: unknown[] }[];
  /** Extra command handlers tried before the store's own (tests: commands that pause). */
  extraHandlers?: Record<string, CommandHandler>;
}

/**
 * Commands that answer the handshake: never queued behind authentication checks, the only ones
 * OP_QUERY still carries, and completed with what only the server knows (see decorateHandshake).
 */
const HANDSHAKE_COMMANDS = new Set(['hello', 'ismaster', 'isMaster']);

interface Connection {
  id: number;
  socket: net.Socket;
  auth: AuthState;
}

export class EmbeddedMongoServer {
  private readonly catalog = new Catalog();
  private readonly cursors = new CursorRegistry();
  private readonly sockets = new Set<net.Socket>();
  private readonly startedAt = new Date();
  private readonly servers: net.Server[] = [];
  private users: UserStore | undefined;
  private journal: Journal | undefined;
  private lock: DataDirLock | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private nextConnectionId = 1;
  private readonly options: ServerOptions;
  /** Where the store actually listens, once started. */
  readonly tcp: TcpAddress[] = [];
  socketPath: string | undefined;

  constructor(options: ServerOptions) {
    this.options = options;
  }

  get host(): string {
    return this.tcp[0]?.host ?? '';
  }

  get port(): number {
    return this.tcp[0]?.port ?? 0;
  }

  async start(): Promise<void> {
    const { dataDir, logger } = this.options;
    if (dataDir) {
      await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
      // Journal, users and socket are private to the account running the store.
      await fs.chmod(dataDir, 0o700);
      // The lock comes first: nothing may read or rewrite the journal another process is appending to.
      this.lock = await DataDirLock.acquire(dataDir);
      try {
        this.journal = new Journal(dataDir, () => this.catalog.snapshotRecords());
        const records = await this.journal.read(logger);
        for (const record of records) this.catalog.apply(record);
        await this.journal.open();
        await restrictFiles(dataDir);
      } catch (error) {
        await this.lock.release();
        throw error;
      }
    }
    try {
      this.users = await UserStore.open(dataDir);
      for (const user of this.options.initialUsers ?? []) await this.users.upsert('admin', user.user, user.pwd, user.roles ?? ['root']);
      await this.listen();
    } catch (error) {
      await this.closeListeners();
      await this.journal?.close();
      await this.lock?.release();
      throw error;
    }
    await this.lock?.publish(this.owner());
    this.sweepTimer = setInterval(() => this.sweep(), this.options.ttlSweepMs);
    this.sweepTimer.unref();
  }

  private owner(): LockOwner {
    const owner: LockOwner = { pid: process.pid, host: this.host, port: this.port };
    if (this.socketPath) owner.socket = this.socketPath;
    return owner;
  }

  private async listen(): Promise<void> {
    let port = this.options.tcp[0]?.port ?? 0;
    for (const address of this.options.tcp) {
      const server = this.createServer();
      const bound = await listenOn(server, { host: address.host, port: address.port || port });
      port = (bound as net.AddressInfo).port;
      this.tcp.push({ host: address.host, port });
    }
    if (this.options.socketPath) {
      const socketPath = this.options.socketPath;
      // A socket file left at the path is a dead store's (a live one answered the lock's probe);
      // anything else there is somebody's file, and is never removed.
      await removeStaleSocket(socketPath);
      await listenOn(this.createServer(), { path: socketPath });
      await fs.chmod(socketPath, 0o600);
      this.socketPath = socketPath;
    }
  }

  private createServer(): net.Server {
    const server = net.createServer((socket) => this.accept(socket));
    server.on('error', (error) => this.options.logger.error(`embedded-mongo: listener error: ${error.message}`));
    this.servers.push(server);
    return server;
  }

  private accept(socket: net.Socket): void {
    const connection: Connection = {
      id: this.nextConnectionId++,
      socket,
      // The localhost exception (first user) is offered on loopback and the Unix socket only, as mongod does.
      auth: new AuthState(isLocalConnection(socket)),
    };
    const framer = new MessageFramer();
    let queue = Promise.resolve();
    this.sockets.add(socket);
    if (socket.remoteAddress !== undefined) socket.setNoDelay(true);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      let messages: Buffer[];
      try {
        messages = framer.push(chunk);
      } catch (error) {
        this.closeConnection(connection, error);
        return;
      }
      for (const message of messages) {
        // Replies leave in request order, and a write is durable before the connection's next command runs.
        queue = queue
          .then(() => (socket.destroyed ? undefined : this.handle(connection, message)))
          .catch((error: unknown) => {
            this.options.logger.error(`embedded-mongo: connection ${connection.id}: ${(error as Error)?.stack ?? String(error)}`);
            socket.destroy();
          });
      }
    });
  }

  private closeConnection(connection: Connection, error: unknown): void {
    this.options.logger.warn(`embedded-mongo: closing connection ${connection.id}: ${(error as Error)?.message ?? String(error)}`);
    connection.socket.destroy();
  }

  private async handle(connection: Connection, message: Buffer): Promise<void> {
    let request: ParsedCommand;
    try {
      request = parseMessage(message);
    } catch (error) {
      this.closeConnection(connection, error);
      return;
    }
    let reply: Document;
    try {
      reply = { ...(await this.execute(connection, request)), ok: 1 };
    } catch (error) {
      reply = errorToReply(error);
      if (!(error instanceof CommandError)) this.options.logger.error(`embedded-mongo: ${(error as Error)?.stack ?? String(error)}`);
    }
    // Taken even after a failure: an ordered insert may have applied some documents before failing.
    const records = this.catalog.takePending();
    if (this.journal && records.length > 0) {
      try {
        await this.journal.append(records);
      } catch (error) {
        this.options.logger.error(`embedded-mongo: journal write failed: ${(error as Error).message}`);
        reply = { ok: 0, errmsg: `journal write failed: ${(error as Error).message}`, code: 1, codeName: 'InternalError' };
      }
    }
    const socket = connection.socket;
    if (request.moreToCome || socket.destroyed) return;
    const requestId = request.header.requestId;
    const encode = request.legacy ? encodeOpReply : encodeOpMsgReply;
    let bytes: Buffer;
    try {
      bytes = encode(requestId, reply);
    } catch (error) {
      // e.g. a reply over the BSON size limit: answer with the error instead of dropping the request.
      bytes = encode(requestId, { ok: 0, errmsg: `could not encode the reply: ${(error as Error).message}`, code: 10334, codeName: 'BSONObjectTooLarge' });
    }
    socket.write(bytes);
  }

  private async execute(connection: Connection, request: ParsedCommand): Promise<Document> {
    const command = request.command;
    const name = commandName(command);
    if (request.legacy && !HANDSHAKE_COMMANDS.has(name)) {
      throw new CommandError('UnsupportedOpQueryCommand', `Unsupported OP_QUERY command: ${name}. The client driver may require an upgrade. For more details see https://dochub.mongodb.org/core/legacy-opcode-removal`);
    }
    if (!request.database) throw new CommandError(40571, 'OP_MSG requests require a $db argument');
    const users = this.users!;
    const authHandler = authCommandHandler(name);
    if (this.options.auth && requiresAuthentication(name)) this.authorize(connection, name, command, request.database);
    if (authHandler) return authHandler(command, { db: request.database, users, auth: connection.auth });

    const context: CommandContext = { catalog: this.catalog, cursors: this.cursors, db: request.database, connectionId: connection.id, startedAt: this.startedAt };
    const started = performance.now();
    const limits = this.limitsFor(name, command, started);
    if (limits.deadline !== undefined && limits.deadline <= started) throw this.expire(name, command);
    const extra = this.options.extraHandlers;
    const handler = extra && Object.hasOwn(extra, name) ? extra[name]! : runCommand;
    try {
      const outcome = handler(command, context);
      const reply = isCommandRun(outcome) ? await driveCommand(outcome, limits) : outcome;
      this.carryTimeLimit(name, command, reply, limits, started);
      if (name === 'connectionStatus') return this.withAuthInfo(connection, reply);
      return HANDSHAKE_COMMANDS.has(name) ? await this.decorateHandshake(connection, command, reply) : reply;
    } catch (error) {
      if (error instanceof CommandError && error.code === 50) this.expire(name, command);
      throw error;
    }
  }

  /** Throws 13 Unauthorized unless the connection's user may run the command (only with auth on). */
  private authorize(connection: Connection, name: string, command: Document, db: string): void {
    const users = this.users!;
    const user = connection.auth.authenticatedUser();
    if (!user) {
      // The localhost exception: with no user yet, a local client may create the first one.
      const firstUser = name === 'createUser' && db === 'admin' && connection.auth.local && !users.hasUsers();
      if (!firstUser) throw new CommandError('Unauthorized', `Command ${name} requires authentication`);
      return;
    }
    // Anyone may look themselves up, as in mongod.
    const self = name === 'usersInfo' && db === user.db && (command.usersInfo === user.user || (isPlainObject(command.usersInfo) && command.usersInfo.user === user.user && command.usersInfo.db === user.db));
    const roles = users.find(user.db, user.user)?.roles ?? [];
    if (!self && !isAuthorized(roles, name, command, db)) throw new CommandError('Unauthorized', notAuthorizedMessage(db, name, command));
  }

  /** A command's maxTimeMS; a getMore is bounded by what is left of its cursor's. */
  private limitsFor(name: string, command: Document, started: number): RunLimits {
    if (name === 'getMore') {
      const id = cursorIdOf(command.getMore);
      const left = id !== undefined ? this.cursors.timeLeft(id) : undefined;
      return left === undefined ? {} : { deadline: started + left };
    }
    const maxTimeMS = requestedMaxTimeMS(command);
    return maxTimeMS === undefined ? {} : { deadline: started + maxTimeMS };
  }

  private carryTimeLimit(name: string, command: Document, reply: Document, limits: RunLimits, started: number): void {
    const now = performance.now();
    if (name === 'getMore') {
      const id = cursorIdOf(command.getMore);
      if (id !== undefined) this.cursors.chargeTime(id, now - started);
      return;
    }
    if (limits.deadline === undefined) return;
    const id = cursorIdOf((reply.cursor as Document | undefined)?.id);
    if (id !== undefined && id !== 0n) this.cursors.limitTime(id, limits.deadline - now);
  }

  /** A cursor whose time ran out is killed, as mongod kills it. */
  private expire(name: string, command: Document): CommandError {
    if (name === 'getMore') {
      const id = cursorIdOf(command.getMore);
      if (id !== undefined) this.cursors.kill(id);
    }
    return maxTimeExpired();
  }

  /** connectionStatus reports who is logged in on the connection, which only the server knows. */
  private withAuthInfo(connection: Connection, reply: Document): Document {
    const user = connection.auth.authenticatedUser();
    const roles = user ? (this.users?.find(user.db, user.user)?.roles ?? []) : [];
    return { ...reply, authInfo: { authenticatedUsers: user ? [user] : [], authenticatedUserRoles: roles } };
  }

  /**
   * What only the server knows for a handshake: hello may ask which SASL mechanisms a user has
   * (saslSupportedMechs) and carry the first SCRAM step (speculativeAuthenticate, which saves the
   * driver a round trip, as mongod answers it).
   */
  private async decorateHandshake(connection: Connection, command: Document, reply: Document): Promise<Document> {
    let decorated = reply;
    if (typeof command.saslSupportedMechs === 'string') {
      const [db, ...rest] = command.saslSupportedMechs.split('.');
      if (this.users?.find(db ?? '', rest.join('.'))) decorated = { ...decorated, saslSupportedMechs: ['SCRAM-SHA-256'] };
    }
    const speculative = command.speculativeAuthenticate as Document | undefined;
    if (speculative && typeof speculative === 'object' && speculative.saslStart !== undefined && speculative.mechanism === 'SCRAM-SHA-256') {
      const db = typeof speculative.db === 'string' ? speculative.db : 'admin';
      try {
        const first = await authCommandHandler('saslStart')!(speculative, { db, users: this.users!, auth: connection.auth });
        decorated = { ...decorated, speculativeAuthenticate: first };
      } catch {
        // mongod leaves speculativeAuthenticate out when the first step fails: the driver then runs saslStart itself.
      }
    }
    return decorated;
  }

  private sweep(): void {
    this.cursors.reapIdle();
    if (sweepExpired(this.catalog) === 0) return;
    const records = this.catalog.takePending();
    this.journal?.append(records).catch((error: Error) => this.options.logger.error(`embedded-mongo: TTL journal write failed: ${error.message}`));
  }

  private async closeListeners(): Promise<void> {
    await Promise.all(this.servers.map((server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()))));
    if (this.socketPath) await removeStaleSocket(this.socketPath);
  }

  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const socket of this.sockets) socket.destroy();
    await this.closeListeners();
    await this.journal?.close();
    await this.lock?.release();
  }
}

function listenOn(server: net.Server, options: net.ListenOptions): Promise<net.AddressInfo | string | null> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options, () => {
      server.off('error', reject);
      resolve(server.address());
    });
  });
}

function isLocalConnection(socket: net.Socket): boolean {
  const address = socket.remoteAddress;
  // A Unix domain socket has no remote address.
  if (address === undefined) return true;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

function cursorIdOf(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (value !== null && typeof value === 'object' && typeof (value as { toBigInt?: unknown }).toBigInt === 'function') {
    return (value as { toBigInt(): bigint }).toBigInt();
  }
  return undefined;
}

/** The journal and lock are created by their owners with default modes; make them private. */
async function restrictFiles(dataDir: string): Promise<void> {
  for (const entry of await fs.readdir(dataDir, { withFileTypes: true })) {
    if (entry.isFile()) await fs.chmod(path.join(dataDir, entry.name), 0o600).catch(() => undefined);
  }
}

/** Removes a Unix socket file; refuses to touch a path that holds anything else. */
async function removeStaleSocket(socketPath: string): Promise<void> {
  let stats;
  try {
    stats = await fs.lstat(socketPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!stats.isSocket()) {
    throw new Error(`${socketPath} exists and is not a socket: choose another socket path (it was left untouched)`);
  }
  await fs.rm(socketPath, { force: true });
}

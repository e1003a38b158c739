// Authentication (saslStart/saslContinue, logout) and user management (createUser, updateUser,
// dropUser, usersInfo), answered by the server itself before command dispatch, with mongod's codes.
// What each built-in role allows is in roles.ts.
import { Binary, UUID, type Document } from 'bson';
import { CommandError } from '../errors';
import { isKnownRole } from './roles';
import { ScramConversation, ScramError } from './scram';
import type { RoleRef, StoredUser, UserStore } from './users';

/** Per-connection authentication state. */
export class AuthState {
  private user: { user: string; db: string } | undefined;
  sasl: { conversation: ScramConversation; db: string; user: string; awaitingEmptyStep: boolean } | undefined;

  /** Loopback or Unix socket: the localhost exception (first user) applies. */
  constructor(readonly local: boolean) {}

  isAuthenticated(): boolean {
    return this.user !== undefined;
  }

  authenticatedUser(): { user: string; db: string } | undefined {
    return this.user;
  }

  login(user: string, db: string): void {
    this.user = { user, db };
  }

  logout(): void {
    this.user = undefined;
  }
}

export interface AuthContext { db: string; users: UserStore; auth: AuthState }
type AuthHandler = (command: Document, context: AuthContext) => Document | Promise<Document>;

/** Commands a connection may run before authenticating (handshake, authentication, liveness). */
const OPEN_COMMANDS = new Set(['hello', 'ismaster', 'isMaster', 'ping', 'buildInfo', 'buildinfo', 'saslStart', 'saslContinue', 'logout', 'endSessions']);

export function requiresAuthentication(commandName: string): boolean {
  return !OPEN_COMMANDS.has(commandName);
}


const authenticationFailed = (): CommandError => new CommandError('AuthenticationFailed', 'Authentication failed.');

function payloadText(payload: unknown): string {
  if (payload instanceof Binary) return Buffer.from(payload.buffer.subarray(0, payload.position)).toString('utf8');
  if (payload instanceof Uint8Array) return Buffer.from(payload).toString('utf8');
  if (typeof payload === 'string') return payload;
  throw new CommandError('TypeMismatch', "BSON field 'payload' is the wrong type, expected type 'binData'");
}

const binaryPayload = (text: string): Binary => new Binary(Buffer.from(text, 'utf8'));

const saslStart: AuthHandler = (command, { db, users, auth }) => {
  const mechanism = command.mechanism;
  if (mechanism !== 'SCRAM-SHA-256') {
    throw new CommandError('MechanismUnavailable', `Received authentication for mechanism ${String(mechanism)} which is not enabled`);
  }
  const clientFirst = payloadText(command.payload);
  const options = command.options as Document | undefined;
  try {
    const { username } = ScramConversation.readUsername(clientFirst);
    const user = users.find(db, username);
    if (!user) throw authenticationFailed();
    const conversation = new ScramConversation();
    const serverFirst = conversation.start(clientFirst, user.credentials['SCRAM-SHA-256']);
    auth.sasl = { conversation, db, user: username, awaitingEmptyStep: options?.skipEmptyExchange !== true };
    return { conversationId: 1, done: false, payload: binaryPayload(serverFirst) };
  } catch (error) {
    auth.sasl = undefined;
    if (error instanceof ScramError) throw authenticationFailed();
    throw error;
  }
};

const saslContinue: AuthHandler = (command, { db, auth }) => {
  const sasl = auth.sasl;
  if (!sasl || command.conversationId === undefined || Number(command.conversationId) !== 1 || sasl.db !== db) {
    auth.sasl = undefined;
    throw new CommandError('ProtocolError', 'No SASL session state found');
  }
  if (sasl.conversation.done) {
    // The empty step a client that did not ask for skipEmptyExchange sends last.
    auth.sasl = undefined;
    auth.login(sasl.user, sasl.db);
    return { conversationId: 1, done: true, payload: binaryPayload('') };
  }
  try {
    const serverFinal = sasl.conversation.finish(payloadText(command.payload));
    if (sasl.awaitingEmptyStep) return { conversationId: 1, done: false, payload: binaryPayload(serverFinal) };
    auth.sasl = undefined;
    auth.login(sasl.user, sasl.db);
    return { conversationId: 1, done: true, payload: binaryPayload(serverFinal) };
  } catch (error) {
    auth.sasl = undefined;
    if (error instanceof ScramError) throw authenticationFailed();
    throw error;
  }
};

const logout: AuthHandler = (_command, { auth }) => {
  auth.logout();
  return {};
};

function requireUserName(command: Document, field: string): string {
  const name = command[field] as unknown;
  if (typeof name !== 'string' || name.length === 0) throw new CommandError('BadValue', `${field} must be a non-empty string naming a user`);
  return name;
}

function parseRoles(value: unknown, db: string, commandName: string): RoleRef[] {
  if (!Array.isArray(value)) throw new CommandError('TypeMismatch', `BSON field '${commandName}.roles' is the wrong type, expected type 'array'`);
  return value.map((entry: unknown) => {
    let ref: RoleRef;
    if (typeof entry === 'string') ref = { role: entry, db };
    else if (entry && typeof entry === 'object' && typeof (entry as Document).role === 'string' && typeof (entry as Document).db === 'string') {
      ref = { role: (entry as Document).role as string, db: (entry as Document).db as string };
    } else throw new CommandError('BadValue', 'Role names must be either strings or objects of the form {role: "roleName", db: "databaseName"}');
    if (!isKnownRole(ref)) throw new CommandError('RoleNotFound', `Could not find role: ${ref.role}@${ref.db}`);
    return ref;
  });
}

function parsePassword(command: Document, db: string): string {
  const pwd = command.pwd as unknown;
  if (pwd === undefined) {
    throw new CommandError('BadValue', "Must provide a 'pwd' field for all user documents, except those with '$external' as the user's source db");
  }
  if (typeof pwd !== 'string') throw new CommandError('TypeMismatch', "BSON field 'pwd' is the wrong type, expected type 'string'");
  if (pwd.length === 0) throw new CommandError('BadValue', 'Password cannot be empty');
  if (db === '$external') throw new CommandError('BadValue', 'Cannot set the password of a user in the $external database');
  return pwd;
}

function checkMechanisms(command: Document): void {
  const mechanisms = command.mechanisms as unknown;
  if (mechanisms === undefined) return;
  if (!Array.isArray(mechanisms) || mechanisms.length === 0) throw new CommandError('BadValue', 'mechanisms field must not be empty');
  for (const mechanism of mechanisms) {
    if (mechanism !== 'SCRAM-SHA-256') {
      throw new CommandError('NotImplemented', `The embedded store only keeps SCRAM-SHA-256 credentials; ${String(mechanism)} is not supported`);
    }
  }
}

function customDataOf(command: Document): Record<string, unknown> | undefined {
  const customData = command.customData as unknown;
  if (customData === undefined) return undefined;
  if (!customData || typeof customData !== 'object' || Array.isArray(customData)) {
    throw new CommandError('TypeMismatch', "BSON field 'customData' is the wrong type, expected type 'object'");
  }
  return customData as Record<string, unknown>;
}

const createUser: AuthHandler = async (command, { db, users }) => {
  const name = requireUserName(command, 'createUser');
  if (command.roles === undefined) throw new CommandError(40414, "BSON field 'createUser.roles' is missing but a required field");
  const roles = parseRoles(command.roles, db, 'createUser');
  const pwd = parsePassword(command, db);
  checkMechanisms(command);
  if (users.find(db, name)) throw new CommandError(51003, `User "${name}@${db}" already exists`);
  await users.create(db, name, pwd, roles, customDataOf(command));
  return {};
};

const updateUser: AuthHandler = async (command, { db, users }) => {
  const name = requireUserName(command, 'updateUser');
  if (command.pwd === undefined && command.roles === undefined && command.customData === undefined) {
    throw new CommandError('BadValue', 'Must specify at least one field to update in updateUser');
  }
  const changes = {
    password: command.pwd === undefined ? undefined : parsePassword(command, db),
    roles: command.roles === undefined ? undefined : parseRoles(command.roles, db, 'updateUser'),
    customData: customDataOf(command),
  };
  checkMechanisms(command);
  if (!users.find(db, name)) throw new CommandError('UserNotFound', `Could not find user "${name}" for db "${db}"`);
  await users.update(db, name, changes);
  return {};
};

const dropUser: AuthHandler = async (command, { db, users }) => {
  const name = requireUserName(command, 'dropUser');
  if (!(await users.drop(db, name))) throw new CommandError('UserNotFound', `User '${name}@${db}' not found`);
  return {};
};

function describeUser(user: StoredUser, showCredentials: boolean): Document {
  const described: Document = {
    _id: user._id,
    userId: new UUID(user.userId),
    user: user.user,
    db: user.db,
    roles: user.roles,
    mechanisms: ['SCRAM-SHA-256'],
  };
  if (user.customData) described.customData = user.customData;
  if (showCredentials) described.credentials = user.credentials;
  return described;
}

const usersInfo: AuthHandler = (command, { db, users }) => {
  const spec = command.usersInfo as unknown;
  const showCredentials = command.showCredentials === true;
  let found: StoredUser[];
  if (spec === 1 || spec === 1.0) found = users.list(db);
  else if (spec && typeof spec === 'object' && !Array.isArray(spec) && (spec as Document).forAllDBs === true) found = users.list();
  else {
    const wanted = Array.isArray(spec) ? spec : [spec];
    found = wanted.flatMap((entry: unknown) => {
      if (typeof entry === 'string') return users.find(db, entry) ?? [];
      if (entry && typeof entry === 'object' && typeof (entry as Document).user === 'string' && typeof (entry as Document).db === 'string') {
        return users.find((entry as Document).db as string, (entry as Document).user as string) ?? [];
      }
      throw new CommandError('BadValue', 'User and role names must be either strings or objects');
    });
  }
  return { users: found.map((user) => describeUser(user, showCredentials)) };
};

const HANDLERS: Record<string, AuthHandler> = { saslStart, saslContinue, logout, createUser, updateUser, dropUser, usersInfo };

/** The handler for an authentication or user-management command, or undefined for any other command. */
export function authCommandHandler(commandName: string): AuthHandler | undefined {
  return Object.hasOwn(HANDLERS, commandName) ? HANDLERS[commandName] : undefined;
}

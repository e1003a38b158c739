// What the built-in roles allow, close to mongod's built-in roles: each command needs one kind of
// action on its database, each role grants some kinds on its database (or, for the *AnyDatabase
// roles, root and the cluster roles, on every database). A command the table does not know needs root.
import type { Document } from 'bson';
import type { RoleRef } from './users';

type Action = 'read' | 'write' | 'createDrop' | 'dbAdmin' | 'userAdmin' | 'clusterMonitor' | 'authenticated';

const COMMAND_ACTIONS: Record<string, Action> = {
  find: 'read', getMore: 'read', killCursors: 'read', count: 'read', distinct: 'read', aggregate: 'read',
  listCollections: 'read', listIndexes: 'read', dbStats: 'read', collStats: 'read',
  insert: 'write', update: 'write', delete: 'write', findAndModify: 'write', findandmodify: 'write',
  create: 'createDrop', drop: 'createDrop', createIndexes: 'createDrop', dropIndexes: 'createDrop', deleteIndexes: 'createDrop',
  renameCollection: 'createDrop',
  collMod: 'dbAdmin', dropDatabase: 'dbAdmin', planCacheClear: 'dbAdmin',
  createUser: 'userAdmin', updateUser: 'userAdmin', dropUser: 'userAdmin', usersInfo: 'userAdmin',
  serverStatus: 'clusterMonitor', hostInfo: 'clusterMonitor', getCmdLineOpts: 'clusterMonitor', getParameter: 'clusterMonitor',
  // mongod lets any authenticated user list databases (authorizedDatabases) and manage its own sessions.
  listDatabases: 'authenticated', connectionStatus: 'authenticated', whatsmyuri: 'authenticated',
  endSessions: 'authenticated', killSessions: 'authenticated', killAllSessions: 'authenticated',
  refreshSessions: 'authenticated', startSession: 'authenticated', logout: 'authenticated',
};

interface Grant { actions: readonly Action[]; anyDatabase: boolean }

const READ: Action[] = ['read'];
const READ_WRITE: Action[] = ['read', 'write', 'createDrop'];
const DB_ADMIN: Action[] = ['dbAdmin', 'createDrop'];
const EVERYTHING: Action[] = ['read', 'write', 'createDrop', 'dbAdmin', 'userAdmin', 'clusterMonitor'];

const ROLE_GRANTS: Record<string, Grant> = {
  read: { actions: READ, anyDatabase: false },
  readWrite: { actions: READ_WRITE, anyDatabase: false },
  dbAdmin: { actions: [...DB_ADMIN, 'read'], anyDatabase: false },
  userAdmin: { actions: ['userAdmin'], anyDatabase: false },
  dbOwner: { actions: [...READ_WRITE, 'dbAdmin', 'userAdmin'], anyDatabase: false },
  readAnyDatabase: { actions: READ, anyDatabase: true },
  readWriteAnyDatabase: { actions: READ_WRITE, anyDatabase: true },
  dbAdminAnyDatabase: { actions: [...DB_ADMIN, 'read'], anyDatabase: true },
  userAdminAnyDatabase: { actions: ['userAdmin'], anyDatabase: true },
  clusterMonitor: { actions: ['clusterMonitor'], anyDatabase: true },
  clusterManager: { actions: ['clusterMonitor'], anyDatabase: true },
  clusterAdmin: { actions: ['clusterMonitor', 'dbAdmin'], anyDatabase: true },
  hostManager: { actions: ['clusterMonitor'], anyDatabase: true },
  backup: { actions: ['read', 'clusterMonitor'], anyDatabase: true },
  restore: { actions: ['write', 'createDrop'], anyDatabase: true },
  root: { actions: EVERYTHING, anyDatabase: true },
};

/** Role names createUser accepts, and whether they exist only in the admin database. */
export function isKnownRole(role: RoleRef): boolean {
  const grant = ROLE_GRANTS[role.role];
  if (!grant) return false;
  return !grant.anyDatabase || role.db === 'admin';
}

/** The action an aggregation needs: $out and $merge write. */
function actionFor(commandName: string, command: Document): Action | undefined {
  if (commandName === 'aggregate' && Array.isArray(command.pipeline)) {
    const writes = (command.pipeline as unknown[]).some((stage) => stage !== null && typeof stage === 'object' && ('$out' in stage || '$merge' in stage));
    if (writes) return 'write';
  }
  return Object.hasOwn(COMMAND_ACTIONS, commandName) ? COMMAND_ACTIONS[commandName] : undefined;
}

/** Whether a user holding `roles` may run `command` on `db`. */
export function isAuthorized(roles: readonly RoleRef[], commandName: string, command: Document, db: string): boolean {
  const action = actionFor(commandName, command);
  if (action === 'authenticated') return true;
  return roles.some((role) => {
    const grant = ROLE_GRANTS[role.role];
    if (!grant || (grant.anyDatabase && role.db !== 'admin')) return false;
    if (action === undefined) return role.role === 'root';
    // renameCollection runs on admin but acts on the database its namespaces name.
    const target = commandName === 'renameCollection' && typeof command.renameCollection === 'string' ? command.renameCollection.split('.')[0]! : db;
    return grant.actions.includes(action) && (grant.anyDatabase || role.db === target);
  });
}

/** mongod's wording: `not authorized on app to execute command { find: "things", ... }`. */
export function notAuthorizedMessage(db: string, commandName: string, command: Document): string {
  const first = JSON.stringify(command[commandName] ?? null);
  return `not authorized on ${db} to execute command { ${commandName}: ${first}, $db: "${db}" }`;
}

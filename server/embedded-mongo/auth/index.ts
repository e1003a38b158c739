// Authentication for the store: SCRAM-SHA-256 and the user-management commands.
export { AuthState, authCommandHandler, requiresAuthentication, type AuthContext } from './commands';
export { createScramCredentials, ScramConversation, SCRAM_SHA_256_ITERATIONS, type ScramCredentials } from './scram';
export { UserStore, USERS_FILE, type StoredUser, type RoleRef } from './users';
export { isAuthorized, isKnownRole, notAuthorizedMessage } from './roles';

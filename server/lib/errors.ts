// Typed errors. Services throw these; only the error middleware turns them into a status code.
export class AppError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    /** Expected errors are the caller's fault and are not logged as failures. */
    readonly expected = true,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found', code = 'not_found') {
    super(message, 404, code);
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: unknown, code = 'validation_failed') {
    super(message, 400, code, true, details);
  }
}

export class UnprocessableError extends AppError {
  constructor(message: string, details?: unknown, code = 'unprocessable') {
    super(message, 422, code, true, details);
  }
}

/** The caller is not signed in (or its token is not valid): who they are is unknown. */
export class UnauthorizedError extends AppError {
  constructor(message = 'Sign in first', code = 'unauthenticated') {
    super(message, 401, code);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(
    message: string,
    /** Whole seconds the caller should wait, sent as Retry-After. */
    readonly retryAfterSeconds: number,
    code = 'rate_limited',
  ) {
    super(message, 429, code);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Forbidden', code = 'forbidden') {
    super(message, 403, code);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code = 'conflict') {
    super(message, 409, code);
  }
}

export class GoneError extends AppError {
  constructor(message: string, code = 'gone') {
    super(message, 410, code);
  }
}

/**
 * The database cannot be reached (down, restarting, or a replica set electing a primary): nothing
 * the caller did, and nothing was stored. Answered 503 with Retry-After; normaliseError
 * (error-handlers.ts) is the one place that recognises the driver's and mongoose's errors as this.
 */
export class DatabaseUnavailableError extends AppError {
  constructor(
    /** Whole seconds before a retry has a fair chance: about how long the app takes to notice the return. */
    readonly retryAfterSeconds = 2,
  ) {
    super('The database is unavailable; nothing was saved. Try again shortly.', 503, 'database_unavailable', false);
  }
}

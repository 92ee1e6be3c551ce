/**
 * The one error hierarchy of flyops. Every failure a person can act on is a FlyopsError:
 * a one-line message, a hint naming the fix, and the exit code the CLI maps it to.
 * Anything else that escapes to the CLI is a bug and is reported as one.
 */
export type ExitCode = 0 | 1 | 2 | 130;

export interface FlyopsErrorOptions {
  hint?: string;
  exitCode?: ExitCode;
  cause?: unknown;
}

export class FlyopsError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: ExitCode;

  constructor(message: string, options: FlyopsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** The person asked for something malformed: a bad flag, an unreadable file, a missing argument. Exit 2. */
export class UsageError extends FlyopsError {
  constructor(message: string, options: Omit<FlyopsErrorOptions, "exitCode"> = {}) {
    super(message, { ...options, exitCode: 2 });
  }
}

/** Configuration is missing or invalid (no token, bad config file). Exit 1. */
export class ConfigError extends FlyopsError {}

/** The person (or the policy, on their behalf) declined an operation. Exit 1. */
export class RefusedError extends FlyopsError {}

/** The person pressed Ctrl-C: the message says what was interrupted, the hint how to go on. Exit 130. */
export class InterruptedError extends FlyopsError {
  constructor(message: string, options: Omit<FlyopsErrorOptions, "exitCode"> = {}) {
    super(message, { ...options, exitCode: 130 });
  }
}

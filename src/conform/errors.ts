/**
 * How a case ends decides its verdict: a NonConformance is the target breaking a
 * requirement (FAIL or NON-STRICT by level); a SuiteError means the case could not
 * run (ERROR); Unsupported marks a MAY the target does not offer.
 */
export class NonConformance extends Error {
  override name = 'NonConformance';
}

export class SuiteError extends Error {
  override name = 'SuiteError';
}

/** The target refused or dropped the connection before the case could start. */
export class TargetUnreachableError extends SuiteError {
  override name = 'TargetUnreachableError';
}

export class Unsupported extends Error {
  override name = 'Unsupported';
}

/** Exception type names (as cucumber reports them) that make a case ERROR, not FAIL. */
export const ERROR_TYPES = new Set(['SuiteError', 'TargetUnreachableError']);

/** Bad command line, unknown protocol or tag, or an empty selection: exit 3. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** srs.json failed its schema, or names an id twice: the run stops with exit 3. */
export class InvalidSrsError extends Error {
  override name = 'InvalidSrsError';
}

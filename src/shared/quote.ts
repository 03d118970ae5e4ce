// Quoting what a user sent back to them (error messages, logs): only short, plain values are repeated,
// so a pasted credential or a megabyte of text never travels back or into a log (issue 19).

/** Looks like a key or token (sk-…, AKIA…, a JWT's eyJ…): never repeated. */
export const KEY_PREFIX = /^(?:sk|pk|rk|tok|key|api|token|bearer|akia|asia|eyj)[-_]?[a-z0-9]/i;

/**
 * A user-supplied string as an error message may quote it: short, plain values in quotes; anything
 * long, unusual or key-like only described, so a pasted credential or a megabyte is never echoed back.
 */
export function quoteUser(value: string, max = 64): string {
  if (value.length <= max && /^[\w .:/@+-]*$/.test(value) && !KEY_PREFIX.test(value)) return `'${value}'`;
  return `(a ${value.length}-character value, not repeated here)`;
}

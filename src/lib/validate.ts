import { BadUserInputError } from "./errors";

/** Rejects strings over the column's length, naming the input field, before any write. */
export function checkMaxLength(value: string | null | undefined, max: number, field: string): void {
  if (value != null && value.length > max) {
    throw new BadUserInputError(field, `${field} must be at most ${max} characters`);
  }
}

export function checkNotBlank(value: string | null | undefined, field: string): string {
  const trimmed = value?.trim();
  if (!trimmed) throw new BadUserInputError(field, `${field} must not be empty`);
  return trimmed;
}

/** For PATCH inputs: an explicit null is refused where the column cannot be null. */
export function checkNotNull<T>(value: T | null | undefined, field: string): T | undefined {
  if (value === null) throw new BadUserInputError(field, `${field} cannot be null`);
  return value;
}

/** A patch without the fields the client left out (undefined), keeping explicit nulls. */
export function withoutUndefined<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(changes).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

/**
 * A NUL, which Postgres text cannot hold (22021), or an unpaired UTF-16 surrogate, which has no
 * UTF-8 encoding: strings the database would refuse mid-statement, or store as U+FFFD.
 */
// eslint-disable-next-line no-control-regex -- the NUL is what this looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with a string no column may store, else null. */
export function unstorableCharacterIn(value: string): string | null {
  const match = UNSTORABLE.exec(value);
  if (!match) return null;
  return match[0] === "\u0000" ? "a NUL character" : "an unpaired UTF-16 surrogate";
}

/** Whether a JSON-like value holds a string no column may store: no allocation, no paths. */
function holdsUnstorableString(value: unknown): boolean {
  if (typeof value === "string") return UNSTORABLE.test(value);
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      if (holdsUnstorableString(value[index])) return true;
    }
    return false;
  }
  for (const key in value) {
    if (holdsUnstorableString((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/**
 * The first string in a JSON-like value that no column may store, as a dot path from `path`.
 * Every request's inputs pass through here and almost none hold one: a plain scan first, and the
 * paths only for a value that does.
 */
export function findUnstorableString(
  value: unknown,
  path: string,
): { field: string; problem: string } | null {
  return holdsUnstorableString(value) ? locateUnstorableString(value, path) : null;
}

function locateUnstorableString(
  value: unknown,
  path: string,
): { field: string; problem: string } | null {
  if (typeof value === "string") {
    const problem = unstorableCharacterIn(value);
    return problem ? { field: path, problem } : null;
  }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const found = locateUnstorableString(value[index], `${path}.${index}`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      const found = locateUnstorableString(inner, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return null;
}

/** BAD_USER_INPUT naming the first string in `value` that no column may store. */
export function checkStorableStrings(value: unknown, path: string): void {
  const found = findUnstorableString(value, path);
  if (found) {
    throw new BadUserInputError(found.field, `${found.field} must not contain ${found.problem}`);
  }
}

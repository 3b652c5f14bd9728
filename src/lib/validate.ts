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

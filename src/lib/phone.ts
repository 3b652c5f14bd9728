import {
  isSupportedCountry,
  parsePhoneNumberFromString,
  type CountryCode,
  type PhoneNumber,
} from "libphonenumber-js/max";
import { BadUserInputError } from "./errors";

/** The first of the candidates that is an ISO 3166 region libphonenumber knows (contact, organization, config). */
export function resolveRegion(
  ...candidates: (string | null | undefined)[]
): CountryCode | undefined {
  for (const candidate of candidates) {
    const region = candidate?.trim().toUpperCase();
    if (region && isSupportedCountry(region)) return region;
  }
  return undefined;
}

function parseValid(input: string, region: CountryCode | undefined): PhoneNumber | undefined {
  const parsed = parsePhoneNumberFromString(input, region);
  return parsed?.isValid() ? parsed : undefined;
}

/**
 * Recently normalized numbers by region and input: parsing with the full metadata is a visible
 * share of a consent event's CPU, and the same numbers come back again and again.
 */
const normalized = new Map<string, string>();
const NORMALIZED_CACHE_SIZE = 10_000;

/**
 * Reads a phone number in any common format ("+45 71 99 99 99", "71999999", "(415) 555-2671",
 * "4571999999") and returns it in E.164. A digits-only number that is not valid in the region
 * is retried as international, as seed 004 writes numbers with their country code and no "+".
 */
export function normalizePhoneNumber(
  input: string,
  region: CountryCode | undefined,
  field: string,
): string {
  const trimmed = input.trim();
  const cacheKey = `${region ?? ""}|${trimmed}`;
  const known = normalized.get(cacheKey);
  if (known) return known;
  const parsed =
    parseValid(trimmed, region) ??
    (/^[\d\s().-]+$/.test(trimmed)
      ? parseValid(`+${trimmed.replace(/\D/g, "")}`, undefined)
      : undefined);
  if (!parsed) {
    throw new BadUserInputError(field, `${field} "${input}" is not a valid phone number`);
  }
  if (normalized.size >= NORMALIZED_CACHE_SIZE) normalized.clear();
  normalized.set(cacheKey, parsed.number);
  return parsed.number;
}

/** National rendering for display, e.g. "+4571999999" → "71 99 99 99" (seed 004 number_formatted). */
export function formatPhoneNational(e164: string | null | undefined): string | null {
  if (!e164) return null;
  return parsePhoneNumberFromString(e164)?.formatNational() ?? e164;
}

/** The region a stored E.164 number belongs to, e.g. for its time zone. */
export function phoneRegion(e164: string): CountryCode | undefined {
  return parsePhoneNumberFromString(e164)?.country;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalizeEmail(input: string, field: string): string {
  const email = input.trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > 255) {
    throw new BadUserInputError(field, `${field} "${input}" is not a valid email address`);
  }
  return email;
}

/**
 * A consent value as CONSENT.md keys it: an email lower-cased, anything else read as a phone
 * number and stored in E.164.
 */
export function normalizeContactValue(
  input: string,
  region: CountryCode | undefined,
  field: string,
): string {
  return input.includes("@")
    ? normalizeEmail(input, field)
    : normalizePhoneNumber(input, region, field);
}

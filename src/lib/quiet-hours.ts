import regionTimeZones from "./region-time-zones.json";

/** Marketing texts are held outside 08:00–21:00 local time (TCPA, 47 CFR 64.1200(c)(1)). */
export const QUIET_HOURS_START = 21;
export const QUIET_HOURS_END = 8;

const STEP_MS = 5 * 60_000;
const HORIZON_MS = 3 * 24 * 3_600_000;

function localHour(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hour: "numeric",
    hourCycle: "h23",
  }).formatToParts(at);
  return Number(parts.find((part) => part.type === "hour")?.value ?? 0);
}

/**
 * The time zones a recipient may be in: their own when known, else every zone of their number's
 * region (a US number could be in Honolulu or New York), else none.
 */
export function recipientTimeZones(
  timeZone: string | null | undefined,
  region: string | undefined,
): string[] {
  if (timeZone) return [timeZone];
  return region ? ((regionTimeZones as Record<string, string[]>)[region] ?? []) : [];
}

/** True when it is 08:00–21:00 in every zone the recipient may be in. */
export function isWithinSendingHours(at: Date, timeZones: string[]): boolean {
  return timeZones.every((zone) => {
    const hour = localHour(at, zone);
    return hour >= QUIET_HOURS_END && hour < QUIET_HOURS_START;
  });
}

/** The first moment, on a five-minute grid from `from`, when sending is allowed in every zone. */
export function nextSendingTime(from: Date, timeZones: string[]): Date {
  if (isWithinSendingHours(from, timeZones)) return from;
  const start = Math.ceil(from.getTime() / STEP_MS) * STEP_MS;
  for (let time = start; time < from.getTime() + HORIZON_MS; time += STEP_MS) {
    if (isWithinSendingHours(new Date(time), timeZones)) return new Date(time);
  }
  return new Date(from.getTime() + HORIZON_MS);
}

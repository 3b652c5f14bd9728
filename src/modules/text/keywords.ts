/**
 * Keyword detection on inbound texts, exactly as CONSENT.md specifies it.
 * STOP words: Twilio's Advanced Opt-Out list plus the FCC's named words (47 CFR 64.1200(a)(10)).
 */
export type InboundIntent = "STOP" | "START" | "HELP" | "SUSPECTED_STOP" | "OTHER";

const STOP_WORDS = new Set([
  "STOP",
  "STOPALL",
  "STOP ALL",
  "UNSUBSCRIBE",
  "CANCEL",
  "END",
  "QUIT",
  "REVOKE",
  "OPTOUT",
  "OPT OUT",
  "OPT-OUT",
]);
const START_WORDS = new Set(["START", "UNSTOP"]);
const HELP_WORDS = new Set(["HELP", "INFO"]);

/**
 * Inside a longer message only unambiguous opt-out words and phrases count: "cancel", "end" and
 * "quit" are left out there, since "I need to cancel my appointment" is no revocation.
 */
const SUSPECTED_STOP =
  /\b(STOP|UNSUBSCRIBE|OPT[\s-]?OUT|REVOKE|REMOVE ME|DO NOT (TEXT|MESSAGE|CONTACT)|DON'?T (TEXT|MESSAGE|CONTACT)|NO MORE (TEXTS|MESSAGES))\b/;

/** NFKC, trimmed, upper-cased, surrounding punctuation and emoji stripped, inner spaces collapsed. */
export function normalizeInboundText(body: string): string {
  return body
    .normalize("NFKC")
    .toUpperCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/^[\p{P}\p{S}\p{Z}\s]+|[\p{P}\p{S}\p{Z}\s]+$/gu, "")
    .replace(/\s+/g, " ");
}

export interface ClassifyOptions {
  /** A double opt-in confirmation is pending for another purpose: YES answers that, not consent. */
  yesAnswersAnotherRequest?: boolean;
}

export function classifyInboundText(body: string, options: ClassifyOptions = {}): InboundIntent {
  const text = normalizeInboundText(body);
  if (STOP_WORDS.has(text)) return "STOP";
  if (START_WORDS.has(text)) return "START";
  if (text === "YES") return options.yesAnswersAnotherRequest ? "OTHER" : "START";
  if (HELP_WORDS.has(text)) return "HELP";
  if (SUSPECTED_STOP.test(text)) return "SUSPECTED_STOP";
  return "OTHER";
}

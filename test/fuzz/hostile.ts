import type { Random } from "./random";

/** How an operation's values are drawn. */
export type ValueMood = "normal" | "hostile" | "illTyped";

const HOSTILE_STRINGS = [
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udfffy",
  "\udc00\ud800",
  "\u202eevil\u202c",
  "\u200b\u200c\u200d\ufeff",
  "مرحبا بالعالم",
  "'; drop table contacts; --",
  "' or '1'='1",
  "1; select pg_sleep(10)",
  "$1",
  "%s%n%x",
  "${jndi:ldap://x/a}",
  "{{7*7}}",
  "<script>alert(1)</script>",
  "../../etc/passwd",
  "😀👨‍👩‍👧‍👦🏳️‍🌈",
  "\\",
  '"',
  "\r\n\r\n",
  "",
  " ",
  "NaN",
  "-0",
  "+",
  "+1",
  "+999999999999999999999",
  "00000000-0000-0000-0000-000000000000",
  "__proto__",
  "constructor",
];

/** A string meant to break something: control characters, lone surrogates, SQL, sheer size. */
export function hostileString(random: Random): string {
  const roll = random.next();
  if (roll < 0.04) return "x".repeat(random.pick([10_000, 100_000, 400_000]));
  if (roll < 0.08) return "😀".repeat(random.pick([1_000, 20_000]));
  if (roll < 0.15) {
    return Array.from({ length: random.int(1, 40) }, () =>
      String.fromCharCode(random.int(0, 0xffff)),
    ).join("");
  }
  const base = random.pick(HOSTILE_STRINGS);
  return random.chance(0.3) ? `+1415555${base}0123` : base;
}

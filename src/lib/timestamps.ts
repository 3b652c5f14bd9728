/**
 * `new Date(text)` for the text PostgreSQL writes for a timestamptz, without V8's general date
 * parser: `YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM]` (DateStyle ISO) or the same with a `T` (inside
 * json). Fractions beyond milliseconds are cut off, as V8 does; any other text (years before 100
 * or after 9999, BC, offsets with seconds, infinity) goes to `new Date(text)` itself.
 */
export function parseTimestamptz(text: string): Date {
  const length = text.length;
  if (length < 22 || (text.charCodeAt(10) !== 32 && text.charCodeAt(10) !== 84)) {
    return new Date(text);
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (
    year < 100 ||
    month < 0 ||
    day < 0 ||
    hour < 0 ||
    minute < 0 ||
    second < 0 ||
    text.charCodeAt(4) !== 45 ||
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58
  ) {
    return new Date(text);
  }
  let index = 19;
  let milliseconds = 0;
  if (text.charCodeAt(index) === 46) {
    index += 1;
    let scale = 100;
    for (let code = text.charCodeAt(index); code >= 48 && code <= 57;) {
      milliseconds += (code - 48) * scale;
      scale = scale / 10 >= 1 ? scale / 10 : 0;
      index += 1;
      code = text.charCodeAt(index);
    }
  }
  const sign = text.charCodeAt(index) === 43 ? 1 : text.charCodeAt(index) === 45 ? -1 : 0;
  const offsetHours = digits(text, index + 1, 2);
  let offsetMinutes = 0;
  index += 3;
  if (index < length && text.charCodeAt(index) === 58) {
    offsetMinutes = digits(text, index + 1, 2);
    index += 3;
  }
  if (sign === 0 || offsetHours < 0 || offsetMinutes < 0 || index !== length) {
    return new Date(text);
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, milliseconds);
  return new Date(utc - sign * (offsetHours * 60 + offsetMinutes) * 60_000);
}

/** The decimal number in text[start, start + count), or -1 unless all are digits. */
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let index = start; index < start + count; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) return -1;
    value = value * 10 + code - 48;
  }
  return value;
}

import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Twilio request signing: HMAC-SHA1 over the full URL followed by every POST parameter, sorted by
 * name, as name+value with no separators; base64. Used both to verify webhooks and, by tests'
 * stand-in provider, to sign them.
 */
export function twilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string>,
): string {
  const payload = Object.keys(params)
    .sort()
    .reduce((text, name) => text + name + params[name], url);
  return createHmac("sha1", authToken).update(payload, "utf8").digest("base64");
}

export function isValidTwilioSignature(
  authToken: string,
  signature: string | undefined,
  url: string,
  params: Record<string, string>,
): boolean {
  if (!signature) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

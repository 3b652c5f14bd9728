import { createSecretKey } from "node:crypto";
import { SignJWT } from "jose";
import type { VideoConfig } from "../../config";
import { newId } from "../../lib/ids";

/** The audience video access tokens carry, so they are never mistaken for API bearer tokens. */
export const VIDEO_TOKEN_AUDIENCE = "switchboard-video";

export interface VideoGrant {
  organizationId: string;
  channelId: string;
  participantId: string;
  /** The caller's individual id. */
  identity: string;
}

/**
 * An HS256 access token for one participant in one channel, valid for the configured TTL:
 * `sub` the caller, `channel` the video channel (Twilio's video grant names the room the same way).
 */
export async function signVideoAccessToken(
  config: VideoConfig,
  grant: VideoGrant,
  now: Date = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expiresAt = issuedAt + config.tokenTtlSeconds;
  const token = await new SignJWT({
    org: grant.organizationId,
    channel: grant.channelId,
    participant: grant.participantId,
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(grant.identity)
    .setAudience(VIDEO_TOKEN_AUDIENCE)
    .setJti(newId())
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(createSecretKey(Buffer.from(config.signingKey)));
  return { token, expiresAt: new Date(expiresAt * 1000) };
}

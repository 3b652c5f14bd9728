import type { IncomingMessage } from "node:http";
import { requestLogger } from "../../lib/request-scope";
import type { CredentialThrottle } from "../../auth/credential-throttle";
import type { Config } from "../../config";
import type { Logger } from "../../logger";
import { isUuid } from "../../lib/ids";
import { NotFoundError } from "../../lib/errors";
import { textStatusFromProvider } from "./provider/sms-provider";
import { findUnstorableString } from "../../lib/validate";
import { isValidTwilioSignature } from "./provider/twilio-signature";
import type { TextInboundService } from "./text-inbound.service";
import type { TextService } from "./text.service";

/** A Twilio webhook call as both HTTP paths (node:http and Express) read it. */
export interface TwilioWebhookCall {
  /** The `:organizationId` path segment, decoded. */
  organizationId: string;
  /** The URL Twilio signed (see signedUrl). */
  url: string;
  signature: string | undefined;
  /** The form's parameters with a single string value. */
  params: Record<string, string>;
  /** The callback URL's `text` query parameter (a string only when given once). */
  textParam: unknown;
  /**
   * The request, whose source address (sourceAddressOf) bad signatures count against: read only
   * when one does, since reading it is a system call.
   */
  request: Pick<IncomingMessage, "socket">;
}

/** What a webhook answers: a status and, unless empty, a body of `type` (sent as UTF-8). */
export interface WebhookAnswer {
  status: number;
  type?: "text/plain" | "text/xml" | "application/json";
  body?: string;
  /** Seconds, sent as Retry-After (429). */
  retryAfter?: number;
}

const plain = (status: number, body: string): WebhookAnswer => ({
  status,
  type: "text/plain",
  body,
});

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/** The URL Twilio signed: the configured public origin (behind a proxy) or the one it called. */
export function signedUrl(
  config: Config,
  protocol: string,
  host: string | undefined,
  originalUrl: string,
): string {
  return `${config.publicBaseUrl ?? `${protocol}://${host}`}${originalUrl}`;
}

/**
 * Provider webhooks, as Twilio calls them: form-encoded, signed with X-Twilio-Signature over the
 * configured auth token (401 otherwise; 429 with Retry-After once the source address has sent too
 * many bad signatures), and idempotent on the provider message id.
 */
export class TwilioWebhooks {
  private readonly authToken: string | null;

  constructor(
    readonly config: Config,
    private readonly texts: TextService,
    private readonly inbound: TextInboundService,
    private readonly throttle: CredentialThrottle,
    readonly logger: Logger,
  ) {
    this.authToken = config.sms.provider === "twilio" ? config.sms.authToken : null;
  }

  /** Null when the call is signed and names an organization; else the refusal to answer. */
  private refusal(call: TwilioWebhookCall): WebhookAnswer | null {
    // An unsigned call guesses nothing; a signed one counts against its address when wrong.
    const signed = call.signature !== undefined;
    const retryAfter = signed ? this.throttle.retryAfterSecondsFor(call.request) : 0;
    if (retryAfter > 0) {
      const message = `Too many failed attempts; retry after ${retryAfter} s`;
      return {
        status: 429,
        type: "application/json",
        body: JSON.stringify({ errors: [{ code: "TOO_MANY_REQUESTS", message }] }),
        retryAfter,
      };
    }
    if (
      !this.authToken ||
      !isValidTwilioSignature(this.authToken, call.signature, call.url, call.params)
    ) {
      if (signed) this.throttle.recordFailureOf(call.request);
      return plain(401, "invalid signature");
    }
    if (!isUuid(call.organizationId)) return plain(404, "unknown organization");
    const unstorable = findUnstorableString(call.params, "");
    if (unstorable) return plain(400, `${unstorable.field} must not contain ${unstorable.problem}`);
    return null;
  }

  /** A status callback: moves the text forward (204), or 404 when the message is not ours. */
  async status(call: TwilioWebhookCall): Promise<WebhookAnswer> {
    const refused = this.refusal(call);
    if (refused) return refused;
    const { params } = call;
    const status = textStatusFromProvider(params.MessageStatus ?? "");
    if (!params.MessageSid || !status) {
      return plain(400, "MessageSid and a known MessageStatus are required");
    }
    try {
      const error = params.ErrorCode
        ? `${params.ErrorCode}: ${params.ErrorMessage ?? "provider error"}`
        : null;
      // The dispatcher names the text in the callback URL (covered by the signature).
      const textId = typeof call.textParam === "string" ? call.textParam.toLowerCase() : null;
      if (textId !== null && !isUuid(textId)) return plain(404, "unknown message");
      await this.texts.recordProviderStatus(
        call.organizationId.toLowerCase(),
        { sid: params.MessageSid, textId },
        status,
        error,
      );
      return { status: 204 };
    } catch (error) {
      if (error instanceof NotFoundError) return plain(404, "unknown message");
      requestLogger(this.logger).error({ err: error }, "status callback failed");
      return plain(500, "internal error");
    }
  }

  /** Inbound messages: stored once per MessageSid, keywords feed the consent ledger; answers empty TwiML. */
  async inboundText(call: TwilioWebhookCall): Promise<WebhookAnswer> {
    const refused = this.refusal(call);
    if (refused) return refused;
    const { params } = call;
    if (!params.MessageSid || !params.From || !params.To) {
      return plain(400, "MessageSid, From and To are required");
    }
    try {
      const received = await this.inbound.receive({
        organizationId: call.organizationId.toLowerCase(),
        providerMessageId: params.MessageSid,
        from: params.From,
        to: params.To,
        body: params.Body ?? "",
      });
      if (received === "unknown-number") {
        return plain(404, "no text number of this organization is reached at To");
      }
      return { status: 200, type: "text/xml", body: EMPTY_TWIML };
    } catch (error) {
      requestLogger(this.logger).error({ err: error }, "inbound text failed");
      return plain(500, "internal error");
    }
  }
}

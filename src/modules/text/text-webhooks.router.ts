import express, { type Request, type Response } from "express";
import { authenticate } from "../../auth/bearer";
import { hasAnyRole } from "../../auth/caller";
import type { TokenVerifier } from "../../auth/jwt";
import type { Config } from "../../config";
import type { Logger } from "../../logger";
import { isUuid } from "../../lib/ids";
import { NotFoundError } from "../../lib/errors";
import { textStatusFromProvider } from "./provider/sms-provider";
import { isValidTwilioSignature } from "./provider/twilio-signature";
import type { TextInboundService } from "./text-inbound.service";
import type { TextService } from "./text.service";

/** The URL Twilio signed: the configured public origin (behind a proxy) or the one it called. */
function signedUrl(config: Config, req: Request): string {
  const origin = config.publicBaseUrl ?? `${req.protocol}://${req.get("host")}`;
  return `${origin}${req.originalUrl}`;
}

function formParams(req: Request): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries((req.body ?? {}) as Record<string, unknown>)) {
    if (typeof value === "string") params[name] = value;
  }
  return params;
}

/**
 * Provider webhooks, as Twilio calls them: form-encoded, signed with X-Twilio-Signature over the
 * configured auth token (401 otherwise), and idempotent on the provider message id.
 */
export function createTextWebhooksRouter(
  config: Config,
  texts: TextService,
  inbound: TextInboundService,
  verifier: TokenVerifier,
  logger: Logger,
): express.Router {
  const router = express.Router();
  const authToken = config.sms.provider === "twilio" ? config.sms.authToken : null;

  function verified(req: Request, res: Response): Record<string, string> | null {
    const params = formParams(req);
    const organizationId = req.params.organizationId;
    if (
      !authToken ||
      !isValidTwilioSignature(
        authToken,
        req.get("x-twilio-signature"),
        signedUrl(config, req),
        params,
      )
    ) {
      res.status(401).type("text/plain").send("invalid signature");
      return null;
    }
    if (typeof organizationId !== "string" || !isUuid(organizationId)) {
      res.status(404).type("text/plain").send("unknown organization");
      return null;
    }
    return params;
  }

  router.post(
    "/webhooks/twilio/:organizationId/status",
    express.urlencoded({ extended: false }),
    async (req, res) => {
      const params = verified(req, res);
      if (!params) return;
      const status = textStatusFromProvider(params.MessageStatus ?? "");
      if (!params.MessageSid || !status) {
        res
          .status(400)
          .type("text/plain")
          .send("MessageSid and a known MessageStatus are required");
        return;
      }
      try {
        const error = params.ErrorCode
          ? `${params.ErrorCode}: ${params.ErrorMessage ?? "provider error"}`
          : null;
        // The dispatcher names the text in the callback URL (covered by the signature).
        const textId = typeof req.query.text === "string" ? req.query.text.toLowerCase() : null;
        if (textId !== null && !isUuid(textId)) {
          res.status(404).type("text/plain").send("unknown message");
          return;
        }
        await texts.recordProviderStatus(
          req.params.organizationId.toLowerCase(),
          { sid: params.MessageSid, textId },
          status,
          error,
        );
        res.status(204).end();
      } catch (error) {
        if (error instanceof NotFoundError) {
          res.status(404).type("text/plain").send("unknown message");
          return;
        }
        logger.error({ err: error }, "status callback failed");
        res.status(500).type("text/plain").send("internal error");
      }
    },
  );

  /** Inbound messages: stored once per MessageSid, keywords feed the consent ledger; answers empty TwiML. */
  router.post(
    "/webhooks/twilio/:organizationId/inbound",
    express.urlencoded({ extended: false }),
    async (req, res) => {
      const params = verified(req, res);
      if (!params) return;
      if (!params.MessageSid || !params.From || !params.To) {
        res.status(400).type("text/plain").send("MessageSid, From and To are required");
        return;
      }
      try {
        const received = await inbound.receive({
          organizationId: req.params.organizationId.toLowerCase(),
          providerMessageId: params.MessageSid,
          from: params.From,
          to: params.To,
          body: params.Body ?? "",
        });
        if (received === "unknown-number") {
          res
            .status(404)
            .type("text/plain")
            .send("no text number of this organization is reached at To");
          return;
        }
        res.type("text/xml").send('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
      } catch (error) {
        logger.error({ err: error }, "inbound text failed");
        res.status(500).type("text/plain").send("internal error");
      }
    },
  );

  /**
   * Seed 002 `POST /v1/texts/{id}/callback`: a status report for one text from a system holding a
   * bearer token (service or admin role), JSON or form; the same forward-only path as Twilio's.
   */
  router.post(
    "/v1/texts/:id/callback",
    express.json({ limit: "64kb" }),
    express.urlencoded({ extended: false }),
    async (req, res) => {
      const fail = (status: number, code: string, detail: string) =>
        res.status(status).json({ errors: [{ status, code, detail }] });
      const { caller, failure } = await authenticate(verifier, req);
      if (!caller) return fail(401, "UNAUTHENTICATED", failure ?? "A bearer token is required");
      if (!hasAnyRole(caller, ["service", "admin"])) {
        return fail(403, "FORBIDDEN", "Status reports need the service or admin role");
      }
      const body = (req.body ?? {}) as Record<string, unknown>;
      const reported = String(body.status ?? body.MessageStatus ?? "");
      const status = textStatusFromProvider(reported);
      if (!status) return fail(400, "BAD_USER_INPUT", `status "${reported}" is not a text status`);
      if (!isUuid(req.params.id)) return fail(400, "BAD_USER_INPUT", "id must be a UUID");
      try {
        const error = typeof body.error === "string" ? body.error : null;
        const text = await texts.recordStatus(caller, req.params.id, status, error);
        res.json({
          data: { id: text.id, type: "texts", attributes: { status: text.status.toLowerCase() } },
        });
      } catch (error) {
        if (error instanceof NotFoundError)
          return fail(404, "NOT_FOUND", `Text ${req.params.id} not found`);
        logger.error({ err: error }, "text callback failed");
        fail(500, "INTERNAL_SERVER_ERROR", "Internal server error");
      }
    },
  );

  return router;
}

import express, { type Request, type Response } from "express";
import { requestLogger } from "../../lib/request-scope";
import { authenticate } from "../../auth/bearer";
import type { CredentialThrottle } from "../../auth/credential-throttle";
import { hasAnyRole } from "../../auth/caller";
import type { TokenVerifier } from "../../auth/jwt";
import type { Logger } from "../../logger";
import { isUuid } from "../../lib/ids";
import { isDatabaseUnavailable, NotFoundError, TooManyRequestsError } from "../../lib/errors";
import { findUnstorableString } from "../../lib/validate";
import { textStatusFromProvider } from "./provider/sms-provider";
import type { TextService } from "./text.service";
import { TWILIO_FORM_LIMITS } from "./twilio-webhooks.http";
import {
  signedUrl,
  type TwilioWebhookCall,
  type TwilioWebhooks,
  type WebhookAnswer,
} from "./twilio-webhooks";

function formParams(req: Request): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries((req.body ?? {}) as Record<string, unknown>)) {
    if (typeof value === "string") params[name] = value;
  }
  return params;
}

function send(res: Response, answer: WebhookAnswer): void {
  res.status(answer.status);
  if (answer.retryAfter !== undefined) res.setHeader("Retry-After", String(answer.retryAfter));
  if (answer.body === undefined) res.end();
  else res.type(answer.type!).send(answer.body);
}

/**
 * The REST webhooks on Express. Twilio's, in their usual form (twilio-webhooks.http.ts), are
 * answered before Express; these routes take the rest (another content type or encoding, a
 * trailing slash, another case), the same way.
 */
export function createTextWebhooksRouter(
  twilio: TwilioWebhooks,
  texts: TextService,
  verifier: TokenVerifier,
  throttle: CredentialThrottle,
  logger: Logger,
): express.Router {
  const router = express.Router();
  const twilioForm = express.urlencoded({
    extended: false,
    limit: TWILIO_FORM_LIMITS.bytes,
    parameterLimit: TWILIO_FORM_LIMITS.parameters,
  });
  const twilioRoute =
    (answer: (call: TwilioWebhookCall) => Promise<WebhookAnswer>) =>
    async (req: Request, res: Response) => {
      send(
        res,
        await answer({
          organizationId: String(req.params.organizationId),
          url: signedUrl(twilio.config, req.protocol, req.get("host"), req.originalUrl),
          signature: req.get("x-twilio-signature"),
          params: formParams(req),
          textParam: req.query.text,
          request: req,
        }),
      );
    };

  router.post(
    "/webhooks/twilio/:organizationId/status",
    twilioForm,
    twilioRoute((call) => twilio.status(call)),
  );
  router.post(
    "/webhooks/twilio/:organizationId/inbound",
    twilioForm,
    twilioRoute((call) => twilio.inboundText(call)),
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
      let authenticated;
      try {
        authenticated = await authenticate(verifier, throttle, req);
      } catch (error) {
        if (!(error instanceof TooManyRequestsError)) throw error;
        res.setHeader("Retry-After", String(error.retryAfterSeconds));
        return fail(429, "TOO_MANY_REQUESTS", error.message);
      }
      const { caller, failure } = authenticated;
      if (!caller) return fail(401, "UNAUTHENTICATED", failure ?? "A bearer token is required");
      if (!hasAnyRole(caller, ["service", "admin"])) {
        return fail(403, "FORBIDDEN", "Status reports need the service or admin role");
      }
      const body = (req.body ?? {}) as Record<string, unknown>;
      const unstorable = findUnstorableString(body, "");
      if (unstorable) {
        const { field, problem } = unstorable;
        return fail(400, "BAD_USER_INPUT", `${field} must not contain ${problem}`);
      }
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
        if (res.headersSent) return; // answered 503 at the request deadline
        if (isDatabaseUnavailable(error)) {
          requestLogger(logger).warn({ err: error }, "text callback: database unavailable");
          return fail(503, "SERVICE_UNAVAILABLE", "The service is unavailable; retry later");
        }
        requestLogger(logger).error({ err: error }, "text callback failed");
        fail(500, "INTERNAL_SERVER_ERROR", "Internal server error");
      }
    },
  );

  return router;
}

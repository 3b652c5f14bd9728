import { timingSafeEqual } from "node:crypto";
import express, { type ErrorRequestHandler, type Request, type Response } from "express";
import { requestLogger } from "../../lib/request-scope";
import type { CredentialThrottle } from "../../auth/credential-throttle";
import type { ServiceAccount } from "../../config";
import { BadUserInputError, isDatabaseUnavailable } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { checkStorableStrings } from "../../lib/validate";
import type { Logger } from "../../logger";
import type { ConsentService, OptOutRequest } from "./consent.service";

const PATH = "/communications/department/:departmentUUID/optoutstatus";

function answerError(
  res: Response,
  status: number,
  errorCode: string,
  errorDescription: string,
): void {
  res
    .status(status)
    .json({ errors: [{ errorCode, errorDescription, errorUID: newId() }], warnings: [] });
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** HTTP Basic against the configured service accounts (SERVICE_ACCOUNTS). */
function serviceAccountOf(req: Request, accounts: ServiceAccount[]): ServiceAccount | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const separator = decoded.indexOf(":");
  if (separator < 0) return undefined;
  const username = decoded.slice(0, separator);
  const password = decoded.slice(separator + 1);
  return accounts.find(
    (account) => account.username === username && sameSecret(password, account.password),
  );
}

/** Seed 003's body: communicationAttributesList and *UUID names, mapped to the service's request. */
function requestFromBody(body: unknown): OptOutRequest {
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new BadUserInputError("body", "The body must be a JSON object");
  }
  checkStorableStrings(body, "");
  const raw = body as Record<string, unknown>;
  const list = raw.communicationAttributesList ?? [];
  if (!Array.isArray(list))
    throw new BadUserInputError(
      "communicationAttributesList",
      "communicationAttributesList must be a list",
    );
  const text = (value: unknown) =>
    typeof value === "string" ? value : value == null ? null : String(value);
  return {
    customerId: text(raw.customerUUID),
    messageId: text(raw.messageUUID),
    userId: text(raw.userUUID),
    apiCallSource: text(raw.apiCallSource),
    event: String(raw.event ?? ""),
    updateType: String(raw.updateType ?? ""),
    processSynchronously:
      raw.processSynchronously === undefined ? true : raw.processSynchronously === true,
    effectiveAt: text(raw.effectiveAt),
    communicationAttributes: list.map((attribute: Record<string, unknown>) => ({
      communicationType: String(attribute?.communicationType ?? ""),
      communicationValue: String(attribute?.communicationValue ?? ""),
      okToCommunicate: attribute?.okToCommunicate as boolean,
      customerId: text(attribute?.customerUUID),
    })),
  };
}

/**
 * Seed 003 REST ingress, kept for the systems that already post it: same service as the
 * recordOptOutEvent mutation; 200 with {errors, warnings}, 400 for a bad body, 401 without valid
 * service-account credentials, 429 with Retry-After once the source address has presented too
 * many wrong ones (CredentialThrottle).
 */
export function createOptOutIngressRouter(
  accounts: ServiceAccount[],
  consent: ConsentService,
  throttle: CredentialThrottle,
  logger: Logger,
): express.Router {
  const router = express.Router();
  const malformed: ErrorRequestHandler = (_error, _req, res, _next) =>
    answerError(res, 400, "MALFORMED_BODY", "The body is not valid JSON");

  const authenticateAccount: express.RequestHandler = (req, res, next) => {
    // No Authorization header is no guess: a client may ask for the challenge first.
    const presented = req.headers.authorization !== undefined;
    const retryAfter = presented ? throttle.retryAfterSecondsFor(req) : 0;
    if (retryAfter > 0) {
      res.setHeader("Retry-After", String(retryAfter));
      return answerError(
        res,
        429,
        "TOO_MANY_REQUESTS",
        `Too many failed attempts; retry after ${retryAfter} s`,
      );
    }
    const account = serviceAccountOf(req, accounts);
    if (!account) {
      if (presented) throttle.recordFailureOf(req);
      res.setHeader("WWW-Authenticate", 'Basic realm="switchboard"');
      return answerError(
        res,
        401,
        "UNAUTHENTICATED",
        "Valid service account credentials are required",
      );
    }
    res.locals.account = account;
    next();
  };
  const recordOptOutStatus: express.RequestHandler = async (req, res) => {
    const account = res.locals.account as ServiceAccount;
    try {
      const result = await consent.record(
        { organizationId: account.organizationId, userId: null, source: "api" },
        String(req.params.departmentUUID),
        requestFromBody(req.body),
      );
      res.json({ errors: result.errors, warnings: result.warnings });
    } catch (error) {
      if (error instanceof BadUserInputError)
        return answerError(res, 400, "BAD_USER_INPUT", error.message);
      if (res.headersSent) return; // answered 503 at the request deadline
      if (isDatabaseUnavailable(error)) {
        requestLogger(logger).warn({ err: error }, "opt-out ingress: database unavailable");
        return answerError(
          res,
          503,
          "SERVICE_UNAVAILABLE",
          "The service is unavailable; retry later",
        );
      }
      requestLogger(logger).error({ err: error }, "opt-out ingress failed");
      answerError(res, 500, "INTERNAL_SERVER_ERROR", "Internal server error");
    }
  };
  router.post(
    PATH,
    authenticateAccount,
    express.json({ limit: "256kb" }),
    malformed,
    recordOptOutStatus,
  );
  return router;
}

import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseQuery } from "node:querystring";
import type { TLSSocket } from "node:tls";
import { requestLogger } from "../../lib/request-scope";
import { sendRequestError } from "../../graphql/http-handler";
import { isDatabaseUnavailable } from "../../lib/errors";
import { readRequestBody, RequestBodyError } from "../../lib/http-body";
import { searchOf } from "../../lib/request-url";
import { signedUrl, type TwilioWebhooks, type WebhookAnswer } from "./twilio-webhooks";

/** express.urlencoded's defaults, which the Express routes state too: one limit on both paths. */
export const TWILIO_FORM_LIMITS = { bytes: 100 * 1024, parameters: 1000 };

/** The path as the dispatcher writes it into callback URLs, and as Twilio's console takes it. */
const WEBHOOK_PATH = /^\/webhooks\/twilio\/([0-9a-fA-F-]{36})\/(status|inbound)(?:\?|$)/;

/** `application/x-www-form-urlencoded`, optionally with a UTF-8 charset: what Twilio posts. */
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

async function readForm(req: IncomingMessage): Promise<string> {
  const text = await readRequestBody(req, TWILIO_FORM_LIMITS.bytes);
  // iconv-lite, under express.urlencoded, drops a byte order mark.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** As qs decodes a form name or value: `+` is a space, and malformed %-escapes stay as written. */
function decodeFormComponent(text: string): string {
  const spaced = text.includes("+") ? text.replace(/\+/g, " ") : text;
  if (!spaced.includes("%")) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/**
 * A form's parameters that have one string value, as express.urlencoded({ extended: false })
 * leaves them once non-strings are dropped: a name given twice (an array there) and an empty
 * name are left out, `__proto__` too. Bracketed names (`a[b]`) are taken as written.
 */
export function formParams(body: string): Record<string, string> {
  const params: Record<string, string> = {};
  if (body.length === 0) return params;
  const parts = body.split("&");
  if (parts.length > TWILIO_FORM_LIMITS.parameters) {
    throw new RequestBodyError(413, "too many parameters");
  }
  const repeated = new Set<string>();
  for (const part of parts) {
    const bracketEquals = part.indexOf("]=");
    const equals = bracketEquals === -1 ? part.indexOf("=") : bracketEquals + 1;
    const name = decodeFormComponent(equals === -1 ? part : part.slice(0, equals));
    if (name === "" || name === "__proto__" || repeated.has(name)) continue;
    if (Object.hasOwn(params, name)) {
      repeated.add(name);
      delete params[name];
      continue;
    }
    params[name] = equals === -1 ? "" : decodeFormComponent(part.slice(equals + 1));
  }
  return params;
}

function send(res: ServerResponse, answer: WebhookAnswer): void {
  if (answer.body === undefined) {
    res.writeHead(answer.status);
    res.end();
    return;
  }
  res.writeHead(answer.status, {
    "content-type": `${answer.type}; charset=utf-8`,
    "content-length": Buffer.byteLength(answer.body),
    ...(answer.retryAfter === undefined ? {} : { "retry-after": String(answer.retryAfter) }),
  });
  res.end(answer.body);
}

/**
 * Twilio's webhooks (status callbacks, two a text, and inbound texts) in the form Twilio posts
 * them, answered straight from node:http: the same answers as the Express routes, which take
 * every other form, less Express's router, body-parser, qs and type-is, ≈ 10 % of the main
 * thread in bench:texts.
 */
export function twilioWebhookRoute(webhooks: TwilioWebhooks) {
  return {
    accepts(req: IncomingMessage): boolean {
      if (req.method !== "POST" || !WEBHOOK_PATH.test(req.url ?? "")) return false;
      const encoding = req.headers["content-encoding"];
      if (encoding && encoding.toLowerCase() !== "identity") return false;
      return FORM_TYPE.test(req.headers["content-type"] ?? "");
    },

    async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const url = req.url ?? "";
      const [, organizationId, hook] = WEBHOOK_PATH.exec(url)!;
      const search = searchOf(url);
      try {
        const call = {
          organizationId,
          url: signedUrl(
            webhooks.config,
            (req.socket as TLSSocket).encrypted ? "https" : "http",
            req.headers.host,
            url,
          ),
          signature: req.headers["x-twilio-signature"] as string | undefined,
          params: formParams(await readForm(req)),
          textParam: search === "" ? undefined : parseQuery(search.slice(1)).text,
          request: req,
        };
        send(
          res,
          hook === "status" ? await webhooks.status(call) : await webhooks.inboundText(call),
        );
      } catch (error) {
        if (error instanceof RequestBodyError) sendRequestError(res, error.status, error.message);
        else if (res.headersSent) {
          // Answered 503 at the request deadline, or cut mid-answer.
          if (!res.writableEnded) res.destroy();
        } else if (isDatabaseUnavailable(error)) {
          requestLogger(webhooks.logger).warn(
            { err: error },
            "Twilio webhook: database unavailable",
          );
          sendRequestError(res, 503, "The service is unavailable; retry later");
        } else {
          requestLogger(webhooks.logger).error({ err: error }, "Twilio webhook failed");
          sendRequestError(res, 500, "Internal server error");
        }
      }
    },
  };
}

export type TwilioWebhookRoute = ReturnType<typeof twilioWebhookRoute>;

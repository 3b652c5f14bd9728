import type { IncomingMessage, ServerResponse } from "node:http";
import { HeaderMap, type ApolloServer, type BaseContext } from "@apollo/server";
import { currentRequest, requestLogger } from "../lib/request-scope";
import { isDatabaseUnavailable } from "../lib/errors";
import { readRequestBody, RequestBodyError } from "../lib/http-body";
import { pathOf, searchOf } from "../lib/request-url";
import type { Logger } from "../logger";
import { refusalOfCodedError, type GateRefusal } from "./anonymous-gate";

/** The body limit of every GraphQL request, the Express path's included. */
export const GRAPHQL_BODY_LIMIT_BYTES = 1024 * 1024;

/** `application/json`, optionally with a UTF-8 charset: all this path parses. */
const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/**
 * POST /graphql with a plain JSON body: the requests that make up nearly all of the traffic.
 * Anything else (GET, OPTIONS, another content type or encoding, another path) goes to Express.
 */
export function isPlainGraphQLPost(req: IncomingMessage, path: string): boolean {
  if (req.method !== "POST") return false;
  if (pathOf(req.url) !== path) return false;
  const encoding = req.headers["content-encoding"];
  if (encoding && encoding.toLowerCase() !== "identity") return false;
  return JSON_TYPE.test(req.headers["content-type"] ?? "");
}

/** Body and handler failures answer as GraphQL errors, as the Express path's error handler does. */
export function sendRequestError(res: ServerResponse, status: number, message: string): void {
  const code =
    status < 500 ? "BAD_REQUEST" : status === 503 ? "SERVICE_UNAVAILABLE" : "INTERNAL_SERVER_ERROR";
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

export function sendRefusal(res: ServerResponse, refusal: GateRefusal): void {
  res.writeHead(refusal.status, {
    ...refusal.headers,
    "content-length": Buffer.byteLength(refusal.body),
  });
  res.end(refusal.body);
}

/** Who may send what, decided before Apollo sees a request (server.ts: the anonymous gate). */
export interface Admission<Context> {
  /** The largest body this caller may send. */
  bodyLimit(context: Context): number;
  /** The answer to a body over a limit below GRAPHQL_BODY_LIMIT_BYTES, instead of 413. */
  refuseOversized(context: Context): GateRefusal;
  /** A refusal answered before Apollo parses anything, or null to go on. */
  refuse(body: unknown, context: Context): GateRefusal | null;
}

/**
 * A function answering `value`: made here rather than inline as the `context` property, which
 * tsx's esbuild (keepNames) would name with a defineProperty on every request.
 */
function resolvingTo<T>(value: T): () => Promise<T> {
  return () => Promise.resolve(value);
}

/** As express.json's strict mode: an object or an array, and `{}` for an empty body. */
function parseBody(text: string): unknown {
  if (text.trim() === "") return {};
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === "object" && body !== null) return body;
  } catch {
    // Answered below, as any other malformed body.
  }
  throw new RequestBodyError(400, "Malformed JSON body");
}

function headerMapOf(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

/**
 * Answers a plain GraphQL POST straight from node:http: what @as-integrations/express5 does, less
 * Express's router, body-parser, type-is and response helpers, which took ≈ 13 % of the main
 * thread's busy time in bench:consent.
 */
export function graphqlPostHandler<Context extends BaseContext>(options: {
  apollo: ApolloServer<Context>;
  context: (req: IncomingMessage) => Promise<Context>;
  admission: Admission<Context>;
  logger: Logger;
}) {
  const { apollo, context, admission, logger } = options;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      // The caller is known from the headers alone: an anonymous one's large body is not read.
      const contextValue = await context(req);
      const limit = admission.bodyLimit(contextValue);
      const text = await readRequestBody(req, limit).catch((error: unknown) => {
        const tooLarge = error instanceof RequestBodyError && error.status === 413;
        if (tooLarge && limit < GRAPHQL_BODY_LIMIT_BYTES) return null;
        throw error;
      });
      if (text === null) return sendRefusal(res, admission.refuseOversized(contextValue));
      const body = parseBody(text);
      const refusal = admission.refuse(body, contextValue);
      if (refusal) return sendRefusal(res, refusal);
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: "POST",
          headers: headerMapOf(req),
          search: searchOf(req.url),
          body,
        },
        context: resolvingTo(contextValue),
      });
      currentRequest()?.releaseAnswer();
      // Answered 503 already, at the request deadline (lib/in-flight.ts) or a shutdown's end.
      if (res.headersSent) return;
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === "complete") {
        res.setHeader("content-length", Buffer.byteLength(response.body.string));
        res.end(response.body.string);
        return;
      }
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    } catch (error) {
      if (res.headersSent) {
        if (!res.writableEnded) res.destroy();
      } else if (error instanceof RequestBodyError)
        sendRequestError(res, error.status, error.message);
      else if (refusalOfCodedError(error)) sendRefusal(res, refusalOfCodedError(error)!);
      else if (isDatabaseUnavailable(error)) {
        requestLogger(logger).warn({ err: error }, "GraphQL request: database unavailable");
        sendRequestError(res, 503, "The service is unavailable; retry later");
      } else {
        requestLogger(logger).error(
          { err: error },
          "GraphQL request failed outside Apollo's pipeline",
        );
        sendRequestError(res, 500, "Internal server error");
      }
    }
  };
}

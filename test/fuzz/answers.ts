import http from "node:http";
import type { FuzzRequest } from "./requests";

export interface FuzzAnswer {
  status: number;
  body: string;
  /** A transport failure instead of an answer (reset, timeout). */
  error?: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const ANSWER_TIMEOUT_MS = 30_000;

export function send(origin: string, request: FuzzRequest): Promise<FuzzAnswer> {
  return new Promise((resolve) => {
    let req: http.ClientRequest;
    try {
      req = http.request(`${origin}${request.path}`, {
        method: request.method,
        headers: request.headers,
        agent,
        timeout: ANSWER_TIMEOUT_MS,
      });
    } catch (error) {
      // The client itself refused the request (an invalid header): nothing reached the server.
      resolve({ status: 0, body: "", error: `client: ${(error as Error).message}` });
      return;
    }
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", (error) =>
        resolve({ status: res.statusCode!, body: "", error: error.message }),
      );
    });
    req.on("timeout", () => req.destroy(new Error(`no answer in ${ANSWER_TIMEOUT_MS} ms`)));
    req.on("error", (error) => resolve({ status: 0, body: "", error: error.message }));
    req.end(request.body);
  });
}

/** Frames of a V8 stack trace: `at fn (file:line:col)` or `at file:line:col`. */
const STACK_FRAME = /\bat (?:[\w$.<>[\] ]+ \()?(?:file:|node:|\/)[^)\s]*:\d+:\d+/;
/** SQL or a driver's words, which only a leaked database error would put in an answer. */
const SQL_TEXT =
  /\b(select\s+[\w"*]|insert into|update\s+"?\w+"?\s+set|delete from|Failed query|syntax error at or near|violates \w+ constraint|relation "\w+")/i;

/** A GET's path as the server reads its query string (hostile paths may not decode). */
function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path.replace(/\+/g, " "));
  } catch {
    return path;
  }
}

/**
 * What is wrong with an answer, or null: a 5xx other than 503, INTERNAL_SERVER_ERROR, a stack
 * trace, SQL text the request did not itself contain, or no answer at all.
 */
export function findingOf(request: FuzzRequest, answer: FuzzAnswer): string | null {
  if (answer.error?.startsWith("client:")) return null;
  // An answer came (431 for an over-long URL, say), and the server then closed the connection.
  if (answer.error && answer.status > 0 && answer.status < 500) return null;
  if (answer.error) {
    // Past the body limit the server may answer 413 and close before the client has sent it all.
    // Node answers a request line and headers past 16 KB with 431 and closes, maybe mid-send.
    const head = request.path.length + Object.values(request.headers).join("").length;
    const huge = request.category === "huge-body" || head > 16_000;
    if (huge && /EPIPE|ECONNRESET|socket hang up/.test(answer.error)) {
      return null;
    }
    return `no answer: ${answer.error}`;
  }
  if (answer.status >= 500 && answer.status !== 503) return `HTTP ${answer.status}`;
  if (answer.body.includes('"INTERNAL_SERVER_ERROR"')) return "INTERNAL_SERVER_ERROR";
  if (STACK_FRAME.test(answer.body)) return "stack trace in the answer";
  const sql = SQL_TEXT.exec(answer.body);
  const sent = request.body ?? decodedPath(request.path);
  if (sql && !sent.toLowerCase().includes(sql[0].toLowerCase())) {
    return `SQL text in the answer: "${sql[0]}"`;
  }
  return null;
}

/** The answer's error codes, for grouping findings. */
export function codesOf(answer: FuzzAnswer): string {
  const codes = new Set<string>();
  for (const match of answer.body.matchAll(/"code":"([A-Z_]+)"/g)) codes.add(match[1]);
  return [...codes].join(",");
}

/**
 * A smaller request that fails the same way, found by cutting long strings and dropping
 * variables one at a time while the finding stays the same.
 */
export async function minimize(
  origin: string,
  request: FuzzRequest,
  finding: string,
): Promise<FuzzRequest> {
  let best = request;
  const stillFails = async (candidate: FuzzRequest) =>
    findingOf(candidate, await send(origin, candidate)) === finding;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(request.body ?? "");
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return best;
  } catch {
    return best;
  }
  const withBody = (body: Record<string, unknown>) => ({ ...best, body: JSON.stringify(body) });
  const variables = (parsed.variables ?? {}) as Record<string, unknown>;
  if (variables && typeof variables === "object") {
    for (const name of Object.keys(variables)) {
      const { [name]: _dropped, ...rest } = (parsed.variables ?? {}) as Record<string, unknown>;
      const candidate = withBody({ ...parsed, variables: rest });
      if (await stillFails(candidate)) {
        parsed = { ...parsed, variables: rest };
        best = candidate;
      }
    }
  }
  const shortened = JSON.parse(
    JSON.stringify(parsed, (_key, value) =>
      typeof value === "string" && value.length > 80 ? value.slice(0, 80) : value,
    ),
  );
  if (JSON.stringify(shortened) !== JSON.stringify(parsed)) {
    const candidate = withBody(shortened);
    if (await stillFails(candidate)) best = candidate;
  }
  return best;
}

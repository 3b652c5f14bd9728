import { Worker } from "node:worker_threads";

/** One GraphQL request the load generator sends: the operation and its variables. */
export interface LoadRequest {
  query: string;
  variables: Record<string, unknown>;
}

export interface LoadResult {
  /** Milliseconds from request to response, in completion order. */
  latencies: number[];
  seconds: number;
}

/**
 * The clients run on a worker thread so the load generator does not share the server's event
 * loop. They use node:http with keep-alive rather than fetch: on this machine fetch (undici) costs
 * the shared two cores enough to lower the server's figures (a constant `{ __typename }` answers
 * ≈1,250 req/s to fetch clients, ≈1,500 to these). A response is parsed only when it is not
 * plainly a success: Apollo writes "errors" before "data", so a 200 whose body starts with
 * {"data":{ has none, and parsing 30 kB inbox pages cost the shared cores ≈ 3 ms each.
 */
const WORKER_SOURCE = `
const http = require("node:http");
const { parentPort, workerData } = require("node:worker_threads");
const { urls, token, requests, clients, durationMs } = workerData;
const targets = urls.map((url) => new URL(url));
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
const timed = durationMs !== null;
const latencies = [];
const SUCCESS = Buffer.from('{"data":{');
let next = 0;

function post(target, request) {
  const body = JSON.stringify(request);
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          authorization: "Bearer " + token,
        },
      },
      (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.on("end", () => {
          const body = Buffer.concat(chunks);
          if (response.statusCode === 200 && body.subarray(0, SUCCESS.length).equals(SUCCESS)) {
            return resolve();
          }
          let parsed;
          try {
            parsed = JSON.parse(body.toString("utf8"));
          } catch {
            parsed = body.toString("utf8").slice(0, 500);
          }
          reject(new Error(response.statusCode + " " + JSON.stringify(parsed.errors ?? parsed)));
        });
        response.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

const started = performance.now();
const deadline = timed ? started + durationMs : Infinity;
const more = () => (timed ? performance.now() < deadline : next < requests.length);

async function client(target) {
  while (more()) {
    const index = next++;
    const begin = performance.now();
    await post(target, requests[index % requests.length]);
    latencies.push(performance.now() - begin);
  }
}

// Client i talks to instance i mod n, as a load balancer spreading connections would.
Promise.all(Array.from({ length: clients }, (_, index) => client(targets[index % targets.length]))).then(
  () => parentPort.postMessage({ latencies, seconds: (performance.now() - started) / 1000 }),
  (error) => parentPort.postMessage({ error: String(error) }),
);
`;

function runWorker(workerData: Record<string, unknown>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    worker.once("message", (message: LoadResult & { error?: string }) => {
      void worker.terminate();
      if (message.error) reject(new Error(message.error));
      else resolve(message);
    });
    worker.once("error", reject);
  });
}

/** Sends each request once, from `clients` concurrent HTTP clients spread over `urls`. */
export function runLoad(
  urls: string | string[],
  token: string,
  requests: LoadRequest[],
  clients: number,
): Promise<LoadResult> {
  return runWorker({ urls: [urls].flat(), token, requests, clients, durationMs: null });
}

/** For a fixed time: the clients cycle through the requests until `seconds` have passed. */
export function runLoadFor(
  urls: string | string[],
  token: string,
  requests: LoadRequest[],
  clients: number,
  seconds: number,
): Promise<LoadResult> {
  return runWorker({ urls: [urls].flat(), token, requests, clients, durationMs: seconds * 1000 });
}

/**
 * Packs `perRequest` calls of one mutation into each request as aliases (`m0: …, m1: …`), each
 * with its own input variable; `shared` variables are declared once per request.
 */
export function aliasedMutations(
  inputs: Record<string, unknown>[],
  perRequest: number,
  call: {
    inputType: string;
    field: (inputVariable: string) => string;
    shared?: { declarations: string; variables: Record<string, unknown> };
  },
): LoadRequest[] {
  const requests: LoadRequest[] = [];
  for (let start = 0; start < inputs.length; start += perRequest) {
    const chunk = inputs.slice(start, start + perRequest);
    const declarations = [
      ...(call.shared ? [call.shared.declarations] : []),
      ...chunk.map((_, index) => `$i${index}: ${call.inputType}`),
    ].join(", ");
    const fields = chunk.map((_, index) => `m${index}: ${call.field(`$i${index}`)}`).join(" ");
    const variables = {
      ...call.shared?.variables,
      ...Object.fromEntries(chunk.map((input, index) => [`i${index}`, input])),
    };
    requests.push({ query: `mutation (${declarations}) { ${fields} }`, variables });
  }
  return requests;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

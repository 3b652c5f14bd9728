import { Worker } from "node:worker_threads";

/** One GraphQL request the load generator sends: the operation and its variables. */
export interface LoadRequest {
  query: string;
  variables: Record<string, unknown>;
}

export interface LoadResult {
  /** Milliseconds from request to response, in completion order. */
  latencies: number[];
  /** The `data` of each response, in request order. */
  data: unknown[];
  seconds: number;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { url, token, requests, clients } = workerData;
const latencies = [];
const data = new Array(requests.length);
let next = 0;
async function client() {
  while (next < requests.length) {
    const index = next++;
    const begin = performance.now();
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer " + token },
      body: JSON.stringify(requests[index]),
    });
    const body = await response.json();
    if (!body.data || body.errors) throw new Error(JSON.stringify(body.errors ?? body));
    latencies.push(performance.now() - begin);
    data[index] = body.data;
  }
}
const started = performance.now();
Promise.all(Array.from({ length: clients }, client)).then(
  () => parentPort.postMessage({ latencies, data, seconds: (performance.now() - started) / 1000 }),
  (error) => parentPort.postMessage({ error: String(error) }),
);
`;

/**
 * Sends the requests from `clients` concurrent HTTP clients on a worker thread, so the load
 * generator does not share the server's event loop and skew what is measured.
 */
export function runLoad(
  url: string,
  token: string,
  requests: LoadRequest[],
  clients: number,
): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { url, token, requests, clients },
    });
    worker.once("message", (message: LoadResult & { error?: string }) => {
      void worker.terminate();
      if (message.error) reject(new Error(message.error));
      else resolve(message);
    });
    worker.once("error", reject);
  });
}

const TIMED_WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { url, token, requests, clients, durationMs } = workerData;
const latencies = [];
let next = 0;
const started = performance.now();
const deadline = started + durationMs;
async function client() {
  while (performance.now() < deadline) {
    const request = requests[next++ % requests.length];
    const begin = performance.now();
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer " + token },
      body: JSON.stringify(request),
    });
    const body = await response.json();
    if (!body.data || body.errors) throw new Error(JSON.stringify(body.errors ?? body));
    latencies.push(performance.now() - begin);
  }
}
Promise.all(Array.from({ length: clients }, client)).then(
  () => parentPort.postMessage({ latencies, data: [], seconds: (performance.now() - started) / 1000 }),
  (error) => parentPort.postMessage({ error: String(error) }),
);
`;

/**
 * Like runLoad, but for a fixed time: the clients cycle through the requests until `seconds`
 * have passed. `data` stays empty.
 */
export function runLoadFor(
  url: string,
  token: string,
  requests: LoadRequest[],
  clients: number,
  seconds: number,
): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(TIMED_WORKER_SOURCE, {
      eval: true,
      workerData: { url, token, requests, clients, durationMs: seconds * 1000 },
    });
    worker.once("message", (message: LoadResult & { error?: string }) => {
      void worker.terminate();
      if (message.error) reject(new Error(message.error));
      else resolve(message);
    });
    worker.once("error", reject);
  });
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * What an anonymous caller's large document costs: the app in a process of its own (embedded
 * database; nothing here reaches it), a 250 KB anonymous document sent alone, then 20 senders of
 * such documents at once while a probe asks `{ __typename }` every 20 ms (each body is serialized
 * once, so the senders cost the shared cores little), and 30 times a burst of 20 documents at
 * once with a probe right behind them. Prints the refusal's
 * latency and how much the flood delays the probe against a quiet baseline.
 * Options: BENCH_SECONDS (the flood's length, default 5).
 */
import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import http from "node:http";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const FLOODERS = 20;
const HOSTILE = `{ ${Array.from({ length: 16_000 }, (_, index) => `a${index}: nope { nope }`).join(" ")} }`;
const PROBE = `{ __typename }`;

const agent = new http.Agent({ keepAlive: true, maxSockets: FLOODERS + 2 });

const bodies = new Map<string, string>();

function post(url: URL, query: string): Promise<{ status: number; ms: number }> {
  let body = bodies.get(query);
  if (!body) bodies.set(query, (body = JSON.stringify({ query })));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.on("end", () =>
          resolve({ status: response.statusCode!, ms: performance.now() - started }),
        );
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

/** CPU seconds a process has used (utime + stime, 100 ticks a second). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function summary(latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `n=${sorted.length} p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`;
}

async function probe(url: URL, until: number): Promise<number[]> {
  const latencies: number[] = [];
  while (performance.now() < until) {
    latencies.push((await post(url, PROBE)).ms);
    await sleep(20);
  }
  return latencies;
}

async function main(): Promise<void> {
  const env = {
    NODE_ENV: "test",
    PORT: "0",
    DATA_DIR: ":memory:",
    JWT_SECRET: randomBytes(32).toString("hex"),
    LOG_LEVEL: "silent",
    RUN_WORKERS: "false",
  };
  const child = fork(new URL("./app-process.ts", import.meta.url), {
    execArgv: ["--import", "tsx", "--max-semi-space-size=64"],
    env: { ...process.env, BENCH_APP_ENV: JSON.stringify(env) },
  });
  const [reply] = (await once(child, "message")) as [{ url: string }];
  const url = new URL(reply.url);
  try {
    console.log(`anonymous document: ${(Buffer.byteLength(HOSTILE) / 1024).toFixed(0)} KB`);
    for (let warm = 0; warm < 20; warm += 1) await post(url, PROBE);
    const single: number[] = [];
    let status = 0;
    for (let index = 0; index < 30; index += 1) {
      const answer = await post(url, HOSTILE);
      single.push(answer.ms);
      status = answer.status;
    }
    console.log(`refused alone (HTTP ${status}): ${summary(single)}`);
    const baseline = await probe(url, performance.now() + SECONDS * 1000);
    console.log(`probe, quiet: ${summary(baseline)}`);
    // Issue 15's case: 20 documents arrive at once, and another caller's request right behind them.
    const behindBursts: number[] = [];
    for (let burst = 0; burst < 30; burst += 1) {
      const documents = Array.from({ length: FLOODERS }, () => post(url, HOSTILE));
      behindBursts.push((await post(url, PROBE)).ms);
      await Promise.all(documents);
      await sleep(50);
    }
    console.log(`probe right behind ${FLOODERS} documents sent at once: ${summary(behindBursts)}`);
    const until = performance.now() + SECONDS * 1000;
    const cpuBefore = cpuSeconds(child.pid!);
    let refused = 0;
    const flood = Array.from({ length: FLOODERS }, async () => {
      while (performance.now() < until) {
        await post(url, HOSTILE);
        refused += 1;
      }
    });
    const probed = await probe(url, until);
    await Promise.all(flood);
    console.log(`probe, ${FLOODERS} senders of the document: ${summary(probed)}`);
    const cpu = cpuSeconds(child.pid!) - cpuBefore;
    console.log(
      `flood: ${(refused / SECONDS).toFixed(0)} refusals/s, server CPU ${((cpu / (refused + probed.length)) * 1000).toFixed(2)} ms a request`,
    );
  } finally {
    child.send("stop");
    await once(child, "exit");
    agent.destroy();
  }
}

void main();

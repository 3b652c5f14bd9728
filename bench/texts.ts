/**
 * bench/texts.ts — `npm run bench:texts`
 * 20,000 sendText calls from 32 concurrent HTTP clients against real Postgres, dispatched through
 * the Twilio adapter to a local stand-in that reports delivery through the signed status webhook.
 * Prints accepted/s, dispatched/s, the end-to-end p50/p99 from request to DELIVERED, and the app
 * process's CPU time per text (steadier than the rates when other work shares the machine).
 * BENCH_PROFILE=<file.cpuprofile> writes a CPU profile of the app's process from the first
 * request until every text is delivered (the Twilio stand-in runs in a process of its own).
 */
import { fork, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import pg from "pg";
import { startApp } from "../src/app";
import { signToken } from "../src/auth/jwt";
import { loadConfig } from "../src/config";
import { newId } from "../src/lib/ids";
import { withCpuProfile } from "./cpu-profile";
import { benchAppEnv, INSTANCES, startExtraInstances } from "./instances";
import { aliasedMutations, percentile, runLoad } from "./load-client";
import { createTextAccountWithNumber } from "../test/helpers/texts";
import { twilioEnv, type TwilioStub } from "../test/helpers/twilio-stub";

const TOTAL = Number(process.env.BENCH_TEXTS ?? 20_000);
const CLIENTS = 32;
/** sendText calls per HTTP request: 1, or several aliased mutations in one document (BENCH_PER_REQUEST). */
const PER_REQUEST = Number(process.env.BENCH_PER_REQUEST ?? 1);

type StubAddress = Pick<TwilioStub, "baseUrl" | "accountSid" | "authToken">;

/** Starts the provider stand-in in its own process (bench/twilio-stub-process.ts). */
async function startStubProcess(): Promise<{ address: StubAddress; child: ChildProcess }> {
  const child = fork(new URL("./twilio-stub-process.ts", import.meta.url), {
    execArgv: ["--import", "tsx"],
  });
  const [address] = (await once(child, "message")) as [StubAddress];
  return { address, child };
}

async function acceptedByStub(child: ChildProcess): Promise<number> {
  child.send("count");
  const [reply] = (await once(child, "message")) as [{ count: number }];
  return reply.count;
}

async function allDelivered(pool: pg.Pool): Promise<void> {
  for (;;) {
    const { rows } = await pool.query(
      `select count(*)::int as n from texts where status = 'DELIVERED'`,
    );
    if (rows[0].n >= TOTAL) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Transactions the database has committed or rolled back: every autocommit statement is one,
 * and each wakes a Postgres backend, the costliest thing the app does on a small machine.
 */
async function transactions(pool: pg.Pool): Promise<number> {
  // Backends report their counts at most once a second.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const { rows } = await pool.query(
    `select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()`,
  );
  return Number(rows[0].n);
}

const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

async function main(): Promise<void> {
  const name = `switchboard_bench_texts_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  const stub = await startStubProcess();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const secret = randomBytes(32).toString("hex");
  const env = benchAppEnv(databaseUrl, secret, {
    RUN_WORKERS: process.env.BENCH_NO_DISPATCH ? "false" : "true",
    ...twilioEnv(stub.address),
  });
  const app = await startApp(loadConfig(env));
  const others = await startExtraInstances(env);
  try {
    const organization = await app.services.organizations.create({
      name: "Bench",
      defaultRegion: "US",
    });
    const caller = {
      individualId: newId(),
      organizationId: organization.id,
      roles: ["agent" as const],
    };
    const adminCaller = { ...caller, roles: ["admin" as const] };
    const { account } = await createTextAccountWithNumber(app.services, adminCaller);
    const token = await signToken(secret, caller);
    const inputs = Array.from({ length: TOTAL }, (_, index) => ({
      accountId: account.id,
      target: `+1415${String(5_000_000 + (index % 1000))}`,
      message: `Reminder ${index}`,
    }));
    const requests = aliasedMutations(inputs, PER_REQUEST, {
      inputType: "SendTextInput!",
      field: (input) => `sendText(input: ${input}) { id }`,
    });
    const transactionsBefore = await transactions(pool);
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const { acceptedSeconds, dispatchedSeconds } = await withCpuProfile(
      process.env.BENCH_PROFILE,
      async () => {
        const load = await runLoad([app.server.url, ...others.urls], token, requests, CLIENTS);
        console.error(`accepted ${TOTAL} in ${load.seconds.toFixed(1)} s`);
        if (!process.env.BENCH_NO_DISPATCH) await allDelivered(pool);
        return {
          acceptedSeconds: load.seconds,
          dispatchedSeconds: (performance.now() - started) / 1000,
        };
      },
    );
    if (process.env.BENCH_NO_DISPATCH) {
      await pool.end();
      console.log(
        JSON.stringify({ texts: TOTAL, acceptedPerSecond: Math.round(TOTAL / acceptedSeconds) }),
      );
      return;
    }
    const transactionCount = (await transactions(pool)) - transactionsBefore;
    const { rows } = await pool.query(
      `select id, extract(epoch from last_modified_at) * 1000 as done, extract(epoch from created_at) * 1000 as created from texts`,
    );
    const latencies: number[] = [];
    for (const row of rows) latencies.push(Number(row.done) - Number(row.created));
    latencies.sort((a, b) => a - b);
    await pool.end();
    const cpu = process.cpuUsage(cpuBefore);
    const providerMessages = await acceptedByStub(stub.child);
    console.log(
      JSON.stringify({
        texts: TOTAL,
        clients: CLIENTS,
        instances: INSTANCES,
        sendTextPerRequest: PER_REQUEST,
        acceptedPerSecond: Math.round(TOTAL / acceptedSeconds),
        dispatchedPerSecond: Math.round(TOTAL / dispatchedSeconds),
        endToEndP50Ms: Math.round(percentile(latencies, 50)),
        endToEndP99Ms: Math.round(percentile(latencies, 99)),
        appCpuMsPerText: Number(((cpu.user + cpu.system) / 1000 / TOTAL).toFixed(3)),
        transactionsPerText: Number((transactionCount / TOTAL).toFixed(3)),
        providerMessages,
      }),
    );
    if (providerMessages !== TOTAL)
      throw new Error(`provider received ${providerMessages} of ${TOTAL}`);
  } finally {
    await others.stop();
    await app.stop();
    stub.child.send("stop");
    await admin.query(`drop database ${name} with (force)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

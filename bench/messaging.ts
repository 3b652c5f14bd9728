/**
 * bench/messaging.ts — `npm run bench:messaging`
 * Seeds 2,000 channels × 10 subscribers × 100 messages on a throwaway real-Postgres database, then
 * runs the inbox query and a 50-message channel page (reactions, read receipts) for 20 s each
 * from 32 concurrent HTTP clients. Prints req/s, p50/p99, CPU milliseconds and SQL statements per
 * request (counted on one separate request: the timed server runs with
 * EXPOSE_SQL_STATEMENT_COUNT=false).
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { startApp, type App } from "../src/app";
import { signToken } from "../src/auth/jwt";
import { loadConfig } from "../src/config";
import { seedMessaging } from "../test/helpers/messaging-seed";
import { collectGarbage } from "./collect-garbage";
import { withCpuProfile } from "./cpu-profile";
import { withCpuTime } from "./cpu-time";
import { benchAppEnv, INSTANCES, startExtraInstances } from "./instances";
import { percentile, runLoadFor, type LoadRequest } from "./load-client";

const CHANNELS = Number(process.env.BENCH_CHANNELS ?? 2_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
/** A path prefix: writes a CPU profile of each timed scenario (`<prefix>.0.cpuprofile`, …). */
const PROFILE = process.env.BENCH_PROFILE;
const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
/** `inbox` or `channel`: that scenario alone. */
const ONLY = process.env.BENCH_ONLY;
/**
 * A database name: seeded on the first run and kept, reused (not seeded again) by later runs with
 * the same name, for trying changes to the read paths quickly. Without it the database is dropped.
 */
const KEEP = process.env.BENCH_KEEP_DATABASE;

const INBOX = `query { inbox(first: 50) { nodes { id name subscribers { individual { firstName } }
  lastMessage { body author { firstName } reactions { type } } unreadCount } } }`;
const CHANNEL_PAGE = `query ($id: ID!) { channel(id: $id) { id name unreadCount
  messages(last: 50) { nodes { id body postedAt acknowledged author { firstName }
    reactions { type individual { firstName } }
    readReceipts { individual { firstName } acknowledgedAt } } } } }`;

/** The plain list path: a page of contacts, five columns (issue 21's `contacts(first: 50)`). */
const CONTACTS = `query Contacts { contacts(first: 50) { nodes { id name phoneNumber email createdAt } } }`;
const CONTACT_COUNT = 1_000;

/** The organization's contacts, made once (a kept database from before they were seeded gets them too). */
async function ensureContacts(pool: pg.Pool, organizationId: string): Promise<void> {
  const { rows } = await pool.query<{ count: string }>(
    `select count(*) from contacts where organization_id = $1`,
    [organizationId],
  );
  if (Number(rows[0].count) > 0) return;
  await pool.query(
    `insert into contacts (organization_id, id, type, name, phone_number, email, created_at, updated_at)
     select $1, gen_random_uuid(), 'CUSTOM', 'Contact ' || g, '+1415555' || lpad(g::text, 4, '0'),
            'contact' || g || '@example.com', now(), now()
     from generate_series(1, $2::int) g`,
    [organizationId, CONTACT_COUNT],
  );
  await pool.query("vacuum (analyze) contacts");
}

async function start(databaseUrl: string, secret: string, countStatements: boolean): Promise<App> {
  const app = await startApp(
    loadConfig(
      benchAppEnv(databaseUrl, secret, {
        RUN_WORKERS: "false",
        EXPOSE_SQL_STATEMENT_COUNT: String(countStatements),
      }),
    ),
  );
  // Dropping the database at the end terminates connections the pool may still hold.
  app.database.pool?.on("error", () => undefined);
  return app;
}

async function countStatements(url: string, token: string, request: LoadRequest) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(request),
  });
  const body = (await response.json()) as {
    errors?: unknown;
    extensions?: { sqlStatements?: number };
  };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.extensions?.sqlStatements;
}

/** The kept database's organization, caller and channels, when it was seeded before. */
async function keptSeed(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const caller = await client.query<{ id: string; organization_id: string }>(
      `select id, organization_id from individuals where first_name = 'Caller'`,
    );
    if (caller.rows.length !== 1) return undefined;
    const channels = await client.query<{ id: string }>(`select id from channels order by id`);
    return {
      organizationId: caller.rows[0].organization_id,
      seed: { callerId: caller.rows[0].id, channelIds: channels.rows.map((row) => row.id) },
    };
  } finally {
    await client.end();
  }
}

/**
 * A new organization seeded with the benchmark's channels, vacuumed and analyzed, and a
 * checkpoint taken: the state of a database that has been up a while. Otherwise autovacuum's
 * pass over the 200,000 new messages and the first reads' hint-bit writes land in the timed run
 * (fresh runs' p99 115 ms against 87–91 ms on a kept database).
 */
async function seedNew(app: App) {
  const organization = await app.services.organizations.create({
    name: "Bench",
    defaultRegion: "US",
  });
  const seeded = await seedMessaging(app.database.db, organization.id, {
    channels: CHANNELS,
    subscribersPerChannel: 10,
    messagesPerChannel: 100,
  });
  await app.database.pool!.query("vacuum (analyze)");
  await app.database.pool!.query("checkpoint");
  return { organizationId: organization.id, seed: seeded };
}

async function main(): Promise<void> {
  if (ONLY && ONLY !== "inbox" && ONLY !== "channel" && ONLY !== "contacts") {
    throw new Error(`BENCH_ONLY must be inbox, channel or contacts, not "${ONLY}"`);
  }
  const name = KEEP ?? `switchboard_bench_messaging_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const exists = await admin.query(`select 1 from pg_database where datname = $1`, [name]);
  if (exists.rowCount === 0) await admin.query(`create database ${name}`);
  const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  const secret = randomBytes(32).toString("hex");
  const app = await start(databaseUrl, secret, false);
  const others = await startExtraInstances(
    benchAppEnv(databaseUrl, secret, { RUN_WORKERS: "false" }),
  );
  const urls = [app.server.url, ...others.urls];
  let counting: App | undefined;
  try {
    const seedStarted = performance.now();
    const { organizationId, seed } =
      (KEEP && (await keptSeed(databaseUrl))) || (await seedNew(app));
    await ensureContacts(app.database.pool!, organizationId);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    collectGarbage();
    const token = await signToken(
      secret,
      { individualId: seed.callerId, organizationId, roles: ["agent"] },
      "1h",
    );
    const scenarios = (
      [
        ["inbox", "inbox(first: 50)", [{ query: INBOX, variables: {} }]],
        [
          "channel",
          "channel page (50 messages, reactions, receipts)",
          seed.channelIds.map((id) => ({ query: CHANNEL_PAGE, variables: { id } })),
        ],
        ["contacts", "contacts(first: 50), 5 columns", [{ query: CONTACTS, variables: {} }]],
      ] satisfies [string, string, LoadRequest[]][]
    )
      .filter(([key]) => !ONLY || key === ONLY)
      .map(([, label, requests]): [string, LoadRequest[]] => [label, requests]);
    const results: { scenario: string; [figure: string]: unknown }[] = [];
    for (const [label, requests] of scenarios) {
      await runLoadFor(urls, token, requests, CLIENTS, 2);
      const profile = PROFILE ? `${PROFILE}.${results.length}.cpuprofile` : undefined;
      const cpuBefore = process.cpuUsage();
      const {
        result: { latencies, seconds },
        serverSeconds,
        postgresSeconds,
      } = await withCpuTime(
        () => withCpuProfile(profile, () => runLoadFor(urls, token, requests, CLIENTS, SECONDS)),
        others.pids,
      );
      const cpu = process.cpuUsage(cpuBefore);
      latencies.sort((a, b) => a - b);
      const perRequest = (seconds: number) =>
        Number(((seconds * 1000) / latencies.length).toFixed(2));
      results.push({
        scenario: label,
        requests: latencies.length,
        requestsPerSecond: Math.round(latencies.length / seconds),
        p50Ms: Number(percentile(latencies, 50).toFixed(1)),
        p99Ms: Number(percentile(latencies, 99).toFixed(1)),
        // The whole process's CPU time (the clients' thread too): steadier than req/s when
        // other work shares the machine.
        cpuMsPerRequest: Number(((cpu.user + cpu.system) / 1000 / latencies.length).toFixed(2)),
        serverCpuMsPerRequest: perRequest(serverSeconds),
        postgresCpuMsPerRequest: perRequest(postgresSeconds),
      });
    }
    // Counted after the timed runs: once AsyncLocalStorage has run, Node 20 keeps promise hooks
    // on for the whole process, which would slow the measured app too.
    counting = await start(databaseUrl, secret, true);
    for (const [index, [, requests]] of scenarios.entries()) {
      const statements = await countStatements(counting.server.url, token, requests[0]);
      results[index] = { ...results[index], sqlStatementsPerRequest: statements };
    }
    console.log(
      JSON.stringify(
        {
          channels: CHANNELS,
          subscribersPerChannel: 10,
          messagesPerChannel: 100,
          seedSeconds: Number(seedSeconds.toFixed(1)),
          clients: CLIENTS,
          instances: INSTANCES,
          secondsPerScenario: SECONDS,
          results,
        },
        null,
        2,
      ),
    );
  } finally {
    await counting?.stop();
    await others.stop();
    await app.stop();
    if (!KEEP) await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

/**
 * bench/consent.ts — `npm run bench:consent`
 * 10,000 opt-out / opt-in events over 1,000 numbers through recordOptOutEvent, 16 concurrent
 * clients, against real Postgres. Prints events/s and p99, then checks that the final flags equal
 * a sequential replay of the same events (latest effectiveAt wins per number).
 *
 * Before the timed run, BENCH_WARMUP events (default 3,000) go the same way for another
 * organization's numbers, untimed: V8 compiles the hot paths and each pooled connection prepares
 * its statements, as on any server that has been up a while. The figures and the replay check
 * are the measured organization's alone.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { startApp, type App } from "../src/app";
import { signToken } from "../src/auth/jwt";
import { loadConfig } from "../src/config";
import { newId } from "../src/lib/ids";
import { withCpuProfile } from "./cpu-profile";
import { withCpuTime } from "./cpu-time";
import { benchAppEnv, INSTANCES, startExtraInstances } from "./instances";
import { aliasedMutations, percentile, runLoad } from "./load-client";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const NUMBERS = 1_000;
const CLIENTS = 16;
const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
/** Events per HTTP request: 1, or several aliased mutations in one document (BENCH_PER_REQUEST). */
const PER_REQUEST = Number(process.env.BENCH_PER_REQUEST ?? 1);
const WARMUP_EVENTS = Number(process.env.BENCH_WARMUP ?? 3_000);
const DEPARTMENT = "0195f0a0-0000-7000-8000-00000000d001";

/** An organization to record events for, and a service account's token for it. */
async function benchOrganization(app: App, secret: string, name: string) {
  const organization = await app.services.organizations.create({ name, defaultRegion: "US" });
  const token = await signToken(secret, {
    individualId: newId(),
    organizationId: organization.id,
    roles: ["service"],
  });
  return { organizationId: organization.id, token };
}

/**
 * `count` STOP / opt-in events over NUMBERS numbers from `firstNumber` on, with shuffled
 * effective times (arrival order is not effective order), as one mutation per request.
 */
function benchEvents(count: number, firstNumber: number) {
  const base = Date.parse("2026-11-22T00:00:00Z");
  const events = Array.from({ length: count }, (_, index) => ({
    number: `+1415${String(firstNumber + (index % NUMBERS))}`,
    stop: (index * 7919) % 3 !== 0,
    effectiveAt: new Date(base + ((index * 104_729) % count) * 1000).toISOString(),
  }));
  const inputs = events.map((event, index) => ({
    event: event.stop ? "STOP_MESSAGE_RECEIVED" : "OPTIN_MESSAGE_RECEIVED",
    updateType: "MESSAGE",
    messageId: `bench-${firstNumber}-${index}`,
    effectiveAt: event.effectiveAt,
    communicationAttributes: [
      { communicationType: "SMS", communicationValue: event.number, okToCommunicate: !event.stop },
    ],
  }));
  const requests = aliasedMutations(inputs, PER_REQUEST, {
    inputType: "OptOutEventInput!",
    field: (input) =>
      `recordOptOutEvent(departmentId: $d, input: ${input}) { errors { errorCode } }`,
    shared: { declarations: "$d: ID!", variables: { d: DEPARTMENT } },
  });
  return { events, requests };
}

async function main(): Promise<void> {
  const name = `switchboard_bench_consent_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  const secret = randomBytes(32).toString("hex");
  const env = benchAppEnv(databaseUrl, secret);
  const app = await startApp(loadConfig(env));
  const others = await startExtraInstances(env);
  try {
    const measured = await benchOrganization(app, secret, "Bench");
    const { events, requests } = benchEvents(EVENTS, 6_000_000);
    if (WARMUP_EVENTS > 0) {
      const warmup = await benchOrganization(app, secret, "Warm-up");
      await runLoad(
        app.server.url,
        warmup.token,
        benchEvents(WARMUP_EVENTS, 7_000_000).requests,
        CLIENTS,
      );
    }
    const token = measured.token;
    const { result: load, ...cpu } = await withCpuTime(
      () =>
        withCpuProfile(process.env.BENCH_PROFILE, () =>
          runLoad([app.server.url, ...others.urls], token, requests, CLIENTS),
        ),
      others.pids,
    );
    const latencies = [...load.latencies].sort((a, b) => a - b);

    const expected = new Map<string, { at: string; stop: boolean }>();
    for (const event of events) {
      const current = expected.get(event.number);
      if (!current || event.effectiveAt >= current.at)
        expected.set(event.number, { at: event.effectiveAt, stop: event.stop });
    }
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    const { rows } = await pool.query<{ contact: string; do_not_text: boolean }>(
      `select contact, do_not_text from contact_preferences where organization_id = $1`,
      [measured.organizationId],
    );
    const { rows: ledger } = await pool.query<{ n: number }>(
      `select count(*)::int as n from consent_events where organization_id = $1`,
      [measured.organizationId],
    );
    await pool.end();
    const mismatches = rows.filter(
      (row) => expected.get(row.contact)?.stop !== row.do_not_text,
    ).length;
    console.log(
      JSON.stringify({
        events: EVENTS,
        warmupEvents: WARMUP_EVENTS,
        numbers: NUMBERS,
        clients: CLIENTS,
        instances: INSTANCES,
        eventsPerRequest: PER_REQUEST,
        eventsPerSecond: Math.round(EVENTS / load.seconds),
        p50Ms: Math.round(percentile(latencies, 50)),
        p99Ms: Math.round(percentile(latencies, 99)),
        serverCpuMsPerEvent: Number(((cpu.serverSeconds * 1000) / EVENTS).toFixed(3)),
        postgresCpuMsPerEvent: Number(((cpu.postgresSeconds * 1000) / EVENTS).toFixed(3)),
        ledgerRows: ledger[0].n,
        preferences: rows.length,
        replayMatches: mismatches === 0 && rows.length === NUMBERS,
      }),
    );
    if (mismatches > 0) throw new Error(`${mismatches} numbers differ from the sequential replay`);
  } finally {
    await others.stop();
    await app.stop();
    await admin.query(`drop database ${name} with (force)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

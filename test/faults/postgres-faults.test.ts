import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signToken } from "../../src/auth/jwt";
import { startTestServer, type TestOrganization } from "../helpers/server";
import { createTextAccountWithNumber } from "../helpers/texts";
import { startServerProcess, ThrowawayCluster, type ServerProcess } from "./cluster";

/**
 * Postgres killed (pg_ctl -m immediate) and frozen (SIGSTOP) under a write load, with the server in
 * a child process: it must live through both, answer every request (SERVICE_UNAVAILABLE, 503,
 * during the outage, within the deadlines), lose nothing it acknowledged, half-write nothing,
 * and serve again, workers included, by itself.
 */
const onPostgres = process.env.TEST_DB === "postgres";
if (!onPostgres) {
  console.error(
    "test/faults/postgres-faults.test.ts skipped: it kills and freezes a Postgres cluster of its own (run with TEST_DATABASE_URL)",
  );
}

const CREATE_CONTACT = `mutation ($input: CreateContactInput!) { createContact(input: $input) { id name phoneNumber } }`;
const SEND_TEXT = `mutation ($input: SendTextInput!) { sendText(input: $input) { id status } }`;
const RECORD = `mutation ($departmentId: ID!, $input: OptOutEventInput!) {
  recordOptOutEvent(departmentId: $departmentId, input: $input) { errors { errorCode } warnings { warningCode } }
}`;
const LIST_CONTACTS = `{ contacts(first: 5) { totalCount } }`;
const DEPARTMENT = "0195f0a0-0000-7000-8000-00000000d001";

type Kind = "contact" | "text" | "optOut" | "read";

interface Outcome {
  kind: Kind;
  /** The unique value written: a contact's or opt-out's phone number, a text's message. */
  key: string;
  startedAt: number;
  elapsedMs: number;
  status: number;
  codes: string[];
  acknowledged: boolean;
  /** A request that got no HTTP answer at all (a cut connection, or none in 15 s). */
  unanswered?: string;
}

let cluster: ThrowawayCluster;
let server: ServerProcess;
let org: TestOrganization;
let accountId: string;
let adminToken: string;
let serviceToken: string;

async function post(token: string, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(`${server.origin}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await response.json()) as {
    data?: Record<string, unknown> | null;
    errors?: { extensions?: { code?: string } }[];
  };
  return { status: response.status, body };
}

async function readiness(): Promise<number> {
  const response = await fetch(`${server.origin}/readyz`, { signal: AbortSignal.timeout(5_000) });
  await response.arrayBuffer();
  return response.status;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One request of the load: which one depends on n; every value it writes is unique. */
async function oneRequest(n: number): Promise<Outcome> {
  const kinds: Kind[] = ["contact", "text", "optOut", "read"];
  const kind = kinds[n % kinds.length];
  const phone = `+1415${String(5_000_000 + n).padStart(7, "0")}`;
  const key = kind === "text" ? `fault test text ${n}` : phone;
  const startedAt = Date.now();
  try {
    const { status, body } =
      kind === "contact"
        ? await post(adminToken, CREATE_CONTACT, {
            input: { name: `Contact ${n}`, phoneNumber: phone },
          })
        : kind === "text"
          ? await post(org.tokens.agent, SEND_TEXT, {
              input: { accountId, target: "+14155550199", message: key },
            })
          : kind === "optOut"
            ? await post(serviceToken, RECORD, {
                departmentId: DEPARTMENT,
                input: {
                  event: "STOP_MESSAGE_RECEIVED",
                  updateType: "MESSAGE",
                  processSynchronously: false,
                  communicationAttributes: [
                    { communicationType: "SMS", communicationValue: phone, okToCommunicate: false },
                  ],
                },
              })
            : await post(org.tokens.agent, LIST_CONTACTS);
    const codes = (body.errors ?? []).map((error) => String(error.extensions?.code));
    const acknowledged = status === 200 && codes.length === 0 && body.data != null;
    return { kind, key, startedAt, elapsedMs: Date.now() - startedAt, status, codes, acknowledged };
  } catch (error) {
    return {
      kind,
      key,
      startedAt,
      elapsedMs: Date.now() - startedAt,
      status: 0,
      codes: [],
      acknowledged: false,
      unanswered: String(error),
    };
  }
}

/** Concurrent loops of requests until stop() is called; stop() answers every outcome. */
function startLoad(concurrency: number) {
  const outcomes: Outcome[] = [];
  let next = 0;
  let running = true;
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      const outcome = await oneRequest(next++);
      outcomes.push(outcome);
      // Failing fast during an outage is not a reason to spin.
      if (!outcome.acknowledged) await sleep(100);
    }
  });
  return {
    outcomes,
    async stop() {
      running = false;
      await Promise.all(loops);
      return outcomes;
    },
  };
}

beforeAll(async () => {
  if (!onPostgres) return;
  cluster = await ThrowawayCluster.create();
  const database = { databaseUrl: cluster.url, dataDir: ":memory:", drop: async () => {} };
  // In process, once: migrate, and make the organization and its text account.
  const setup = await startTestServer({ database, env: { RUN_WORKERS: "false" } });
  try {
    org = await setup.createOrganization();
    accountId = (await createTextAccountWithNumber(setup.app.services, org.callers.admin)).account
      .id;
  } finally {
    await setup.stop();
  }
  const jwtSecret = randomBytes(32).toString("hex");
  adminToken = await signToken(jwtSecret, org.callers.admin);
  serviceToken = await signToken(jwtSecret, org.callers.service);
  org.tokens.agent = await signToken(jwtSecret, org.callers.agent);
  server = await startServerProcess({
    DATABASE_URL: cluster.url,
    JWT_SECRET: jwtSecret,
    VIDEO_SIGNING_KEY: randomBytes(32).toString("hex"),
  });
}, 120_000);

afterAll(async () => {
  if (!onPostgres) return;
  if (server && process.env.FAULTS_LOG) {
    const { writeFile } = await import("node:fs/promises");
    await writeFile(process.env.FAULTS_LOG, server.output());
  }
  if (server && !server.hasExited()) {
    server.child.kill("SIGKILL");
    await server.exited;
  }
  await cluster?.destroy();
});

describe.skipIf(!onPostgres)("Postgres killed and frozen under load", () => {
  it("lives, answers SERVICE_UNAVAILABLE in time, loses and half-writes nothing, and recovers by itself", async () => {
    const load = startLoad(4);
    await sleep(2_000);

    // (a) killed, as a crash, and started again
    const killedAt = Date.now();
    await cluster.killImmediately();
    await waitFor(async () => (await readiness()) === 503, 3_000, "readiness red after the kill");
    await sleep(2_500);
    await cluster.start();
    await waitFor(
      async () => (await readiness()) === 200,
      20_000,
      "readiness green after the restart",
    );
    const restartedAt = Date.now();
    await sleep(2_000);

    // (b) frozen: connections open, nothing answers
    const frozenAt = Date.now();
    await cluster.freeze();
    await waitFor(async () => (await readiness()) === 503, 3_000, "readiness red in the freeze");
    await sleep(6_000);
    const thawedAt = Date.now();
    await cluster.thaw();
    await waitFor(
      async () => (await readiness()) === 200,
      20_000,
      "readiness green after the thaw",
    );
    await sleep(2_000);
    const outcomes = await load.stop();

    expect(server.hasExited(), server.output()).toBe(false);
    // Every request had an answer; every failure is the retryable SERVICE_UNAVAILABLE with 503.
    expect(outcomes.filter((outcome) => outcome.unanswered)).toEqual([]);
    const failures = outcomes.filter((outcome) => !outcome.acknowledged);
    for (const failure of failures) {
      expect(failure, JSON.stringify(failure)).toMatchObject({ status: 503 });
      expect(failure.codes.length).toBeGreaterThan(0);
      expect(new Set(failure.codes)).toEqual(new Set(["SERVICE_UNAVAILABLE"]));
    }
    // The outage showed, for reads and writes both, in each fault.
    const inKill = failures.filter((f) => f.startedAt >= killedAt && f.startedAt < restartedAt);
    const inFreeze = failures.filter((f) => f.startedAt >= frozenAt && f.startedAt < thawedAt);
    expect(inKill.length).toBeGreaterThan(0);
    expect(new Set(inFreeze.map((f) => f.kind))).toEqual(
      new Set(["contact", "text", "optOut", "read"]),
    );
    // In the freeze every request is answered within the request deadline (5 s) and a little.
    const frozenRequests = outcomes.filter(
      (o) => o.startedAt >= frozenAt && o.startedAt < thawedAt,
    );
    expect(Math.max(...frozenRequests.map((o) => o.elapsedMs))).toBeLessThan(6_000);
    // And it serves again with no restart: writes after recovery are acknowledged.
    const afterThaw = outcomes.filter((o) => o.startedAt > thawedAt + 1_000);
    expect(afterThaw.length).toBeGreaterThan(0);
    expect(afterThaw.every((o) => o.acknowledged)).toBe(true);
    const logLines = server.output();
    expect(logLines).not.toMatch(/Unhandled|"level":50/);

    const db = new pg.Client({ connectionString: cluster.url });
    await db.connect();
    try {
      // Contacts: every acknowledged one whole; an unacknowledged one whole or absent.
      const contacts = await db.query<{ phone_number: string; name: string }>(
        "select phone_number, name from contacts where organization_id = $1",
        [org.id],
      );
      const contactByPhone = new Map(contacts.rows.map((row) => [row.phone_number, row]));
      for (const outcome of outcomes.filter((o) => o.kind === "contact")) {
        const row = contactByPhone.get(outcome.key);
        if (outcome.acknowledged) expect(row, outcome.key).toBeDefined();
        if (row) expect(row.name).toMatch(/^Contact \d+$/);
      }
      // Texts: every acknowledged one there, whole, and sent by the resumed dispatcher.
      const acknowledgedTexts = outcomes.filter((o) => o.kind === "text" && o.acknowledged);
      await waitFor(
        async () => {
          const pending = await db.query(
            "select count(*)::int as n from texts where organization_id = $1 and status = 'ACCEPTED'",
            [org.id],
          );
          return pending.rows[0].n === 0;
        },
        45_000,
        "accepted texts dispatched",
      );
      const texts = await db.query<{ message: string; target: string; status: string }>(
        "select message, target, status from texts where organization_id = $1",
        [org.id],
      );
      const textByMessage = new Map(texts.rows.map((row) => [row.message, row]));
      for (const outcome of acknowledgedTexts) {
        expect(textByMessage.get(outcome.key), outcome.key).toMatchObject({
          target: "+14155550199",
          status: "DELIVERED",
        });
      }
      // Queued opt-outs: every acknowledged one applied by the resumed worker.
      await waitFor(
        async () => {
          const pending = await db.query(
            "select count(*)::int as n from queued_opt_out_requests where organization_id = $1 and applied_at is null",
            [org.id],
          );
          return pending.rows[0].n === 0;
        },
        45_000,
        "queued opt-outs applied",
      );
      const acknowledgedOptOuts = outcomes.filter((o) => o.kind === "optOut" && o.acknowledged);
      const queued = await db.query<{ body: string }>(
        "select request::text as body from queued_opt_out_requests where organization_id = $1",
        [org.id],
      );
      const queuedBodies = queued.rows.map((row) => row.body).join("\n");
      for (const outcome of acknowledgedOptOuts)
        expect(queuedBodies, outcome.key).toContain(outcome.key);
      for (const outcome of acknowledgedOptOuts.slice(0, 20)) {
        const { body } = await post(
          org.tokens.agent,
          `query ($contact: String!) { contactPreferenceFor(contact: $contact) { doNotText } }`,
          { contact: outcome.key },
        );
        expect(body.data?.contactPreferenceFor, outcome.key).toEqual({ doNotText: true });
      }
      console.error(
        `faults: ${outcomes.length} requests, ${failures.length} answered 503 (kill ${inKill.length}, freeze ${inFreeze.length}); ` +
          `slowest in the freeze ${Math.max(...frozenRequests.map((o) => o.elapsedMs))} ms; ` +
          `${acknowledgedTexts.length} texts and ${acknowledgedOptOuts.length} opt-outs acknowledged`,
      );
    } finally {
      await db.end();
    }
    expect(server.hasExited(), server.output()).toBe(false);
  }, 150_000);
});

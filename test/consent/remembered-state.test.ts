import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { dataOf, startTestServer, type TestOrganization, type TestServer } from "../helpers/server";
import { eventCount, flagsOf, record, smsEvent } from "./helpers";

/**
 * An instance remembers the consent state it wrote last and skips the next batch's read for those
 * values (ConsentStateCache). Whatever changed them since, elsewhere, must still be seen.
 */
const at = (seconds: number) => new Date(Date.parse("2026-11-30T12:00:00Z") + seconds * 1000);

const rollout = {
  event: "DOUBLE_OPTIN_ROLLOUT",
  updateType: "DEPLOYMENT",
  communicationAttributes: [],
};

const warningCodes = (result: { warnings: { warningCode: string }[] }) =>
  result.warnings.map((warning) => warning.warningCode);

/** An opt-in and a stop on `server`, a rollout on `switcher`: then an opt-in on `server` waits. */
async function optInAfterRollout(
  server: TestServer,
  org: TestOrganization,
  switcher: { server: TestServer; org: TestOrganization },
  value: string,
) {
  dataOf(await record(server, org, smsEvent(value, "OPTIN_MESSAGE_RECEIVED", true)));
  dataOf(await record(server, org, smsEvent(value, "STOP_MESSAGE_RECEIVED", false)));
  dataOf(await record(switcher.server, switcher.org, rollout));
  const optIn = dataOf(
    await record(server, org, smsEvent(value, "OPTIN_MESSAGE_RECEIVED", true)),
  ).recordOptOutEvent;
  expect(warningCodes(optIn)).toContain("DOUBLE_OPTIN_CONFIRMATION_REQUIRED");
  expect((await flagsOf(server, org, value))?.doNotText).toBe(true);
}

describe("remembered consent state, one instance", () => {
  let server: TestServer;
  let org: TestOrganization;
  beforeAll(async () => {
    server = await startTestServer();
    org = await server.createOrganization();
  });
  afterAll(() => server.stop());

  it("sees an admin's edit made after this instance last wrote the value", async () => {
    const value = "+14155557601";
    dataOf(await record(server, org, smsEvent(value, "OPTIN_MESSAGE_RECEIVED", true)));
    const preference = await server.gql<{ contactPreferenceFor: { id: string } }>(
      org.tokens.agent,
      `query ($c: String!) { contactPreferenceFor(contact: $c) { id } }`,
      { c: value },
    );
    const id = dataOf(preference).contactPreferenceFor.id;
    dataOf(
      await server.gql(
        org.tokens.admin,
        `mutation ($id: ID!) { updateContactPreference(id: $id, input: { doNotText: true }) { id } }`,
        { id },
      ),
    );
    const optIn = dataOf(
      await record(server, org, smsEvent(value, "OPTIN_MESSAGE_RECEIVED", true)),
    ).recordOptOutEvent;
    // Remembered, the value was still opted in; the admin had opted it out since.
    expect(optIn.event).toMatchObject({ previousOptedOut: true, newOptedOut: false });
    expect((await flagsOf(server, org, value))?.doNotText).toBe(false);
  });

  it("asks for a confirming reply once double opt-in is rolled out after it last read the switch", async () => {
    const own = await server.createOrganization();
    await optInAfterRollout(server, own, { server, org: own }, "+14155557603");
  });

  it("answers a repeat of an event it wrote from the ledger, not as a new event", async () => {
    const value = "+14155557602";
    const stop = smsEvent(value, "STOP_MESSAGE_RECEIVED", false, { messageId: "remembered-1" });
    const first = dataOf(await record(server, org, stop)).recordOptOutEvent;
    const repeat = dataOf(await record(server, org, stop)).recordOptOutEvent;
    expect(repeat.event?.id).toBe(first.event?.id);
    expect(await eventCount(server, org, value)).toBe(1);
  });
});

// Two processes cannot share one PGlite directory; this is the multi-instance case on Postgres.
describe.skipIf(process.env.TEST_DB !== "postgres")(
  "remembered consent state, two instances",
  () => {
    let shared: TestDatabase;
    let a: TestServer;
    let b: TestServer;
    let org: TestOrganization;
    let orgOnB: TestOrganization;
    beforeAll(async () => {
      shared = await createTestDatabase({ persistent: true });
      a = await startTestServer({ database: shared });
      b = await startTestServer({ database: shared });
      org = await a.createOrganization();
      orgOnB = {
        ...org,
        tokens: { ...org.tokens, service: await b.tokenFor(org.callers.service) },
      };
    });
    afterAll(async () => {
      await a.stop();
      await b.stop();
      await shared.drop();
    });

    it("supersedes a late stop on A by the newer opt-in B recorded since A last wrote", async () => {
      const value = "+14155557611";
      const event = (name: string, ok: boolean, seconds: number) =>
        smsEvent(value, name, ok, { effectiveAt: at(seconds).toISOString() });
      dataOf(await record(a, org, event("STOP_MESSAGE_RECEIVED", false, 0)));
      dataOf(await record(b, orgOnB, event("OPTIN_MESSAGE_RECEIVED", true, 20)));
      const late = dataOf(
        await record(a, org, event("STOP_MESSAGE_RECEIVED", false, 10)),
      ).recordOptOutEvent;
      expect(warningCodes(late)).toContain("SUPERSEDED");
      expect(late.event).toMatchObject({ previousOptedOut: false, newOptedOut: false });
      expect((await flagsOf(a, org, value))?.doNotText).toBe(false);
      expect(await eventCount(a, org, value)).toBe(3);
    });

    it("asks on A for a confirming reply once B rolled double opt-in out", async () => {
      const own = await a.createOrganization();
      const ownOnB = {
        ...own,
        tokens: { ...own.tokens, service: await b.tokenFor(own.callers.service) },
      };
      await optInAfterRollout(a, own, { server: b, org: ownOnB }, "+14155557614");
    });

    it("answers on A a repeat of an event B recorded, once", async () => {
      const value = "+14155557612";
      dataOf(await record(a, org, smsEvent(value, "OPTIN_MESSAGE_RECEIVED", true)));
      const stop = smsEvent(value, "STOP_MESSAGE_RECEIVED", false, { messageId: "on-b-1" });
      const onB = dataOf(await record(b, orgOnB, stop)).recordOptOutEvent;
      const repeatOnA = dataOf(await record(a, org, stop)).recordOptOutEvent;
      expect(repeatOnA.event?.id).toBe(onB.event?.id);
      expect(await eventCount(a, org, value)).toBe(2);
      expect((await flagsOf(a, org, value))?.doNotText).toBe(true);
    });

    it("ends where a sequential replay would when both instances take turns on one number", async () => {
      const value = "+14155557613";
      const events = Array.from({ length: 20 }, (_, index) => ({
        stop: index % 3 !== 1,
        seconds: (index * 7) % 20,
      }));
      for (const [index, event] of events.entries()) {
        const input = smsEvent(
          value,
          event.stop ? "STOP_MESSAGE_RECEIVED" : "OPTIN_MESSAGE_RECEIVED",
          !event.stop,
          { effectiveAt: at(event.seconds).toISOString(), messageId: `turns-${index}` },
        );
        dataOf(await (index % 2 ? record(b, orgOnB, input) : record(a, org, input)));
      }
      const latest = events.reduce((x, y) => (y.seconds > x.seconds ? y : x));
      expect((await flagsOf(a, org, value))?.doNotText).toBe(latest.stop);
      expect(await eventCount(a, org, value)).toBe(20);
    });
  },
);

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataOf, startTestServer, type TestOrganization, type TestServer } from "../helpers/server";
import { flagsOf, record, smsEvent } from "./helpers";

let server: TestServer;
let org: TestOrganization;

beforeAll(async () => {
  server = await startTestServer();
  org = await server.createOrganization();
});
afterAll(() => server.stop());

describe("consent under concurrency", () => {
  it("50 parallel STOP/START events on one number end in the latest effective event's state, with 50 ledger rows", async () => {
    const value = "+14155557300";
    const base = Date.parse("2026-11-22T12:00:00Z");
    const events = Array.from({ length: 50 }, (_, index) => ({
      stop: (index * 7) % 3 !== 0,
      effectiveAt: new Date(base + ((index * 37) % 50) * 1000).toISOString(),
    }));
    const latest = events.reduce((a, b) => (a.effectiveAt > b.effectiveAt ? a : b));
    await Promise.all(
      events.map((event, index) =>
        record(
          server,
          org,
          smsEvent(
            value,
            event.stop ? "STOP_MESSAGE_RECEIVED" : "OPTIN_MESSAGE_RECEIVED",
            !event.stop,
            {
              effectiveAt: event.effectiveAt,
              messageId: `burst-${index}`,
            },
          ),
        ).then(dataOf),
      ),
    );
    expect((await flagsOf(server, org, value))?.doNotText).toBe(latest.stop);
    const ledger = await server.gql<{ contactPreferenceFor: { events: { totalCount: number } } }>(
      org.tokens.agent,
      `{ contactPreferenceFor(contact: "${value}") { events { totalCount } } }`,
    );
    expect(dataOf(ledger).contactPreferenceFor.events.totalCount).toBe(50);
  });
});

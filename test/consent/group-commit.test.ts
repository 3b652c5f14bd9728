import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataOf, startTestServer, type TestOrganization, type TestServer } from "../helpers/server";
import { flagsOf, record, smsEvent } from "./helpers";

let server: TestServer;
let org: TestOrganization;
let other: TestOrganization;

beforeAll(async () => {
  server = await startTestServer();
  org = await server.createOrganization();
  other = await server.createOrganization();
});
afterAll(() => server.stop());

const ledgerSize = async (organization: TestOrganization, value: string) =>
  dataOf(
    await server.gql<{ contactPreferenceFor: { events: { totalCount: number } } | null }>(
      organization.tokens.agent,
      `query ($c: String!) { contactPreferenceFor(contact: $c) { events { totalCount } } }`,
      { c: value },
    ),
  ).contactPreferenceFor?.events.totalCount ?? 0;

describe("Mutation.recordOptOutEvent: concurrent events share one transaction", () => {
  it("a repeat sent at the same time as its original is recorded once and both get the same answer", async () => {
    const value = "+14155557401";
    const input = smsEvent(value, "STOP_MESSAGE_RECEIVED", false, { messageId: "twice-at-once" });
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => record(server, org, input).then(dataOf)),
    );
    const ids = new Set(answers.map((answer) => answer.recordOptOutEvent.event?.id));
    expect(ids.size).toBe(1);
    expect(await ledgerSize(org, value)).toBe(1);
    expect((await flagsOf(server, org, value))?.doNotText).toBe(true);
  });

  it("a bad event among concurrent good ones fails alone, and the good ones are applied", async () => {
    const values = Array.from({ length: 8 }, (_, index) => `+1415555750${index}`);
    const good = values.map((value) =>
      record(server, org, smsEvent(value, "STOP_MESSAGE_RECEIVED", false)),
    );
    const bad = record(server, org, smsEvent("not a number", "STOP_MESSAGE_RECEIVED", false));
    const [badAnswer, ...goodAnswers] = await Promise.all([bad, ...good]);
    expect(badAnswer.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    for (const answer of goodAnswers) expect(answer.errors).toBeUndefined();
    for (const value of values) expect((await flagsOf(server, org, value))?.doNotText).toBe(true);
  });

  it("each concurrent change answers its own event, and each organization's events stay its own", async () => {
    const value = "+14155557420";
    const events = [
      { organization: org, event: "STOP_MESSAGE_RECEIVED", ok: false, at: "2026-11-20T10:00:00Z" },
      { organization: org, event: "OPTIN_MESSAGE_RECEIVED", ok: true, at: "2026-11-20T11:00:00Z" },
      {
        organization: other,
        event: "STOP_MESSAGE_RECEIVED",
        ok: false,
        at: "2026-11-20T09:00:00Z",
      },
      { organization: org, event: "OPTIN_MESSAGE_RECEIVED", ok: true, at: "2026-11-19T11:00:00Z" },
    ];
    const answers = await Promise.all(
      events.map(({ organization, event, ok, at }) =>
        record(server, organization, smsEvent(value, event, ok, { effectiveAt: at })).then(dataOf),
      ),
    );
    expect(answers.map((answer) => answer.recordOptOutEvent.event?.effect)).toEqual([
      "OPT_OUT",
      "OPT_IN",
      "OPT_OUT",
      "OPT_IN",
    ]);
    // Whatever the order of arrival, the latest effective event decides each organization's flag.
    expect((await flagsOf(server, org, value))?.doNotText).toBe(false);
    expect((await flagsOf(server, other, value))?.doNotText).toBe(true);
    expect(await ledgerSize(org, value)).toBe(3);
    expect(await ledgerSize(other, value)).toBe(1);
  });
});

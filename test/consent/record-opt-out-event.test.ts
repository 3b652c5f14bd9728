import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  dataOf,
  errorCodes,
  startTestServer,
  type TestOrganization,
  type TestServer,
} from "../helpers/server";
import { DEPARTMENT, eventCount, flagsOf, RECORD, record, smsEvent } from "./helpers";

let server: TestServer;
let org: TestOrganization;
let phone = 1000;
const nextPhone = () => `+1415556${String(phone++).padStart(4, "0")}`;

beforeAll(async () => {
  server = await startTestServer();
  org = await server.createOrganization();
});
afterAll(() => server.stop());

describe("Mutation.recordOptOutEvent: each event type", () => {
  it.each([
    ["STOP_MESSAGE_RECEIVED", "SMS", "doNotText"],
    ["USER_REQUESTED_OPT_OUT", "VOICE", "doNotCall"],
    ["STOP_MESSAGE_RECEIVED", "EMAIL", "doNotEmail"],
  ] as const)("%s on %s sets %s", async (event, channel, flag) => {
    const value = channel === "EMAIL" ? `stop-${phone++}@example.org` : nextPhone();
    const result = dataOf(
      await record(server, org, smsEvent(value, event, false, {}, channel)),
    ).recordOptOutEvent;
    expect(result.errors).toEqual([]);
    expect(result.event).toMatchObject({
      effect: "OPT_OUT",
      previousOptedOut: false,
      newOptedOut: true,
      source: "api",
    });
    expect((await flagsOf(server, org, value))?.[flag]).toBe(true);
  });

  it("opts out on a suspected stop, with a warning", async () => {
    const value = nextPhone();
    const result = dataOf(
      await record(server, org, smsEvent(value, "STOP_SUSPECTED_MESSAGE_RECEIVED", false)),
    ).recordOptOutEvent;
    expect(result.warnings.map((warning) => warning.warningCode)).toContain("STOP_SUSPECTED");
    expect((await flagsOf(server, org, value))?.doNotText).toBe(true);
  });

  it.each(["OPTIN_MESSAGE_RECEIVED", "OPTIN_TEXT_CONSENT_VIA_MESSAGE_RECEIVED"])(
    "%s opts back in",
    async (event) => {
      const value = nextPhone();
      dataOf(await record(server, org, smsEvent(value, "STOP_MESSAGE_RECEIVED", false)));
      const result = dataOf(
        await record(server, org, smsEvent(value, event, true)),
      ).recordOptOutEvent;
      expect(result.event).toMatchObject({
        effect: "OPT_IN",
        previousOptedOut: true,
        newOptedOut: false,
      });
      expect((await flagsOf(server, org, value))?.doNotText).toBe(false);
    },
  );

  it("resolves a contradiction toward not communicating, with a warning", async () => {
    const value = nextPhone();
    const stop = dataOf(
      await record(server, org, smsEvent(value, "STOP_MESSAGE_RECEIVED", true)),
    ).recordOptOutEvent;
    expect(stop.warnings.map((warning) => warning.warningCode)).toContain(
      "CONTRADICTORY_ATTRIBUTE",
    );
    expect((await flagsOf(server, org, value))?.doNotText).toBe(true);
    const optIn = dataOf(
      await record(server, org, smsEvent(value, "OPTIN_MESSAGE_RECEIVED", false)),
    ).recordOptOutEvent;
    expect(optIn.warnings.map((warning) => warning.warningCode)).toContain(
      "CONTRADICTORY_ATTRIBUTE",
    );
    expect((await flagsOf(server, org, value))?.doNotText).toBe(true);
  });

  it("COMMUNICATION_VALUE_CREATION creates a preference but never overrides an opt-out", async () => {
    const fresh = nextPhone();
    const created = dataOf(
      await record(server, org, smsEvent(fresh, "COMMUNICATION_VALUE_CREATION", false)),
    ).recordOptOutEvent;
    expect(created.event?.effect).toBe("CREATED");
    expect((await flagsOf(server, org, fresh))?.doNotText).toBe(true);
    const stopped = nextPhone();
    dataOf(await record(server, org, smsEvent(stopped, "STOP_MESSAGE_RECEIVED", false)));
    const again = dataOf(
      await record(server, org, smsEvent(stopped, "COMMUNICATION_VALUE_CREATION", true)),
    ).recordOptOutEvent;
    expect(again.event?.effect).toBe("NONE");
    expect((await flagsOf(server, org, stopped))?.doNotText).toBe(true);
  });

  it.each([
    "GENERIC_MESSAGE_RECEIVED",
    "USER_REQUESTED_SEND_OPTIN_REQUEST",
    "COMMUNICATION_STATUS_NOT_FOUND",
  ])("%s is recorded without changing anything", async (event) => {
    const value = nextPhone();
    const result = dataOf(
      await record(server, org, smsEvent(value, event, true)),
    ).recordOptOutEvent;
    expect(result.event?.effect).toBe("NONE");
    expect(await flagsOf(server, org, value)).toBeNull();
    if (event === "COMMUNICATION_STATUS_NOT_FOUND") {
      expect(result.warnings.map((warning) => warning.warningCode)).toContain(
        "COMMUNICATION_STATUS_NOT_FOUND",
      );
    }
  });

  it("DOUBLE_OPTIN_ROLLOUT makes later opt-ins wait for the confirming reply; ROLLBACK ends it", async () => {
    const own = await server.createOrganization();
    const value = "+14155569999";
    dataOf(await record(server, own, smsEvent(value, "STOP_MESSAGE_RECEIVED", false)));
    dataOf(
      await record(server, own, {
        event: "DOUBLE_OPTIN_ROLLOUT",
        updateType: "DEPLOYMENT",
        communicationAttributes: [],
      }),
    );
    const requested = dataOf(
      await record(server, own, smsEvent(value, "OPTIN_MESSAGE_RECEIVED", true)),
    ).recordOptOutEvent;
    expect(requested.warnings.map((warning) => warning.warningCode)).toContain(
      "DOUBLE_OPTIN_CONFIRMATION_REQUIRED",
    );
    expect((await flagsOf(server, own, value))?.doNotText).toBe(true);
    dataOf(
      await record(server, own, smsEvent(value, "OPTIN_TEXT_CONSENT_VIA_MESSAGE_RECEIVED", true)),
    );
    expect((await flagsOf(server, own, value))?.doNotText).toBe(false);
    dataOf(
      await record(server, own, {
        event: "DOUBLE_OPTIN_ROLLBACK",
        updateType: "DEPLOYMENT",
        communicationAttributes: [],
      }),
    );
    const organization = await server.gql<{ organization: { doubleOptIn: boolean } }>(
      own.tokens.agent,
      `{ organization { doubleOptIn } }`,
    );
    expect(dataOf(organization).organization.doubleOptIn).toBe(false);
  });

  it("an applied opt-in uses up its confirmation: a later STOP needs a new one", async () => {
    const own = await server.createOrganization();
    const value = "+14155569998";
    const deployment = (event: string) => ({
      event,
      updateType: "DEPLOYMENT",
      communicationAttributes: [],
    });
    dataOf(await record(server, own, deployment("DOUBLE_OPTIN_ROLLOUT")));
    dataOf(await record(server, own, smsEvent(value, "STOP_MESSAGE_RECEIVED", false)));
    dataOf(await record(server, own, smsEvent(value, "OPTIN_MESSAGE_RECEIVED", true)));
    const confirm = () =>
      record(server, own, smsEvent(value, "OPTIN_TEXT_CONSENT_VIA_MESSAGE_RECEIVED", true));
    dataOf(await confirm());
    expect((await flagsOf(server, own, value))?.doNotText).toBe(false);

    dataOf(await record(server, own, smsEvent(value, "STOP_MESSAGE_RECEIVED", false)));
    const unconfirmed = dataOf(await confirm()).recordOptOutEvent;
    expect(unconfirmed.warnings.map((warning) => warning.warningCode)).toContain(
      "DOUBLE_OPTIN_CONFIRMATION_REQUIRED",
    );
    expect((await flagsOf(server, own, value))?.doNotText).toBe(true);
  });
});

describe("Mutation.recordOptOutEvent: statements per event", () => {
  const statementsFor = async (input: Record<string, unknown>) => {
    const response = await server.gql(
      org.tokens.service,
      `mutation ($departmentId: ID!, $input: OptOutEventInput!) {
        recordOptOutEvent(departmentId: $departmentId, input: $input) { errors { errorCode } }
      }`,
      { departmentId: DEPARTMENT, input },
    );
    dataOf(response);
    return response.extensions?.sqlStatements;
  };

  // Not in a transaction: one statement reads the preference and the ledger together, one writes
  // the event with the flag if the preference is still as read. A value this instance wrote last
  // needs no read: the write's version check stands in for it.
  it("a STOP on a known number is one read and one write; a repeat writes nothing", async () => {
    const value = nextPhone();
    dataOf(
      await server.gql(
        org.tokens.admin,
        `mutation ($c: String!) { createContactPreference(input: { contact: $c }) { id } }`,
        { c: value },
      ),
    );
    const stop = smsEvent(value, "STOP_MESSAGE_RECEIVED", false, { messageId: "count-1" });
    expect(await statementsFor(stop)).toBe(2);
    // the read, then the earlier event it answers with
    expect(await statementsFor(stop)).toBe(2);
    expect((await flagsOf(server, org, value))?.doNotText).toBe(true);
  });

  it("an event on a value this instance wrote last is one write", async () => {
    const value = nextPhone();
    await statementsFor(smsEvent(value, "OPTIN_MESSAGE_RECEIVED", true));
    expect(
      await statementsFor(smsEvent(value, "STOP_MESSAGE_RECEIVED", false, { messageId: "c-2" })),
    ).toBe(1);
    expect(await statementsFor(smsEvent(value, "OPTIN_MESSAGE_RECEIVED", true))).toBe(1);
    expect((await flagsOf(server, org, value))?.doNotText).toBe(false);
  });
});

describe("Mutation.recordOptOutEvent: idempotency and order", () => {
  it("a repeat with the same message id, event and value changes nothing and answers the same", async () => {
    const value = nextPhone();
    const input = smsEvent(value, "STOP_MESSAGE_RECEIVED", false, { messageId: "msg-42" });
    const first = dataOf(await record(server, org, input)).recordOptOutEvent;
    dataOf(
      await record(
        server,
        org,
        smsEvent(value, "OPTIN_MESSAGE_RECEIVED", true, { messageId: "msg-43" }),
      ),
    );
    const events = () => eventCount(server, org, value);
    expect(await events()).toBe(2);
    const repeat = dataOf(await record(server, org, input)).recordOptOutEvent;
    expect(repeat.event?.id).toBe(first.event?.id);
    expect(repeat.warnings).toEqual(first.warnings);
    expect(await events()).toBe(2);
    expect((await flagsOf(server, org, value))?.doNotText).toBe(false);
  });

  it("an opt-out applied after a newer creation of its value still opts out (a creation never overrides an opt-out)", async () => {
    // An inbound STOP and a creation of the same new number at the same moment: the creation
    // commits first though the STOP took effect a moment earlier.
    const value = nextPhone();
    dataOf(
      await record(
        server,
        org,
        smsEvent(value, "COMMUNICATION_VALUE_CREATION", true, {
          effectiveAt: "2026-11-20T10:00:01Z",
        }),
      ),
    );
    const stop = dataOf(
      await record(
        server,
        org,
        smsEvent(value, "STOP_MESSAGE_RECEIVED", false, { effectiveAt: "2026-11-20T10:00:00Z" }),
      ),
    ).recordOptOutEvent;
    expect(stop.warnings.map((warning) => warning.warningCode)).not.toContain("SUPERSEDED");
    expect(stop.event?.newOptedOut).toBe(true);
    expect((await flagsOf(server, org, value))?.doNotText).toBe(true);
    // A late opt-in older than that creation still does not re-open the channel.
    const late = dataOf(
      await record(
        server,
        org,
        smsEvent(value, "OPTIN_MESSAGE_RECEIVED", true, { effectiveAt: "2026-11-20T09:00:00Z" }),
      ),
    ).recordOptOutEvent;
    expect(late.warnings.map((warning) => warning.warningCode)).toContain("SUPERSEDED");
    expect((await flagsOf(server, org, value))?.doNotText).toBe(true);
  });

  it("a late opt-in older than the latest opt-out does not re-open the channel", async () => {
    const value = nextPhone();
    dataOf(
      await record(
        server,
        org,
        smsEvent(value, "STOP_MESSAGE_RECEIVED", false, { effectiveAt: "2026-11-20T10:00:00Z" }),
      ),
    );
    const late = dataOf(
      await record(
        server,
        org,
        smsEvent(value, "OPTIN_MESSAGE_RECEIVED", true, { effectiveAt: "2026-11-19T10:00:00Z" }),
      ),
    ).recordOptOutEvent;
    expect(late.warnings.map((warning) => warning.warningCode)).toContain("SUPERSEDED");
    expect((await flagsOf(server, org, value))?.doNotText).toBe(true);
    const consent = await server.gql<{
      effectiveConsent: { allowed: boolean; decidedBy: { eventType: string } };
    }>(
      org.tokens.agent,
      `query ($c: String!) { effectiveConsent(contact: $c, channel: SMS) { allowed since decidedBy { eventType } } }`,
      { c: value },
    );
    expect(dataOf(consent).effectiveConsent).toMatchObject({
      allowed: false,
      decidedBy: { eventType: "STOP_MESSAGE_RECEIVED" },
    });
  });
});

describe("Mutation.recordOptOutEvent: bad input and roles", () => {
  it("names the field and writes nothing, all-or-nothing across attributes", async () => {
    const good = nextPhone();
    const cases: [string, Record<string, unknown>, string][] = [
      ["not-a-uuid", smsEvent(good, "STOP_MESSAGE_RECEIVED", false), "departmentId"],
      [
        DEPARTMENT,
        { ...smsEvent(good, "STOP_MESSAGE_RECEIVED", false), communicationAttributes: [] },
        "input.communicationAttributes",
      ],
      [
        DEPARTMENT,
        {
          ...smsEvent(good, "STOP_MESSAGE_RECEIVED", false),
          communicationAttributes: [
            { communicationType: "SMS", communicationValue: good, okToCommunicate: false },
            {
              communicationType: "EMAIL",
              communicationValue: "not-an-email",
              okToCommunicate: false,
            },
          ],
        },
        "input.communicationAttributes.1.communicationValue",
      ],
      [
        DEPARTMENT,
        smsEvent("call me maybe", "STOP_MESSAGE_RECEIVED", false),
        "input.communicationAttributes.0.communicationValue",
      ],
    ];
    for (const [departmentId, input, field] of cases) {
      const response = await server.gql(org.tokens.service, RECORD, { departmentId, input });
      expect(response.errors?.[0].extensions, field).toMatchObject({
        code: "BAD_USER_INPUT",
        field,
      });
    }
    const unknownEvent = await server.gql(org.tokens.service, RECORD, {
      departmentId: DEPARTMENT,
      input: smsEvent(good, "PLEASE_STOP", false),
    });
    expect(unknownEvent.errors?.[0].extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "input.event",
    });
    expect(await flagsOf(server, org, good)).toBeNull();
  });

  it("lets service and admin record, not agents", async () => {
    const value = nextPhone();
    expect(
      errorCodes(
        await record(
          server,
          org,
          smsEvent(value, "STOP_MESSAGE_RECEIVED", false),
          org.tokens.agent,
        ),
      ),
    ).toEqual(["FORBIDDEN"]);
    expect(
      dataOf(
        await record(
          server,
          org,
          smsEvent(value, "STOP_MESSAGE_RECEIVED", false),
          org.tokens.admin,
        ),
      ).recordOptOutEvent.event?.source,
    ).toBe("agent");
  });

  it("keeps organizations apart", async () => {
    const value = nextPhone();
    dataOf(await record(server, org, smsEvent(value, "STOP_MESSAGE_RECEIVED", false)));
    const other = await server.createOrganization();
    expect(await flagsOf(server, other, value)).toBeNull();
  });
});

describe("ContactPreference.events", () => {
  it("records an admin's direct flag changes in the ledger too, with source agent", async () => {
    const created = await server.gql<{ createContactPreference: { id: string } }>(
      org.tokens.admin,
      `mutation { createContactPreference(input: { contact: "+14155558800", doNotText: true }) { id } }`,
    );
    const id = dataOf(created).createContactPreference.id;
    dataOf(
      await server.gql(
        org.tokens.admin,
        `mutation { updateContactPreference(id: "${id}", input: { doNotText: false, doNotCall: true }) { id } }`,
      ),
    );
    dataOf(
      await server.gql(
        org.tokens.admin,
        `mutation { updateContactPreference(id: "${id}", input: { reason: "no flag change" }) { id } }`,
      ),
    );
    const ledger = await server.gql<{
      contactPreference: {
        events: {
          totalCount: number;
          nodes: { channel: string; effect: string; source: string; newOptedOut: boolean }[];
        };
      };
    }>(
      org.tokens.agent,
      `{ contactPreference(id: "${id}") { events(first: 10) { totalCount nodes { channel effect source newOptedOut } } } }`,
    );
    expect(dataOf(ledger).contactPreference.events).toEqual({
      totalCount: 3,
      nodes: [
        { channel: "SMS", effect: "OPT_OUT", source: "agent", newOptedOut: true },
        { channel: "SMS", effect: "OPT_IN", source: "agent", newOptedOut: false },
        { channel: "VOICE", effect: "OPT_OUT", source: "agent", newOptedOut: true },
      ],
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { newId } from "../../src/lib/ids";
import { receiveSms } from "../helpers/inbound";
import { startTestServer, type TestOrganization, type TestServer } from "../helpers/server";
import { createTextAccountWithNumber } from "../helpers/texts";
import { startTwilioStub, twilioEnv, type TwilioStub } from "../helpers/twilio-stub";

let stub: TwilioStub;
let server: TestServer;
let org: TestOrganization;
const organizationId = newId();

const NUL = "Bad\u0000value";
const LONE_SURROGATES = ["Bad\ud800value", "trailing \udc00", "ends with \ud83d"];

/** Rows of every table that a refused request could have written to. */
const TABLES = [
  "contacts",
  "contact_preferences",
  "consent_events",
  "queued_opt_out_requests",
  "individuals",
  "individual_groups",
  "channels",
  "messages",
  "texts",
  "text_accounts",
  "text_numbers",
  "video_channels",
  "video_participants",
];

async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const result = (await server.app.database.db.execute(
      sql.raw(`select count(*)::int as n from ${table}`),
    )) as unknown as { rows: { n: number }[] };
    counts[table] = Number(result.rows[0].n);
  }
  return counts;
}

interface Case {
  name: string;
  field: string;
  /** The operation with the string as a variable ($v sits at `field`). */
  query: string;
  variables(value: string): Record<string, unknown>;
  /** The same operation with the string written into the document. */
  literal(value: string): string;
}

const id = newId();
const CASES: Case[] = [
  {
    name: "createContact",
    field: "input.name",
    query: `mutation ($input: CreateContactInput!) { createContact(input: $input) { id } }`,
    variables: (value) => ({ input: { name: value, phoneNumber: "+14155550100" } }),
    literal: (value) => `mutation { createContact(input: { name: ${value} }) { id } }`,
  },
  {
    name: "updateContact",
    field: "input.email",
    query: `mutation ($id: ID!, $input: UpdateContactInput!) { updateContact(id: $id, input: $input) { id } }`,
    variables: (value) => ({ id, input: { email: value } }),
    literal: (value) =>
      `mutation { updateContact(id: "${id}", input: { email: ${value} }) { id } }`,
  },
  {
    name: "createContactPreference",
    field: "input.reason",
    query: `mutation ($input: ContactPreferenceInput!) { createContactPreference(input: $input) { id } }`,
    variables: (value) => ({ input: { contact: "+14155550101", reason: value } }),
    literal: (value) =>
      `mutation { createContactPreference(input: { contact: "+14155550101", reason: ${value} }) { id } }`,
  },
  {
    name: "recordOptOutEvent",
    field: "input.communicationAttributes.1.communicationValue",
    query: `mutation ($input: OptOutEventInput!) { recordOptOutEvent(departmentId: "${id}", input: $input) { __typename } }`,
    variables: (value) => ({
      input: {
        event: "USER_REQUESTED_OPT_OUT",
        updateType: "CUSTOMER",
        communicationAttributes: [
          { communicationType: "SMS", communicationValue: "+14155550102", okToCommunicate: false },
          { communicationType: "SMS", communicationValue: value, okToCommunicate: false },
        ],
      },
    }),
    literal: (value) =>
      `mutation { recordOptOutEvent(departmentId: "${id}", input: { event: USER_REQUESTED_OPT_OUT, updateType: CUSTOMER,
        communicationAttributes: [
          { communicationType: SMS, communicationValue: "+14155550102", okToCommunicate: false },
          { communicationType: SMS, communicationValue: ${value}, okToCommunicate: false }] }) { __typename } }`,
  },
  {
    name: "createIndividual",
    field: "input.firstName",
    query: `mutation ($input: CreateIndividualInput!) { createIndividual(input: $input) { id } }`,
    variables: (value) => ({ input: { firstName: value } }),
    literal: (value) => `mutation { createIndividual(input: { firstName: ${value} }) { id } }`,
  },
  {
    name: "createChannel",
    field: "input.label",
    query: `mutation ($input: CreateChannelInput!) { createChannel(input: $input) { id } }`,
    variables: (value) => ({ input: { name: "Front desk", label: value } }),
    literal: (value) =>
      `mutation { createChannel(input: { name: "Front desk", label: ${value} }) { id } }`,
  },
  {
    name: "postMessage",
    field: "input.body",
    query: `mutation ($input: PostMessageInput!) { postMessage(input: $input) { id } }`,
    variables: (value) => ({ input: { channelId: id, body: value } }),
    literal: (value) =>
      `mutation { postMessage(input: { channelId: "${id}", body: ${value} }) { id } }`,
  },
  {
    name: "sendText",
    field: "input.message",
    query: `mutation ($input: SendTextInput!) { sendText(input: $input) { id } }`,
    variables: (value) => ({
      input: { accountId: id, target: "+14155550103", message: value },
    }),
    literal: (value) =>
      `mutation { sendText(input: { accountId: "${id}", target: "+14155550103", message: ${value} }) { id } }`,
  },
  {
    name: "sendText expectedResponses",
    field: "input.expectedResponses.1",
    query: `mutation ($input: SendTextInput!) { sendText(input: $input) { id } }`,
    variables: (value) => ({
      input: {
        accountId: id,
        target: "+1415555010",
        message: "Hi",
        expectedResponses: ["YES", value],
      },
    }),
    literal: (value) =>
      `mutation { sendText(input: { accountId: "${id}", target: "+14155550103", message: "Hi", expectedResponses: ["YES", ${value}] }) { id } }`,
  },
  {
    name: "createVideoChannel",
    field: "input.participants.0.firstName",
    query: `mutation ($input: CreateVideoChannelInput!) { createVideoChannel(input: $input) { id } }`,
    variables: (value) => ({ input: { participants: [{ individualId: id, firstName: value }] } }),
    literal: (value) =>
      `mutation { createVideoChannel(input: { participants: [{ individualId: "${id}", firstName: ${value} }] }) { id } }`,
  },
  {
    name: "contacts filter",
    field: "filter.name",
    query: `query ($filter: ContactFilter) { contacts(filter: $filter) { totalCount } }`,
    variables: (value) => ({ filter: { name: value } }),
    literal: (value) => `{ contacts(filter: { name: ${value} }) { totalCount } }`,
  },
  {
    name: "contactByPhoneNumber, through a fragment",
    field: "phoneNumber",
    query: `query ($phone: String!) { ...lookup } fragment lookup on Query { contactByPhoneNumber(phoneNumber: $phone) { id } }`,
    variables: (value) => ({ phone: value }),
    literal: (value) =>
      `{ ...lookup } fragment lookup on Query { contactByPhoneNumber(phoneNumber: ${value}) { id } }`,
  },
];

beforeAll(async () => {
  stub = await startTwilioStub();
  server = await startTestServer({
    env: { ...twilioEnv(stub), SERVICE_ACCOUNTS: `ingest:s3cret-pass@${organizationId}` },
  });
  await server.app.services.organizations.create({
    id: organizationId,
    name: "Hostile strings",
    defaultRegion: "US",
  });
  org = await server.createOrganization();
});
afterAll(async () => {
  await server.stop();
  await stub.stop();
});

describe("strings no column can store (NUL, unpaired surrogates)", () => {
  for (const testCase of CASES) {
    it(`${testCase.name}: BAD_USER_INPUT naming ${testCase.field}, nothing written`, async () => {
      const before = await rowCounts();
      for (const value of [NUL, ...LONE_SURROGATES]) {
        const response = await server.gql(
          org.tokens.admin,
          testCase.query,
          testCase.variables(value),
        );
        expect(response.status, JSON.stringify(response)).toBe(400);
        expect(response.errors).toHaveLength(1);
        expect(response.errors?.[0].extensions).toMatchObject({
          code: "BAD_USER_INPUT",
          field: testCase.field,
        });
        expect(response.errors?.[0].message).toMatch(/NUL|surrogate/);
      }
      // "\u0000" is a GraphQL escape like JSON's: the literal reaches the same rule.
      const literal = await server.gql(org.tokens.admin, testCase.literal(JSON.stringify(NUL)));
      expect(literal.status).toBe(400);
      expect(literal.errors?.[0].extensions).toMatchObject({
        code: "BAD_USER_INPUT",
        field: testCase.field,
      });
      // GraphQL's grammar has no unpaired surrogate, escaped or not: the parser refuses it.
      for (const value of LONE_SURROGATES) {
        for (const written of [JSON.stringify(value), `"${value}"`]) {
          const response = await server.gql(org.tokens.admin, testCase.literal(written));
          expect(response.status).toBe(400);
          expect(response.errors?.[0].extensions?.code).toBe("GRAPHQL_PARSE_FAILED");
        }
      }
      expect(await rowCounts()).toEqual(before);
    });
  }

  it("names a variable inside a literal object by the argument's path", async () => {
    const response = await server.gql(
      org.tokens.admin,
      `mutation ($name: String!) { createContact(input: { name: $name }) { id } }`,
      { name: NUL },
    );
    expect(response.errors?.[0].extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "input.name",
    });
  });

  it("leaves well-formed text alone: emoji, CJK, combining marks, a paired surrogate", async () => {
    const name = "Zoë 🦄 東京 e\u0301";
    const response = await server.gql<{ createContact: { name: string } }>(
      org.tokens.admin,
      `mutation ($input: CreateContactInput!) { createContact(input: $input) { name } }`,
      { input: { name } },
    );
    expect(response.data?.createContact.name).toBe(name);
  });
});

describe("REST routes answer 400 for such strings", () => {
  const basic = `Basic ${Buffer.from("ingest:s3cret-pass").toString("base64")}`;

  it("POST /communications/department/:id/optoutstatus", async () => {
    const before = await rowCounts();
    for (const value of [NUL, ...LONE_SURROGATES]) {
      const response = await fetch(
        `${server.origin}/communications/department/${newId()}/optoutstatus`,
        {
          method: "POST",
          headers: { authorization: basic, "content-type": "application/json" },
          body: JSON.stringify({
            event: "USER_REQUESTED_OPT_OUT",
            updateType: "CUSTOMER",
            apiCallSource: value,
            communicationAttributesList: [
              {
                communicationType: "SMS",
                communicationValue: "+14155550104",
                okToCommunicate: false,
              },
            ],
          }),
        },
      );
      expect(response.status).toBe(400);
      const body = (await response.json()) as {
        errors: { errorCode: string; errorDescription: string }[];
      };
      expect(body.errors[0].errorCode).toBe("BAD_USER_INPUT");
      expect(body.errors[0].errorDescription).toMatch(/apiCallSource/);
    }
    expect(await rowCounts()).toEqual(before);
  });

  it("Twilio's inbound webhook", async () => {
    const { number } = await createTextAccountWithNumber(server.app.services, org.callers.admin);
    const before = await rowCounts();
    const status = await receiveSms(stub, server.origin, org.id, {
      from: "+14155550105",
      to: number.phoneNumber,
      body: `STOP${NUL}`,
    });
    expect(status).toBe(400);
    expect(await rowCounts()).toEqual(before);
  });

  it("POST /v1/texts/:id/callback", async () => {
    for (const value of [NUL, ...LONE_SURROGATES]) {
      const response = await fetch(`${server.origin}/v1/texts/${newId()}/callback`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${org.tokens.service}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ status: "failed", error: value }),
      });
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(/error must not contain/);
    }
  });
});

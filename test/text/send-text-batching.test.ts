import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataOf, startTestServer, type TestOrganization, type TestServer } from "../helpers/server";
import { eventually, startTwilioStub, twilioEnv, type TwilioStub } from "../helpers/twilio-stub";

let stub: TwilioStub;
let server: TestServer;
let org: TestOrganization;
let other: TestOrganization;
let accountId: string;

async function createAccount(organization: TestOrganization, phoneNumber: string) {
  const account = await server.gql<{ createTextAccount: { id: string } }>(
    organization.tokens.admin,
    `mutation { createTextAccount(input: { allowCustomNumber: false }) { id } }`,
  );
  const id = dataOf(account).createTextAccount.id;
  dataOf(
    await server.gql(
      organization.tokens.admin,
      `mutation ($input: CreateTextNumberInput!) { createTextNumber(input: $input) { id } }`,
      { input: { accountId: id, phoneNumber } },
    ),
  );
  return id;
}

async function textsTo(target: string): Promise<number> {
  const listed = await server.gql<{ texts: { totalCount: number } }>(
    org.tokens.agent,
    `query ($accountId: ID!, $target: String!) { texts(accountId: $accountId, filter: { target: $target }) { totalCount } }`,
    { accountId, target },
  );
  return dataOf(listed).texts.totalCount;
}

beforeAll(async () => {
  stub = await startTwilioStub();
  server = await startTestServer({ env: twilioEnv(stub) });
  org = await server.createOrganization();
  other = await server.createOrganization();
  accountId = await createAccount(org, "(415) 555-0000");
  await createAccount(other, "(415) 555-0001");
  dataOf(
    await server.gql(
      org.tokens.admin,
      `mutation { createContactPreference(input: { contact: "+14155550299", doNotText: true }) { id } }`,
    ),
  );
});
afterAll(async () => {
  await server.stop();
  await stub.stop();
});

/** A sendText call's outcome: the text's status, or its error code. */
async function outcome(promise: Promise<{ status: string }>): Promise<string> {
  try {
    return (await promise).status;
  } catch (error) {
    return String((error as { extensions?: { code?: unknown } }).extensions?.code ?? error);
  }
}

describe("Mutation.sendText under concurrency (group commit)", () => {
  // Called on the service side by side, so the calls certainly share batches (over HTTP an
  // embedded database may answer each before the next arrives).
  it("gives each of many concurrent callers its own answer: texts, OPTED_OUT, NOT_FOUND and bad input", async () => {
    const send = (caller: typeof org.callers.agent, target: string, message: string) =>
      server.app.services.texts.send(caller, {
        accountId,
        target,
        message,
        marketing: false,
        holdForQuietHours: true,
      });
    const accepted = Array.from({ length: 40 }, (_, index) => ({
      caller: org.callers.agent,
      target: `+1415555${String(2000 + index)}`,
      message: `Hello ${index}`,
      expected: "ACCEPTED",
    }));
    const refused = [
      { caller: org.callers.agent, target: "(415) 555-0299", message: "hi", expected: "OPTED_OUT" },
      { caller: other.callers.agent, target: "+14155552100", message: "hi", expected: "NOT_FOUND" },
      {
        caller: org.callers.agent,
        target: "not a phone",
        message: "hi",
        expected: "BAD_USER_INPUT",
      },
      {
        caller: org.callers.agent,
        target: "+14155552101",
        message: " ",
        expected: "BAD_USER_INPUT",
      },
    ];
    // The refused calls go in the middle, among accepted ones.
    const calls = [...accepted.slice(0, 20), ...refused, ...accepted.slice(20)];
    const promises = calls.map((call) => send(call.caller, call.target, call.message));
    const outcomes = await Promise.all(promises.map(outcome));
    expect(outcomes).toEqual(calls.map((call) => call.expected));
    const texts = (await Promise.allSettled(promises)).flatMap((settled) =>
      settled.status === "fulfilled" ? [settled.value] : [],
    );
    expect(texts.map((text) => [text.target, text.message])).toEqual(
      accepted.map((call) => [call.target, call.message]),
    );
    expect(new Set(texts.map((text) => text.id)).size).toBe(accepted.length);

    expect(await textsTo("+14155550299")).toBe(0);
    expect(await textsTo("+14155552100")).toBe(0);
    expect(await textsTo("+14155552101")).toBe(0);
    await eventually(async () => stub.messages.length >= accepted.length, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stub.messages.map((message) => message.to).sort()).toEqual(
      accepted.map((call) => call.target).sort(),
    );
  });
});

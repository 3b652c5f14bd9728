import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPLIES } from "../../src/modules/text/text-inbound.service";
import { receiveSms } from "../helpers/inbound";
import {
  dataOf,
  errorCodes,
  startTestServer,
  type TestOrganization,
  type TestServer,
} from "../helpers/server";
import { createTextAccountWithNumber } from "../helpers/texts";
import { eventually, startTwilioStub, twilioEnv, type TwilioStub } from "../helpers/twilio-stub";

const OUR_NUMBER = "+14155550000";
let stub: TwilioStub;
let server: TestServer;
let org: TestOrganization;
let accountId: string;

beforeAll(async () => {
  stub = await startTwilioStub();
  server = await startTestServer({ env: twilioEnv(stub) });
  org = await server.createOrganization();
  accountId = (
    await createTextAccountWithNumber(server.app.services, org.callers.admin, OUR_NUMBER)
  ).account.id;
});
afterAll(async () => {
  await server.stop();
  await stub.stop();
});

const inbound = (from: string, body: string, sid?: string) =>
  receiveSms(stub, server.origin, org.id, { from, to: OUR_NUMBER, body, sid });
const repliesTo = (number: string) =>
  stub.messages.filter((message) => message.to === number).map((message) => message.body);
const doNotText = async (number: string) =>
  (
    await server.gql<{ contactPreferenceFor: { doNotText: boolean } | null }>(
      org.tokens.agent,
      `query ($c: String!) { contactPreferenceFor(contact: $c) { doNotText } }`,
      { c: number },
    )
  ).data?.contactPreferenceFor?.doNotText ?? false;
const settle = () => new Promise((resolve) => setTimeout(resolve, 600));

describe("inbound text webhook: keywords (CONSENT.md)", () => {
  it("STOP opts out with one confirmation; a repeated STOP sends none; START opts back in with one", async () => {
    const number = "+14155557400";
    expect(await inbound(number, "Stop")).toBe(200);
    expect(await doNotText(number)).toBe(true);
    await eventually(async () => repliesTo(number).length === 1);
    expect(repliesTo(number)).toEqual([REPLIES.STOP]);
    expect(await inbound(number, "STOP")).toBe(200);
    await settle();
    expect(repliesTo(number)).toHaveLength(1);
    expect(await inbound(number, "start")).toBe(200);
    expect(await doNotText(number)).toBe(false);
    await eventually(async () => repliesTo(number).length === 2);
    expect(repliesTo(number)).toEqual([REPLIES.STOP, REPLIES.START]);
  });

  it("records the keyword in the ledger with the raw inbound text and source keyword", async () => {
    const number = "+14155557401";
    await inbound(number, "please stop texting me");
    const ledger = await server.gql<{
      contactPreferenceFor: {
        events: { nodes: { eventType: string; source: string; inboundText: string }[] };
      };
    }>(
      org.tokens.agent,
      `{ contactPreferenceFor(contact: "${number}") { events { nodes { eventType source inboundText } } } }`,
    );
    expect(dataOf(ledger).contactPreferenceFor.events.nodes).toEqual([
      {
        eventType: "STOP_SUSPECTED_MESSAGE_RECEIVED",
        source: "keyword",
        inboundText: "please stop texting me",
      },
    ]);
  });

  it("answers HELP, except to a number that opted out", async () => {
    const allowed = "+14155557402";
    await inbound(allowed, "HELP");
    await eventually(async () => repliesTo(allowed).length === 1);
    expect(repliesTo(allowed)).toEqual([REPLIES.HELP]);
    const stopped = "+14155557403";
    await inbound(stopped, "STOP");
    await eventually(async () => repliesTo(stopped).length === 1);
    await inbound(stopped, "help");
    await settle();
    expect(repliesTo(stopped)).toEqual([REPLIES.STOP]);
  });

  it("is idempotent on the provider message id", async () => {
    const number = "+14155557404";
    await inbound(number, "STOP", "SMrepeat1");
    await inbound(number, "STOP", "SMrepeat1");
    await inbound(number, "START", "SMrepeat1");
    await settle();
    expect(await doNotText(number)).toBe(true);
    const texts = await server.gql<{ texts: { totalCount: number } }>(
      org.tokens.agent,
      `query ($a: ID!) { texts(accountId: $a, filter: { direction: INBOUND, target: "${OUR_NUMBER}" }) { nodes { from } totalCount } }`,
      { a: accountId },
    );
    expect(dataOf(texts).texts.totalCount).toBeGreaterThan(0);
    expect(repliesTo(number)).toEqual([REPLIES.STOP]);
  });

  it("refuses an unsigned or wrongly signed webhook with 401", async () => {
    const response = await fetch(`${server.origin}/webhooks/twilio/${org.id}/inbound`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-twilio-signature": "bm9wZQ==",
      },
      body: new URLSearchParams({
        MessageSid: "SMx",
        From: "+14155557405",
        To: OUR_NUMBER,
        Body: "STOP",
      }),
    });
    expect(response.status).toBe(401);
    expect(await doNotText("+14155557405")).toBe(false);
  });

  it("turns a provider refusal (21610) into a consent event with source provider", async () => {
    const number = "+14155557406";
    stub.unsubscribed.add(number);
    const sent = await server.gql<{ sendText: { id: string } }>(
      org.tokens.agent,
      `mutation ($input: SendTextInput!) { sendText(input: $input) { id } }`,
      { input: { accountId, target: number, message: "hello" } },
    );
    dataOf(sent);
    await eventually(async () => doNotText(number));
    const ledger = await server.gql<{
      contactPreferenceFor: { events: { nodes: { source: string; effect: string }[] } };
    }>(
      org.tokens.agent,
      `{ contactPreferenceFor(contact: "${number}") { events { nodes { source effect } } } }`,
    );
    expect(dataOf(ledger).contactPreferenceFor.events.nodes).toEqual([
      { source: "provider", effect: "OPT_OUT" },
    ]);
    const again = await server.gql(
      org.tokens.agent,
      `mutation ($input: SendTextInput!) { sendText(input: $input) { id } }`,
      {
        input: { accountId, target: number, message: "hello again" },
      },
    );
    expect(errorCodes(again)).toEqual(["OPTED_OUT"]);
  });
});

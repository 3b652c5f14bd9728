import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataOf, startTestServer, type TestOrganization, type TestServer } from "../helpers/server";
import { createTextAccountWithNumber } from "../helpers/texts";
import { eventually, startTwilioStub, twilioEnv, type TwilioStub } from "../helpers/twilio-stub";
import {
  createTestChannel,
  createTestIndividual,
  type TestIndividual,
} from "../messaging/fixtures";

let stub: TwilioStub;
let server: TestServer;
let org: TestOrganization;
let author: TestIndividual;
let textable: TestIndividual;
let stopped: TestIndividual;
let channelId: string;

beforeAll(async () => {
  stub = await startTwilioStub();
  server = await startTestServer({ env: twilioEnv(stub) });
  org = await server.createOrganization();
  const { number } = await createTextAccountWithNumber(
    server.app.services,
    org.callers.admin,
    "+14155550000",
  );
  author = await createTestIndividual(
    server,
    org,
    { firstName: "Nurse", phoneNumber: "+14155557500" },
    ["admin"],
  );
  textable = await createTestIndividual(server, org, {
    firstName: "Pat",
    phoneNumber: "+14155557501",
  });
  stopped = await createTestIndividual(server, org, {
    firstName: "Sam",
    phoneNumber: "+14155557502",
  });
  dataOf(
    await server.gql(
      org.tokens.admin,
      `mutation { createContactPreference(input: { contact: "+14155557502", doNotText: true }) { id } }`,
    ),
  );
  channelId = await createTestChannel(server, author.token, {
    name: "Care team",
    textNumberId: number.id,
    subscribers: [{ individualId: textable.id }, { individualId: stopped.id }],
  });
});
afterAll(async () => {
  await server.stop();
  await stub.stop();
});

describe("SMS path of channel messages", () => {
  it("texts every textable subscriber but the author through the outbox, skipping who opted out", async () => {
    dataOf(
      await server.gql(
        author.token,
        `mutation ($id: ID!) { setChannelSms(id: $id, enabled: true) { withSms } }`,
        { id: channelId },
      ),
    );
    dataOf(
      await server.gql(
        author.token,
        `mutation ($input: PostMessageInput!) { postMessage(input: $input) { id } }`,
        {
          input: { channelId, body: "Your results are in" },
        },
      ),
    );
    await eventually(async () =>
      stub.messages.some((message) => message.body === "Your results are in"),
    );
    await new Promise((resolve) => setTimeout(resolve, 400));
    const sent = stub.messages
      .filter((message) => message.body === "Your results are in")
      .map((message) => message.to);
    expect(sent).toEqual(["+14155557501"]);
  });

  it("writes no text for a draft", async () => {
    dataOf(
      await server.gql(
        author.token,
        `mutation ($input: PostMessageInput!) { postMessage(input: $input) { id } }`,
        {
          input: { channelId, body: "draft only", draft: true },
        },
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(stub.messages.some((message) => message.body === "draft only")).toBe(false);
  });
});

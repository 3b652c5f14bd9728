import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { phoneRegion } from "../../src/lib/phone";
import { isWithinSendingHours, recipientTimeZones } from "../../src/lib/quiet-hours";
import {
  dataOf,
  errorCodes,
  startTestServer,
  type TestOrganization,
  type TestServer,
} from "../helpers/server";
import { eventually, startTwilioStub, twilioEnv, type TwilioStub } from "../helpers/twilio-stub";

let stub: TwilioStub;
let server: TestServer;
let org: TestOrganization;
let accountId: string;
let numberId: string;

const SEND = `mutation ($input: SendTextInput!) { sendText(input: $input) { id status target from message direction } }`;
const READ = `query ($id: ID!) { text(id: $id) { id status providerSid error account { id } } }`;

interface TextView {
  id: string;
  status: string;
  providerSid: string | null;
  error: string | null;
}

async function readText(id: string): Promise<TextView> {
  return dataOf(await server.gql<{ text: TextView }>(org.tokens.agent, READ, { id })).text;
}

/** Waits for DELIVERED (generously: the whole suite shares two cores), saying where the text stopped. */
async function deliveredOrExplain(id: string): Promise<void> {
  try {
    await eventually(async () => (await readText(id)).status === "DELIVERED", 30_000);
  } catch {
    throw new Error(`text ${id} did not reach DELIVERED: ${JSON.stringify(await readText(id))}`);
  }
}

async function send(
  target: string,
  message = "Your appointment is tomorrow at 10:00",
  token = org.tokens.agent,
) {
  return server.gql<{ sendText: { id: string; status: string; target: string; from: string } }>(
    token,
    SEND,
    {
      input: { accountId, target, message },
    },
  );
}

beforeAll(async () => {
  stub = await startTwilioStub();
  server = await startTestServer({ env: twilioEnv(stub) });
  org = await server.createOrganization();
  const account = await server.gql<{ createTextAccount: { id: string } }>(
    org.tokens.admin,
    `mutation { createTextAccount(input: { allowCustomNumber: false }) { id } }`,
  );
  accountId = dataOf(account).createTextAccount.id;
  const number = await server.gql<{ createTextNumber: { id: string; phoneNumber: string } }>(
    org.tokens.admin,
    `mutation ($input: CreateTextNumberInput!) { createTextNumber(input: $input) { id phoneNumber } }`,
    { input: { accountId, phoneNumber: "(415) 555-0000", notes: "front desk line" } },
  );
  numberId = dataOf(number).createTextNumber.id;
});
afterAll(async () => {
  await server.stop();
  await stub.stop();
});

describe("Mutation.sendText", () => {
  it("accepts a text, dispatches it through the provider and follows its status callbacks to DELIVERED", async () => {
    const response = await send("(415) 555-0101");
    const accepted = dataOf(response).sendText;
    expect(accepted).toMatchObject({
      status: "ACCEPTED",
      target: "+14155550101",
      from: "+14155550000",
    });
    const delivered = await eventually(async () => {
      const text = await readText(accepted.id);
      return text.status === "DELIVERED" && text;
    });
    const sent = stub.messages.find((message) => message.sid === delivered.providerSid);
    expect(sent).toMatchObject({
      to: "+14155550101",
      from: "+14155550000",
      body: "Your appointment is tomorrow at 10:00",
    });
    expect(sent?.statusCallback).toBe(
      `${server.origin}/webhooks/twilio/${org.id}/status?text=${accepted.id}`,
    );
  });

  it("answers OPTED_OUT for a target that said stop, writes nothing and sends nothing", async () => {
    dataOf(
      await server.gql(
        org.tokens.admin,
        `mutation { createContactPreference(input: { contact: "+14155550102", doNotText: true }) { id } }`,
      ),
    );
    const before = stub.messages.length;
    const response = await send("415-555-0102");
    expect(errorCodes(response)).toEqual(["OPTED_OUT"]);
    const listed = await server.gql<{ texts: { totalCount: number } }>(
      org.tokens.agent,
      `query ($accountId: ID!) { texts(accountId: $accountId, filter: { target: "+14155550102" }) { totalCount } }`,
      { accountId },
    );
    expect(dataOf(listed).texts.totalCount).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(stub.messages.length).toBe(before);
  });

  it("retries a transient provider failure with backoff and then sends once", async () => {
    stub.failNext = 1;
    const accepted = dataOf(await send("+14155550103")).sendText;
    const delivered = await eventually(async () => {
      const text = await readText(accepted.id);
      return text.status === "DELIVERED" && text;
    });
    expect(stub.messages.filter((message) => message.to === "+14155550103")).toHaveLength(1);
    expect(delivered.error).toContain("503");
  });

  it("marks a text FAILED when the provider refuses an unsubscribed recipient (21610)", async () => {
    stub.unsubscribed.add("+14155550104");
    const accepted = dataOf(await send("+14155550104")).sendText;
    const failed = await eventually(async () => {
      const text = await readText(accepted.id);
      return text.status === "FAILED" && text;
    });
    expect(failed.error).toMatch(/^21610/);
  });

  it("refuses bad input naming the field and writes nothing", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ accountId, target: "not a phone", message: "hi" }, "input.target"],
      [{ accountId, target: "+14155550105", message: "   " }, "input.message"],
      [{ accountId, target: "+14155550105", message: "x".repeat(1601) }, "input.message"],
      [{ accountId: "nope", target: "+14155550105", message: "hi" }, "input.accountId"],
    ];
    for (const [input, field] of cases) {
      const response = await server.gql(org.tokens.agent, SEND, { input });
      expect(response.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    }
    const other = await server.createOrganization();
    expect(
      errorCodes(
        await server.gql(other.tokens.agent, SEND, {
          input: { accountId, target: "+14155550105", message: "hi" },
        }),
      ),
    ).toEqual(["NOT_FOUND"]);
  });
});

describe("status callback webhook", () => {
  it("refuses a callback without a valid X-Twilio-Signature with 401", async () => {
    const response = await fetch(`${server.origin}/webhooks/twilio/${org.id}/status`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-twilio-signature": "forged=",
      },
      body: new URLSearchParams({ MessageSid: "SMx", MessageStatus: "delivered" }),
    });
    expect(response.status).toBe(401);
  });

  it("moves status forward only: a late 'sent' after 'delivered' is ignored, and repeats are harmless", async () => {
    const accepted = dataOf(await send("+14155550106")).sendText;
    const delivered = await eventually(async () => {
      const text = await readText(accepted.id);
      return text.status === "DELIVERED" && text;
    });
    const url = `${server.origin}/webhooks/twilio/${org.id}/status`;
    const params = {
      MessageSid: delivered.providerSid!,
      MessageStatus: "sent",
      AccountSid: stub.accountSid,
    };
    expect(await stub.callback(url, params)).toBe(204);
    expect(await stub.callback(url, { ...params, MessageStatus: "delivered" })).toBe(204);
    expect((await readText(accepted.id)).status).toBe("DELIVERED");
  });

  it("follows callbacks that arrive before the provider's answer: the callback URL names the text", async () => {
    stub.reportBeforeAnswer = true;
    try {
      const accepted = dataOf(await send("+14155550107")).sendText;
      await deliveredOrExplain(accepted.id);
      const sid = stub.messages.find((message) => message.to === "+14155550107")!.sid;
      expect((await readText(accepted.id)).providerSid).toBe(sid);
    } finally {
      stub.reportBeforeAnswer = false;
    }
  });

  it("does not let a callback naming one text move it with another message's sid", async () => {
    const first = dataOf(await send("+14155550108")).sendText;
    await deliveredOrExplain(first.id);
    const second = dataOf(await send("+14155550109")).sendText;
    await deliveredOrExplain(second.id);
    const url = `${server.origin}/webhooks/twilio/${org.id}/status?text=${first.id}`;
    const otherSid = (await readText(second.id)).providerSid!;
    const params = {
      MessageSid: otherSid,
      MessageStatus: "undelivered",
      AccountSid: stub.accountSid,
    };
    expect(await stub.callback(url, params)).toBe(404);
    expect((await readText(first.id)).status).toBe("DELIVERED");
    expect((await readText(second.id)).status).toBe("DELIVERED");
  });
});

describe("Query.texts", () => {
  it("lists an account's texts with the seed's filters", async () => {
    const response = await server.gql<{
      texts: { totalCount: number; nodes: { target: string }[] };
    }>(
      org.tokens.agent,
      `query ($accountId: ID!, $numberId: ID) { texts(accountId: $accountId, filter: { numberId: $numberId, target: "415 555 0101" }) { totalCount nodes { target } } }`,
      { accountId, numberId },
    );
    expect(dataOf(response).texts).toEqual({ totalCount: 1, nodes: [{ target: "+14155550101" }] });
  });
});

describe("quiet hours (marketing texts)", () => {
  const candidates = [
    "+4571999999",
    "+81312345678",
    "+61412345678",
    "+919876543210",
    "+447911123456",
    "+5511912345678",
    "+14155550190",
  ];
  const outside = (at: Date) =>
    candidates.find(
      (number) => !isWithinSendingHours(at, recipientTimeZones(null, phoneRegion(number))),
    );
  const inside = (at: Date) =>
    candidates.find((number) =>
      isWithinSendingHours(at, recipientTimeZones(null, phoneRegion(number))),
    );
  const sendMarketing = (target: string, holdForQuietHours: boolean) =>
    server.gql<{ sendText: { id: string; status: string } }>(org.tokens.agent, SEND, {
      input: {
        accountId,
        target,
        message: "Flu shots are here!",
        marketing: true,
        holdForQuietHours,
      },
    });

  it("are off by default, and when on hold marketing texts outside 08:00–21:00 recipient time", async () => {
    const now = new Date();
    const asleep = outside(now);
    const awake = inside(now);
    expect(asleep && awake).toBeTruthy();
    dataOf(await sendMarketing(awake!, false));
    const enabled = await server.gql<{ setQuietHours: { quietHours: boolean } }>(
      org.tokens.admin,
      `mutation { setQuietHours(enabled: true) { quietHours } }`,
    );
    expect(dataOf(enabled).setQuietHours.quietHours).toBe(true);
    const refused = await sendMarketing(asleep!, false);
    expect(refused.errors?.[0].extensions?.code).toBe("QUIET_HOURS");
    expect(Date.parse(refused.errors?.[0].extensions?.nextAllowedAt as string)).toBeGreaterThan(
      now.getTime(),
    );
    const held = dataOf(await sendMarketing(asleep!, true)).sendText;
    expect(held.status).toBe("ACCEPTED");
    const allowed = dataOf(await sendMarketing(awake!, true)).sendText;
    await deliveredOrExplain(allowed.id);
    expect((await readText(held.id)).status).toBe("ACCEPTED");
    expect(stub.messages.some((message) => message.to === asleep)).toBe(false);
    const plain = dataOf(await send(asleep!)).sendText;
    await deliveredOrExplain(plain.id);
    dataOf(
      await server.gql(
        org.tokens.admin,
        `mutation { setQuietHours(enabled: false) { quietHours } }`,
      ),
    );
  });
});

describe("Text entity (federation)", () => {
  it("resolves through _entities for the same organization only", async () => {
    const accepted = dataOf(await send("+14155550107")).sendText;
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Text { id target } } }`;
    const representations = [{ __typename: "Text", id: accepted.id }];
    const own = await server.gql<{ _entities: unknown[] }>(org.tokens.agent, query, {
      representations,
    });
    expect(dataOf(own)._entities).toEqual([{ id: accepted.id, target: "+14155550107" }]);
    const other = await server.createOrganization();
    const foreign = await server.gql<{ _entities: unknown[] }>(other.tokens.agent, query, {
      representations,
    });
    expect(dataOf(foreign)._entities).toEqual([null]);
  });
});

describe("seed 002 texts/{id}/callback", () => {
  const post = (id: string, body: Record<string, string>, token: string | null) =>
    fetch(`${server.origin}/v1/texts/${id}/callback`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });

  it("moves a text forward for a service caller and refuses others", async () => {
    stub.reportDelivery = false;
    try {
      const accepted = dataOf(await send("+14155550108")).sendText;
      await eventually(async () => (await readText(accepted.id)).status === "QUEUED");
      expect((await post(accepted.id, { status: "sent" }, null)).status).toBe(401);
      expect((await post(accepted.id, { status: "sent" }, org.tokens.agent)).status).toBe(403);
      expect((await post(accepted.id, { status: "teleported" }, org.tokens.service)).status).toBe(
        400,
      );
      const other = await server.createOrganization();
      expect((await post(accepted.id, { status: "sent" }, other.tokens.service)).status).toBe(404);
      const delivered = await post(accepted.id, { status: "delivered" }, org.tokens.service);
      expect(await delivered.json()).toEqual({
        data: { id: accepted.id, type: "texts", attributes: { status: "delivered" } },
      });
      const late = await post(accepted.id, { status: "sent" }, org.tokens.service);
      expect(
        ((await late.json()) as { data: { attributes: { status: string } } }).data.attributes
          .status,
      ).toBe("delivered");
    } finally {
      stub.reportDelivery = true;
    }
  });
});

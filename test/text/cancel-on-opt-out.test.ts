import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../src/lib/ids";
import { REPLIES } from "../../src/modules/text/text-inbound.service";
import { CANCELED_FOR_OPT_OUT, TextRepository } from "../../src/modules/text/text.repository";
import { DEPARTMENT, record, smsEvent } from "../consent/helpers";
import { receiveSms } from "../helpers/inbound";
import { dataOf, startTestServer, type TestOrganization, type TestServer } from "../helpers/server";
import { createTextAccountWithNumber } from "../helpers/texts";
import { startTwilioStub, twilioEnv, type TwilioStub } from "../helpers/twilio-stub";

const OUR_NUMBER = "+14155550000";
const organizationId = newId();
let stub: TwilioStub;
let server: TestServer;
let org: TestOrganization;
let accountId: string;
let numberId: string;

// Workers off: accepted texts wait in the outbox until a test runs a dispatch round itself.
beforeAll(async () => {
  stub = await startTwilioStub();
  stub.reportDelivery = false;
  server = await startTestServer({
    env: {
      ...twilioEnv(stub),
      RUN_WORKERS: "false",
      SERVICE_ACCOUNTS: `ingest:s3cret-pass@${organizationId}`,
    },
  });
  await server.app.services.organizations.create({
    id: organizationId,
    name: "Opt-out clinic",
    defaultRegion: "US",
  });
  const callers = {
    admin: { individualId: newId(), organizationId, roles: ["admin" as const] },
    agent: { individualId: newId(), organizationId, roles: ["agent" as const] },
    service: { individualId: newId(), organizationId, roles: ["service" as const] },
  };
  org = {
    id: organizationId,
    callers,
    tokens: {
      admin: await server.tokenFor(callers.admin),
      agent: await server.tokenFor(callers.agent),
      service: await server.tokenFor(callers.service),
    },
  };
  const created = await createTextAccountWithNumber(server.app.services, callers.admin, OUR_NUMBER);
  accountId = created.account.id;
  numberId = created.number.id;
});
afterAll(async () => {
  await server.stop();
  await stub.stop();
});

async function sendText(target: string, message: string): Promise<string> {
  const response = await server.gql<{ sendText: { id: string; status: string } }>(
    org.tokens.agent,
    `mutation ($input: SendTextInput!) { sendText(input: $input) { id status } }`,
    { input: { accountId, target, message } },
  );
  expect(dataOf(response).sendText.status).toBe("ACCEPTED");
  return dataOf(response).sendText.id;
}

async function textsTo(target: string) {
  const response = await server.gql<{
    texts: { nodes: { id: string; message: string; status: string; error: string | null }[] };
  }>(
    org.tokens.agent,
    `query ($a: ID!, $t: String!) { texts(accountId: $a, first: 100, filter: { target: $t, direction: OUTBOUND }) { nodes { id message status error } } }`,
    { a: accountId, t: target },
  );
  return dataOf(response).texts.nodes;
}

async function dispatchAll(): Promise<void> {
  while ((await server.app.services.textDispatcher.runOnce()) > 0);
}

function postIngress(value: string) {
  return fetch(`${server.origin}/communications/department/${DEPARTMENT}/optoutstatus`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Basic ${Buffer.from("ingest:s3cret-pass").toString("base64")}`,
    },
    body: JSON.stringify({
      messageUUID: newId(),
      communicationAttributesList: [
        { communicationType: "SMS", communicationValue: value, okToCommunicate: false },
      ],
      event: "STOP_MESSAGE_RECEIVED",
      updateType: "MESSAGE",
      processSynchronously: true,
    }),
  });
}

/** Two unsent texts, the opt-out, then an opt-in and a dispatch round: nothing may be sent. */
async function expectOptOutCancels(target: string, optOut: () => Promise<void>): Promise<void> {
  const ids = [await sendText(target, "reminder one"), await sendText(target, "reminder two")];
  await optOut();
  const canceled = (await textsTo(target)).filter((text) => ids.includes(text.id));
  expect(canceled.map(({ status, error }) => ({ status, error }))).toEqual([
    { status: "CANCELED", error: CANCELED_FOR_OPT_OUT },
    { status: "CANCELED", error: CANCELED_FOR_OPT_OUT },
  ]);
  // A later opt-in does not bring them back.
  expect(
    dataOf(await record(server, org, smsEvent(target, "OPTIN_MESSAGE_RECEIVED", true)))
      .recordOptOutEvent.errors,
  ).toEqual([]);
  await dispatchAll();
  const reminders = stub.messages.filter(
    (message) => message.to === target && message.body.startsWith("reminder"),
  );
  expect(reminders).toEqual([]);
  for (const text of (await textsTo(target)).filter((text) => ids.includes(text.id))) {
    expect(text.status).toBe("CANCELED");
  }
}

describe("an opt-out cancels the number's unsent texts in its own transaction", () => {
  it("recordOptOutEvent, applied synchronously", async () => {
    await expectOptOutCancels("+14155557101", async () => {
      const result = await record(
        server,
        org,
        smsEvent("+14155557101", "STOP_MESSAGE_RECEIVED", false),
      );
      expect(dataOf(result).recordOptOutEvent.errors).toEqual([]);
    });
  });

  it("recordOptOutEvent, queued and applied by the worker", async () => {
    await expectOptOutCancels("+14155557102", async () => {
      const result = await record(
        server,
        org,
        smsEvent("+14155557102", "STOP_MESSAGE_RECEIVED", false, { processSynchronously: false }),
      );
      expect(dataOf(result).recordOptOutEvent.warnings[0].warningCode).toBe("QUEUED");
      expect((await textsTo("+14155557102")).map((text) => text.status)).toEqual([
        "ACCEPTED",
        "ACCEPTED",
      ]);
      await server.app.services.workers[1].runOnce();
    });
  });

  it("an inbound STOP, whose own confirmation still goes out", async () => {
    const target = "+14155557103";
    await expectOptOutCancels(target, async () => {
      expect(
        await receiveSms(stub, server.origin, org.id, {
          from: target,
          to: OUR_NUMBER,
          body: "STOP",
        }),
      ).toBe(200);
    });
    const confirmations = stub.messages
      .filter((message) => message.to === target)
      .map((message) => message.body);
    expect(confirmations).toContain(REPLIES.STOP);
  });

  it("the seed-003 REST ingress", async () => {
    await expectOptOutCancels("+14155557104", async () => {
      expect((await postIngress("+14155557104")).status).toBe(200);
    });
  });

  it("an admin's edit of doNotText (patch, and a new preference)", async () => {
    await expectOptOutCancels("+14155557105", async () => {
      const created = await server.gql<{ createContactPreference: { id: string } }>(
        org.tokens.admin,
        `mutation ($input: ContactPreferenceInput!) { createContactPreference(input: $input) { id } }`,
        { input: { contact: "+14155557105" } },
      );
      const { id } = dataOf(created).createContactPreference;
      expect((await textsTo("+14155557105")).every((text) => text.status === "ACCEPTED")).toBe(
        true,
      );
      dataOf(
        await server.gql(
          org.tokens.admin,
          `mutation ($id: ID!) { updateContactPreference(id: $id, input: { doNotText: true }) { id } }`,
          { id },
        ),
      );
    });
    await expectOptOutCancels("+14155557106", async () => {
      dataOf(
        await server.gql(
          org.tokens.admin,
          `mutation { createContactPreference(input: { contact: "+14155557106", doNotText: true }) { id } }`,
        ),
      );
    });
  });

  it("the provider's refusal of an unsubscribed recipient (21610)", async () => {
    // Texts accepted before the refusal was recorded are the ones its cancel is for: one due
    // now, which the provider refuses, and one held for an hour (written through the service).
    const held = await server.app.services.texts.enqueue(server.app.database.db, [
      {
        organizationId,
        accountId,
        numberId,
        from: OUR_NUMBER,
        target: "+14155557107",
        message: "reminder held",
        sendAt: new Date(Date.now() + 3_600_000),
      },
    ]);
    expect(held[0]).not.toBeInstanceOf(Error);
    stub.unsubscribed.add("+14155557107");
    await sendText("+14155557107", "reminder now");
    await dispatchAll();
    stub.unsubscribed.delete("+14155557107");
    const texts = await textsTo("+14155557107");
    expect(texts.find((text) => text.message === "reminder now")?.status).toBe("FAILED");
    expect(texts.find((text) => text.message === "reminder held")).toMatchObject({
      status: "CANCELED",
      error: CANCELED_FOR_OPT_OUT,
    });
  });

  it("keeps a consent confirmation queued before the opt-out, and cancels a help reply", async () => {
    const target = "+14155557109";
    expect(
      await receiveSms(stub, server.origin, org.id, { from: target, to: OUR_NUMBER, body: "HELP" }),
    ).toBe(200);
    expect(
      await receiveSms(stub, server.origin, org.id, { from: target, to: OUR_NUMBER, body: "STOP" }),
    ).toBe(200);
    const texts = await textsTo(target);
    expect(texts.find((text) => text.message === REPLIES.HELP)).toMatchObject({
      status: "CANCELED",
      error: CANCELED_FOR_OPT_OUT,
    });
    expect(texts.find((text) => text.message === REPLIES.STOP)?.status).toBe("ACCEPTED");
    await dispatchAll();
    expect(stub.messages.filter((message) => message.to === target).map((m) => m.body)).toEqual([
      REPLIES.STOP,
    ]);
  });

  it("a text the dispatcher already claimed is canceled by its check just before the provider call", async () => {
    const target = "+14155557110";
    const id = await sendText(target, "reminder claimed");
    // A dispatch round's first step, on the real database: the claim, under its lease.
    const repository = new TextRepository(server.app.database.db);
    const claimed = await repository.claimDue(32, 60_000);
    expect(claimed.map((text) => text.id)).toContain(id);
    expect(
      dataOf(await record(server, org, smsEvent(target, "STOP_MESSAGE_RECEIVED", false)))
        .recordOptOutEvent.errors,
    ).toEqual([]);
    // The opt-out's own cancel leaves a claimed text to its dispatcher …
    expect((await textsTo(target)).find((text) => text.id === id)?.status).toBe("ACCEPTED");
    // … whose check before the provider call cancels it.
    const sendable = await repository.keepSendable(claimed, (organization, contact) =>
      server.app.services.contactPreferences.textingAllowedCondition(organization, contact),
    );
    expect(sendable.has(id)).toBe(false);
    expect((await textsTo(target)).find((text) => text.id === id)).toMatchObject({
      status: "CANCELED",
      error: CANCELED_FOR_OPT_OUT,
    });
  });
});

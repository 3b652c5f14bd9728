import { afterAll, describe, expect, it } from "vitest";
import { newId } from "../../src/lib/ids";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { dataOf, startTestServer } from "../helpers/server";
import { createTextAccountWithNumber } from "../helpers/texts";
import { eventually, startTwilioStub, twilioEnv, type TwilioStub } from "../helpers/twilio-stub";

let database: TestDatabase;
let stub: TwilioStub;

afterAll(async () => {
  await stub?.stop();
  await database?.drop();
});

describe("text outbox across a restart", () => {
  it("sends every text accepted before a crash exactly once after the restart", async () => {
    database = await createTestDatabase({ persistent: true });
    stub = await startTwilioStub();
    const first = await startTestServer({
      database,
      env: { ...twilioEnv(stub), RUN_WORKERS: "false" },
    });
    const org = await first.createOrganization();
    const admin = org.callers.admin;
    const { account } = await createTextAccountWithNumber(first.app.services, admin);
    const ids: string[] = [];
    for (let index = 0; index < 12; index += 1) {
      const response = await first.gql<{ sendText: { id: string; status: string } }>(
        org.tokens.agent,
        `mutation ($input: SendTextInput!) { sendText(input: $input) { id status } }`,
        {
          input: {
            accountId: account.id,
            target: `+1415555${1200 + index}`,
            message: `before the crash ${index}`,
          },
        },
      );
      expect(dataOf(response).sendText.status).toBe("ACCEPTED");
      ids.push(dataOf(response).sendText.id);
    }
    await first.stop();
    expect(stub.messages).toHaveLength(0);

    const second = await startTestServer({ database, env: twilioEnv(stub) });
    try {
      const token = await second.tokenFor({ ...org.callers.agent, individualId: newId() });
      await eventually(async () => {
        const statuses = await Promise.all(
          ids.map(async (id) => {
            const response = await second.gql<{ text: { status: string } }>(
              token,
              `query ($id: ID!) { text(id: $id) { status } }`,
              { id },
            );
            return dataOf(response).text.status;
          }),
        );
        return statuses.every((status) => status === "DELIVERED");
      });
      expect(stub.messages).toHaveLength(12);
      expect(new Set(stub.messages.map((message) => message.to)).size).toBe(12);
    } finally {
      await second.stop();
    }
  });

  // Two processes cannot share one PGlite directory; this is the multi-instance case on Postgres.
  it.skipIf(process.env.TEST_DB !== "postgres")(
    "lets two instances dispatch side by side without sending any text twice",
    async () => {
      const shared = await createTestDatabase({ persistent: true });
      const twilio = await startTwilioStub();
      const a = await startTestServer({ database: shared, env: twilioEnv(twilio) });
      const b = await startTestServer({ database: shared, env: twilioEnv(twilio) });
      try {
        const org = await a.createOrganization();
        const admin = org.callers.admin;
        const { account } = await createTextAccountWithNumber(a.app.services, admin);
        const sends = Array.from({ length: 60 }, (_, index) =>
          (index % 2 ? a : b).app.services.texts.send(org.callers.agent, {
            accountId: account.id,
            target: `+1415555${1300 + index}`,
            message: `side by side ${index}`,
            marketing: false,
            holdForQuietHours: true,
          }),
        );
        await Promise.all(sends);
        await eventually(async () => twilio.messages.length >= 60);
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(twilio.messages).toHaveLength(60);
        expect(new Set(twilio.messages.map((message) => message.to)).size).toBe(60);
      } finally {
        await a.stop();
        await b.stop();
        await twilio.stop();
        await shared.drop();
      }
    },
  );

  it("checks consent again at dispatch: a stop that lands after acceptance keeps the text from the provider", async () => {
    const twilio = await startTwilioStub();
    const server = await startTestServer({ env: { ...twilioEnv(twilio), RUN_WORKERS: "false" } });
    try {
      const org = await server.createOrganization();
      const admin = org.callers.admin;
      const { account } = await createTextAccountWithNumber(server.app.services, admin);
      const send = (target: string) =>
        server.app.services.texts.send(org.callers.agent, {
          accountId: account.id,
          target,
          message: "see you soon",
          marketing: false,
          holdForQuietHours: true,
        });
      const stopped = await send("+14155551401");
      const kept = await send("+14155551402");
      await server.app.services.contactPreferences.create(admin, {
        contact: "+14155551401",
        doNotText: true,
        doNotCall: false,
        doNotEmail: false,
      });
      // The opt-out itself canceled the unsent text (its trigger); the dispatcher claims the other.
      expect(await server.app.services.textDispatcher.runOnce()).toBe(1);
      const [stoppedNow, keptNow] = await server.app.services.texts
        .findByIds(org.id, [stopped.id, kept.id])
        .then((rows) => [stopped.id, kept.id].map((id) => rows.find((row) => row.id === id)!));
      expect(stoppedNow).toMatchObject({
        status: "CANCELED",
        error: expect.stringMatching(/^OPTED_OUT/),
      });
      expect(keptNow.status).not.toBe("ACCEPTED");
      expect(twilio.messages.map((message) => message.to)).toEqual(["+14155551402"]);
    } finally {
      await server.stop();
      await twilio.stop();
    }
  });
});

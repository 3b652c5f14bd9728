import { expect, it } from "vitest";
import { CANCELED_FOR_OPT_OUT } from "../../src/modules/text/text.repository";
import { startTestServer } from "../helpers/server";
import { createTextAccountWithNumber } from "../helpers/texts";
import { startTwilioStub, twilioEnv } from "../helpers/twilio-stub";

it("cancels, rather than hands back for a retry, a text whose recipient opted out while its failed send was under way", async () => {
  const twilio = await startTwilioStub();
  const server = await startTestServer({ env: { ...twilioEnv(twilio), RUN_WORKERS: "false" } });
  try {
    const org = await server.createOrganization();
    const { account } = await createTextAccountWithNumber(server.app.services, org.callers.admin);
    const text = await server.app.services.texts.send(org.callers.agent, {
      accountId: account.id,
      target: "+14155551501",
      message: "see you soon",
      marketing: false,
      holdForQuietHours: true,
    });
    // The opt-out lands while the text is claimed (its trigger skips it); the send then fails (503).
    twilio.failNext = 1;
    twilio.beforeAnswer = async () => {
      twilio.beforeAnswer = null;
      await server.app.services.contactPreferences.create(org.callers.admin, {
        contact: "+14155551501",
        doNotText: true,
        doNotCall: false,
        doNotEmail: false,
      });
    };
    expect(await server.app.services.textDispatcher.runOnce()).toBe(1);
    const [after] = await server.app.services.texts.findByIds(org.id, [text.id]);
    expect({ status: after.status, error: after.error }).toEqual({
      status: "CANCELED",
      error: CANCELED_FOR_OPT_OUT,
    });
  } finally {
    await server.stop();
    await twilio.stop();
  }
});

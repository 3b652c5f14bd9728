import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { receiveSms } from "../helpers/inbound";
import { dataOf, startTestServer, type TestOrganization, type TestServer } from "../helpers/server";
import { createTextAccountWithNumber } from "../helpers/texts";
import { startTwilioStub, twilioEnv, type TwilioStub } from "../helpers/twilio-stub";
import { record, smsEvent } from "../consent/helpers";

const OUR_NUMBER = "+14155550000";
let stub: TwilioStub;
let server: TestServer;
let org: TestOrganization;

beforeAll(async () => {
  stub = await startTwilioStub();
  server = await startTestServer({ env: twilioEnv(stub) });
  org = await server.createOrganization();
  await createTextAccountWithNumber(server.app.services, org.callers.admin, OUR_NUMBER);
});
afterAll(async () => {
  await server.stop();
  await stub.stop();
});

describe("inbound STOP racing another consent change for a new number", () => {
  it("is never lost: the webhook answers 200 and the ledger holds both events", async () => {
    const numbers = Array.from({ length: 20 }, (_, index) => `+1415555${7600 + index}`);
    const outcomes = await Promise.all(
      numbers.map((number) =>
        Promise.all([
          receiveSms(stub, server.origin, org.id, { from: number, to: OUR_NUMBER, body: "STOP" }),
          // Creates the same new preference at the same moment, through the batched path.
          record(server, org, smsEvent(number, "COMMUNICATION_VALUE_CREATION", true)).then(dataOf),
        ]),
      ),
    );
    expect(outcomes.map(([status]) => status)).toEqual(numbers.map(() => 200));
    for (const number of numbers) {
      const { contactPreferenceFor } = dataOf(
        await server.gql<{
          contactPreferenceFor: { doNotText: boolean; events: { nodes: { eventType: string }[] } };
        }>(
          org.tokens.agent,
          `query ($c: String!) { contactPreferenceFor(contact: $c) { doNotText events { nodes { eventType } } } }`,
          { c: number },
        ),
      );
      expect(contactPreferenceFor.doNotText).toBe(true);
      expect(contactPreferenceFor.events.nodes.map((event) => event.eventType).sort()).toEqual([
        "COMMUNICATION_VALUE_CREATION",
        "STOP_MESSAGE_RECEIVED",
      ]);
    }
  });
});

import { afterAll, describe, expect, it } from "vitest";
import { newId } from "../../src/lib/ids";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { dataOf, startTestServer } from "../helpers/server";
import { eventually } from "../helpers/twilio-stub";
import { flagsOf, record, smsEvent } from "./helpers";

let database: TestDatabase;
afterAll(() => database?.drop());

describe("recordOptOutEvent with processSynchronously: false", () => {
  it("answers at once with a warning, and a restart before the worker ran applies it exactly once", async () => {
    database = await createTestDatabase({ persistent: true });
    const first = await startTestServer({ database, env: { RUN_WORKERS: "false" } });
    const org = await first.createOrganization();
    const queued = dataOf(
      await record(
        first,
        org,
        smsEvent("+14155557200", "STOP_MESSAGE_RECEIVED", false, {
          processSynchronously: false,
          messageId: "m-1",
        }),
      ),
    ).recordOptOutEvent;
    expect(queued.warnings.map((warning) => warning.warningCode)).toEqual(["QUEUED"]);
    expect(queued.event).toBeNull();
    expect(await flagsOf(first, org, "+14155557200")).toBeNull();
    await first.stop();

    const second = await startTestServer({ database });
    try {
      const agent = {
        ...org,
        tokens: {
          ...org.tokens,
          agent: await second.tokenFor({ ...org.callers.agent, individualId: newId() }),
        },
      };
      await eventually(
        async () => (await flagsOf(second, agent, "+14155557200"))?.doNotText === true,
      );
      await second.app.services.workers[1].stop();
      const events = await second.gql<{ contactPreferenceFor: { events: { totalCount: number } } }>(
        agent.tokens.agent,
        `{ contactPreferenceFor(contact: "+14155557200") { events { totalCount } } }`,
      );
      expect(dataOf(events).contactPreferenceFor.events.totalCount).toBe(1);
    } finally {
      await second.stop();
    }
  });
});

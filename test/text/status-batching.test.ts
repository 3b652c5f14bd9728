import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../src/lib/ids";
import { startTestServer, type TestOrganization, type TestServer } from "../helpers/server";
import { createTextAccountWithNumber } from "../helpers/texts";

let server: TestServer;
let org: TestOrganization;
let accountId: string;

beforeAll(async () => {
  // No dispatcher: the reports below are the only thing that moves these texts.
  server = await startTestServer({ env: { RUN_WORKERS: "false" } });
  org = await server.createOrganization();
  accountId = (await createTextAccountWithNumber(server.app.services, org.callers.admin)).account
    .id;
});
afterAll(async () => {
  await server.stop();
});

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "recorded";
  } catch (error) {
    return String((error as { extensions?: { code?: unknown } }).extensions?.code ?? error);
  }
}

describe("provider status reports under concurrency (group commit)", () => {
  // Reported on the service side by side, so the reports certainly share batches.
  it("moves each text forward only, the furthest of its reports winning in any order, and answers NOT_FOUND alone", async () => {
    const { texts } = server.app.services;
    const sent = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        texts.send(org.callers.agent, {
          accountId,
          target: `+1415555${String(3000 + index)}`,
          message: `Hello ${index}`,
          marketing: false,
          holdForQuietHours: true,
        }),
      ),
    );
    const report = (textId: string | null, sid: string, status: "SENT" | "DELIVERED") =>
      texts.recordProviderStatus(org.id, { sid, textId }, status, null);
    const reports = sent.flatMap((text, index) => [
      // Half the texts hear "delivered" before "sent".
      ...(index % 2
        ? [report(text.id, `SM${index}`, "DELIVERED"), report(text.id, `SM${index}`, "SENT")]
        : [report(text.id, `SM${index}`, "SENT"), report(text.id, `SM${index}`, "DELIVERED")]),
    ]);
    const unknown = [
      report(null, "SMnobody", "DELIVERED"),
      report(newId(), "SMnobody", "DELIVERED"),
    ];
    const outcomes = await Promise.all([...reports, ...unknown].map(outcome));
    expect(outcomes).toEqual([...reports.map(() => "recorded"), ...unknown.map(() => "NOT_FOUND")]);
    const rows = await texts.findByIds(
      org.id,
      sent.map((text) => text.id),
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    sent.forEach((text, index) => {
      expect(byId.get(text.id)).toMatchObject({ status: "DELIVERED", providerSid: `SM${index}` });
    });

    // Once the sids are stored: a late report by sid alone changes nothing, one that names a text
    // with another message's sid is NOT_FOUND, and so is one for another organization.
    expect(await outcome(report(null, "SM3", "SENT"))).toBe("recorded");
    expect((await texts.findByIds(org.id, [sent[3].id]))[0].status).toBe("DELIVERED");
    expect(await outcome(report(sent[0].id, "SM1", "DELIVERED"))).toBe("NOT_FOUND");
    const other = await server.createOrganization();
    expect(
      await outcome(
        texts.recordProviderStatus(other.id, { sid: "SM4", textId: null }, "SENT", null),
      ),
    ).toBe("NOT_FOUND");
  });
});

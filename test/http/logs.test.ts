import { Writable } from "node:stream";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serializeError } from "../../src/logger";
import {
  errorCodes,
  startTestServer,
  type TestOrganization,
  type TestServer,
} from "../helpers/server";
import { createTestChannel, createTestIndividual } from "../messaging/fixtures";

const PHONE = "+14155550187";
const BODY = "Your biopsy results are ready";
const NAME = "Guinevere Quackenbush";

let server: TestServer;
let org: TestOrganization;
const lines: string[] = [];

beforeAll(async () => {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  server = await startTestServer({ env: { LOG_LEVEL: "error" }, logDestination: destination });
  org = await server.createOrganization();
  // Every insert into these tables fails inside Postgres, after Drizzle has bound its values.
  await server.app.database.db.execute(sql`
    create function refuse_insert() returns trigger language plpgsql as $$
    begin raise exception 'forced failure' using errcode = '23514',
      detail = format('Failing row contains (%s).', new); end $$`);
  await server.app.database.db.execute(
    sql`create trigger refuse_message before insert on messages for each row execute function refuse_insert()`,
  );
  await server.app.database.db.execute(
    sql`create trigger refuse_contact before insert on contacts for each row execute function refuse_insert()`,
  );
});
afterAll(() => server.stop());

describe("the log of a failed statement", () => {
  it("has the error's class, SQLSTATE and statement, and none of its values", async () => {
    const owner = await createTestIndividual(server, org, { firstName: "Owner" }, ["agent"]);
    const channelId = await createTestChannel(server, owner.token, { name: "Results" });
    const posted = await server.gql(
      owner.token,
      `mutation ($input: PostMessageInput!) { postMessage(input: $input) { id } }`,
      { input: { channelId, body: BODY } },
    );
    expect(errorCodes(posted)).toEqual(["INTERNAL_SERVER_ERROR"]);
    const created = await server.gql(
      org.tokens.admin,
      `mutation ($input: CreateContactInput!) { createContact(input: $input) { id } }`,
      { input: { name: NAME, phoneNumber: PHONE } },
    );
    expect(errorCodes(created)).toEqual(["INTERNAL_SERVER_ERROR"]);

    expect(lines.length).toBeGreaterThanOrEqual(2);
    const log = lines.join("\n");
    for (const secret of [BODY, NAME, PHONE, "4155550187", "params:"]) {
      expect(log).not.toContain(secret);
    }
    const entries = lines.map((line) => JSON.parse(line) as { err?: Record<string, unknown> });
    const insert = entries.find((entry) => /insert into "messages"/.test(String(entry.err?.sql)));
    expect(insert?.err).toMatchObject({
      type: "DrizzleQueryError",
      message: expect.stringMatching(/^Failed query: insert into "messages"/),
      stack: expect.stringContaining("    at "),
      cause: { code: "23514", message: "forced failure" },
    });
    expect(insert?.err).not.toHaveProperty("params");
  });

  it("keeps an error without params as it is", () => {
    const error = new Error("plain", {
      cause: Object.assign(new Error("inner"), { code: "57014" }),
    });
    expect(serializeError(error)).toMatchObject({
      type: "Error",
      message: "plain",
      cause: { type: "Error", message: "inner", code: "57014" },
    });
  });
});

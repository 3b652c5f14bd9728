import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startTestServer,
  type GraphQLResponse,
  type TestOrganization,
  type TestServer,
} from "../helpers/server";

let server: TestServer;
let org: TestOrganization;

beforeAll(async () => {
  server = await startTestServer();
  org = await server.createOrganization();
});
afterAll(() => server.stop());

const createAccount = () =>
  server.app.services.textAccounts.createAccount(org.callers.admin, { allowCustomNumber: false });

const createNumber = (accountId: string, phoneNumber: string, capabilitySms = true) =>
  server.app.services.textAccounts.createNumber(org.callers.admin, {
    accountId,
    phoneNumber,
    capabilitySms,
    capabilityMms: false,
    capabilityVoice: false,
    logging: false,
    alert: false,
  });

/** sendText as the agent: the number it went out from, or the error's code and field. */
async function sentFrom(accountId: string, numberId?: string): Promise<string> {
  const response: GraphQLResponse<{ sendText: { from: string } }> = await server.gql(
    org.tokens.agent,
    `mutation ($input: SendTextInput!) { sendText(input: $input) { from } }`,
    { input: { accountId, numberId, target: "+14155550400", message: "Hello" } },
  );
  const [error] = response.errors ?? [];
  if (error) return `${error.extensions?.code} ${error.extensions?.field ?? ""}`.trim();
  return response.data!.sendText.from;
}

describe("Mutation.sendText: the number a text goes out from", () => {
  it("is the number asked for, else the author's mapped number, else the first SMS-capable one by id", async () => {
    const account = await createAccount();
    const numbers = [
      await createNumber(account.id, "+14155550401"),
      await createNumber(account.id, "+14155550402"),
      await createNumber(account.id, "+14155550403", false),
    ];
    const sms = numbers.filter((number) => number.capabilitySms);
    const [first, second] = [...sms].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(await sentFrom(account.id)).toBe(first.phoneNumber);
    expect(await sentFrom(account.id, second.id)).toBe(second.phoneNumber);
    await server.app.services.textAccounts.mapUserToNumber(org.callers.admin, {
      numberId: second.id,
      userId: org.callers.agent.individualId,
    });
    expect(await sentFrom(account.id)).toBe(second.phoneNumber);
    expect(await sentFrom(account.id, first.id)).toBe(first.phoneNumber);
    expect(await sentFrom(account.id, numbers[2].id)).toBe("BAD_USER_INPUT input.numberId");
  });

  it("refuses a mapped number that cannot send SMS, naming input.numberId", async () => {
    const account = await createAccount();
    await createNumber(account.id, "+14155550411");
    const mapped = await createNumber(account.id, "+14155550412", false);
    const author = { ...org.callers.admin, individualId: org.callers.agent.individualId };
    await server.app.services.textAccounts.mapUserToNumber(author, {
      numberId: mapped.id,
      userId: org.callers.agent.individualId,
    });
    expect(await sentFrom(account.id)).toBe("BAD_USER_INPUT input.numberId");
  });

  it("answers BAD_USER_INPUT on input.accountId for an account without an SMS-capable number", async () => {
    const empty = await createAccount();
    expect(await sentFrom(empty.id)).toBe("BAD_USER_INPUT input.accountId");
    const voiceOnly = await createAccount();
    await createNumber(voiceOnly.id, "+14155550421", false);
    expect(await sentFrom(voiceOnly.id)).toBe("BAD_USER_INPUT input.accountId");
  });

  it("answers NOT_FOUND for an unknown account, or a number of another account", async () => {
    const account = await createAccount();
    await createNumber(account.id, "+14155550431");
    const other = await createAccount();
    const elsewhere = await createNumber(other.id, "+14155550432");
    expect(await sentFrom("7b0c4f9e-3a51-4b7e-9d7a-0f3d2f6c1e11")).toBe(
      "NOT_FOUND input.accountId",
    );
    expect(await sentFrom(account.id, elsewhere.id)).toBe("NOT_FOUND input.numberId");
    expect(await sentFrom("not-a-uuid")).toBe("BAD_USER_INPUT input.accountId");
  });
});

import type { Role } from "../../src/auth/caller";
import { dataOf, type TestOrganization, type TestServer } from "../helpers/server";

export interface TestIndividual {
  id: string;
  token: string;
}

/** Creates an individual over HTTP and signs a token whose sub is that individual. */
export async function createTestIndividual(
  server: TestServer,
  org: TestOrganization,
  input: Record<string, unknown> = {},
  roles: Role[] = ["agent"],
): Promise<TestIndividual> {
  const { createIndividual } = dataOf(
    await server.gql<{ createIndividual: { id: string } }>(
      org.tokens.admin,
      `mutation ($input: CreateIndividualInput!) { createIndividual(input: $input) { id } }`,
      { input: { firstName: "Test", ...input } },
    ),
  );
  const token = await server.tokenFor({
    individualId: createIndividual.id,
    organizationId: org.id,
    roles,
  });
  return { id: createIndividual.id, token };
}

export async function createTestChannel(
  server: TestServer,
  token: string,
  input: Record<string, unknown>,
): Promise<string> {
  const { createChannel } = dataOf(
    await server.gql<{ createChannel: { id: string } }>(
      token,
      `mutation ($input: CreateChannelInput!) { createChannel(input: $input) { id } }`,
      { input },
    ),
  );
  return createChannel.id;
}

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataOf, startTestServer, type TestOrganization, type TestServer } from "../helpers/server";
import { createTestChannel, createTestIndividual } from "../messaging/fixtures";

let server: TestServer;
let org: TestOrganization;

beforeAll(async () => {
  server = await startTestServer();
  org = await server.createOrganization();
});
afterAll(() => server.stop());

describe("VideoChannel relations to the messaging graph", () => {
  it("resolves subject, messagingChannel, createdBy and participants' individuals", async () => {
    const doctor = await createTestIndividual(server, org, { firstName: "Ada" }, ["agent"]);
    const patient = await createTestIndividual(server, org, { firstName: "Pat" });
    const channelId = await createTestChannel(server, doctor.token, {
      name: "Pat's care",
      subscribers: [{ individualId: patient.id }],
    });
    const created = await server.gql<{
      createVideoChannel: {
        subject: { firstName: string };
        messagingChannel: { id: string; name: string };
        createdBy: { firstName: string };
        participants: { individual: { firstName: string } }[];
      };
    }>(
      doctor.token,
      `mutation ($input: CreateVideoChannelInput!) { createVideoChannel(input: $input) {
         subject { firstName } messagingChannel { id name } createdBy { firstName } participants { individual { firstName } } } }`,
      {
        input: {
          subjectId: patient.id,
          messagingChannelId: channelId,
          participants: [{ individualId: doctor.id }, { individualId: patient.id }],
        },
      },
    );
    const channel = dataOf(created).createVideoChannel;
    expect(channel.subject.firstName).toBe("Pat");
    expect(channel.messagingChannel).toEqual({ id: channelId, name: "Pat's care" });
    expect(channel.createdBy.firstName).toBe("Ada");
    expect(
      channel.participants.map((participant) => participant.individual.firstName).sort(),
    ).toEqual(["Ada", "Pat"]);
  });
});

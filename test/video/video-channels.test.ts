import { createSecretKey } from "node:crypto";
import { jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../src/lib/ids";
import {
  dataOf,
  errorCodes,
  startTestServer,
  type GraphQLResponse,
  type TestOrganization,
  type TestServer,
} from "../helpers/server";

let server: TestServer;
let org: TestOrganization;
let otherOrg: TestOrganization;
/** An individual who joins calls with an agent's token of its own. */
let patientId: string;
let patientToken: string;

const CHANNEL_FIELDS = `id state appless recorded withEmail note maxParticipants messagingChannelId
  subjectId encounterId encounterNote finalizedAt reminderTimerStartedAt createdById createdAt
  terminatedAt duration appointment { id start duration joinStart }
  participants { id individualId firstName lastName audioState disconnected connectedAt disconnectedAt note encounterId }
  compositions { id status duration videoChannelId }`;

const CREATE = `mutation ($input: CreateVideoChannelInput!) { createVideoChannel(input: $input) { ${CHANNEL_FIELDS} } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateVideoChannelInput!) { updateVideoChannel(id: $id, input: $input) { ${CHANNEL_FIELDS} } }`;
const TERMINATE = `mutation ($id: ID!) { terminateVideoChannel(id: $id) { ${CHANNEL_FIELDS} } }`;
const READ = `query ($id: ID!) { videoChannel(id: $id) { ${CHANNEL_FIELDS} } }`;
const CREDENTIALS = `mutation ($id: ID!) { videoChannelCredentials(id: $id) { token expiresAt channelId participantId identity } }`;
const LIST = `query ($individualId: ID!, $states: [VideoChannelState!], $first: Int, $after: String) {
  videoChannels(individualId: $individualId, states: $states, first: $first, after: $after) {
    totalCount nodes { id state } pageInfo { hasNextPage endCursor } } }`;

interface Participant {
  id: string;
  individualId: string;
  firstName: string | null;
  audioState: string;
  disconnected: boolean;
  connectedAt: string | null;
  disconnectedAt: string | null;
  note: string | null;
  encounterId: string | null;
}

interface Channel {
  id: string;
  state: string;
  recorded: boolean;
  note: string | null;
  subjectId: string | null;
  messagingChannelId: string | null;
  encounterId: string | null;
  encounterNote: string | null;
  reminderTimerStartedAt: string | null;
  createdById: string;
  createdAt: string;
  terminatedAt: string | null;
  duration: number | null;
  appointment: { id: string; start: string; duration: number; joinStart: string } | null;
  participants: Participant[];
  compositions: { id: string; status: string; duration: number | null }[];
}

async function create(input: Record<string, unknown>, token = org.tokens.agent): Promise<Channel> {
  return dataOf(await server.gql<{ createVideoChannel: Channel }>(token, CREATE, { input }))
    .createVideoChannel;
}

async function read(id: string): Promise<Channel> {
  return dataOf(await server.gql<{ videoChannel: Channel }>(org.tokens.agent, READ, { id }))
    .videoChannel;
}

function withAgentAndPatient(extra: Record<string, unknown> = {}) {
  return {
    participants: [
      { individualId: org.callers.agent.individualId, accountType: "provider" },
      { individualId: patientId, firstName: "Ada", lastName: "Lovelace" },
    ],
    subjectId: patientId,
    ...extra,
  };
}

/** A new individual of `org`: participants and subjects must exist in the caller's organization. */
async function individual(): Promise<string> {
  return (await server.app.services.individuals.create(org.callers.admin, { firstName: "Pat" })).id;
}

function fieldOf(response: GraphQLResponse<unknown>): string | undefined {
  return response.errors?.[0]?.extensions?.field;
}

beforeAll(async () => {
  server = await startTestServer();
  org = await server.createOrganization();
  otherOrg = await server.createOrganization();
  patientId = await individual();
  await server.app.services.individuals.create(
    org.callers.admin,
    {},
    org.callers.agent.individualId,
  );
  patientToken = await server.tokenFor({
    individualId: patientId,
    organizationId: org.id,
    roles: ["agent"],
  });
});
afterAll(() => server.stop());

describe("Mutation.createVideoChannel", () => {
  it("is SCHEDULED with an appointment, OPEN without, and stores participants, subject and link", async () => {
    const { createChannel } = dataOf(
      await server.gql<{ createChannel: { id: string } }>(
        org.tokens.admin,
        `mutation { createChannel(input: { name: "Visit" }) { id } }`,
      ),
    );
    const messagingChannelId = createChannel.id;
    const start = "2031-05-04T10:00:00.000Z";
    const scheduled = await create(
      withAgentAndPatient({
        appointment: { start, duration: 30 },
        messagingChannelId,
        recorded: true,
        withEmail: true,
        note: "Follow-up",
        maxParticipants: 4,
      }),
    );
    expect(scheduled).toMatchObject({
      state: "SCHEDULED",
      recorded: true,
      note: "Follow-up",
      subjectId: patientId,
      messagingChannelId,
      createdById: org.callers.agent.individualId,
      terminatedAt: null,
      duration: null,
      compositions: [],
      appointment: { start, duration: 30, joinStart: "2031-05-04T09:45:00.000Z" },
    });
    expect(scheduled.participants.map((p) => [p.individualId, p.firstName, p.audioState])).toEqual([
      [org.callers.agent.individualId, null, "UNMUTED"],
      [patientId, "Ada", "UNMUTED"],
    ]);
    const open = await create({ appless: true }, org.tokens.admin);
    expect(open).toMatchObject({ state: "OPEN", appointment: null, participants: [] });
  });

  it("refuses the service role, and anonymous callers", async () => {
    const service = await server.gql(org.tokens.service, CREATE, { input: {} });
    expect(errorCodes(service)).toEqual(["FORBIDDEN"]);
    expect(errorCodes(await server.gql(null, CREATE, { input: {} }))).toEqual(["UNAUTHENTICATED"]);
  });

  it("answers bad input with BAD_USER_INPUT naming the field, and writes nothing", async () => {
    const individualId = newId();
    const cases: [Record<string, unknown>, string][] = [
      [
        { participants: [{ individualId }, { individualId: "not-a-uuid" }] },
        "input.participants.1.individualId",
      ],
      [{ participants: [{ individualId }, { individualId }] }, "input.participants.1.individualId"],
      [
        {
          participants: [{ individualId }],
          appointment: { start: "2031-01-01T00:00:00Z", duration: -30 },
        },
        "input.appointment.duration",
      ],
      [
        { participants: [{ individualId }], appointment: { start: "yesterday", duration: 30 } },
        "input.appointment.start",
      ],
      [{ participants: [{ individualId }], subjectId: "42" }, "input.subjectId"],
      [{ participants: [{ individualId }], messagingChannelId: "x" }, "input.messagingChannelId"],
      [
        { participants: [{ individualId }, { individualId: newId() }], maxParticipants: 1 },
        "input.participants",
      ],
    ];
    for (const [input, field] of cases) {
      const response = await server.gql(org.tokens.agent, CREATE, { input });
      expect(errorCodes(response), field).toEqual(["BAD_USER_INPUT"]);
      expect(fieldOf(response)).toBe(field);
    }
    const list = await server.gql<{ videoChannels: { totalCount: number } }>(
      org.tokens.agent,
      LIST,
      {
        individualId,
      },
    );
    expect(dataOf(list).videoChannels.totalCount).toBe(0);
  });
});

describe("Mutation.updateVideoChannel", () => {
  it("schedules with an appointment, opens again when it is cleared, and changes note and recorded", async () => {
    const channel = await create(withAgentAndPatient());
    expect(channel.state).toBe("OPEN");
    const scheduled = dataOf(
      await server.gql<{ updateVideoChannel: Channel }>(org.tokens.agent, UPDATE, {
        id: channel.id,
        input: {
          appointment: { start: "2031-06-01T08:30:00Z", duration: 45 },
          note: "Bring results",
        },
      }),
    ).updateVideoChannel;
    expect(scheduled).toMatchObject({
      state: "SCHEDULED",
      note: "Bring results",
      appointment: { start: "2031-06-01T08:30:00.000Z", duration: 45 },
    });
    const moved = dataOf(
      await server.gql<{ updateVideoChannel: Channel }>(org.tokens.agent, UPDATE, {
        id: channel.id,
        input: { appointment: { start: "2031-06-02T08:30:00Z", duration: 15 } },
      }),
    ).updateVideoChannel;
    expect(moved.appointment?.id).toBe(scheduled.appointment?.id);
    const reopened = dataOf(
      await server.gql<{ updateVideoChannel: Channel }>(org.tokens.admin, UPDATE, {
        id: channel.id,
        input: { appointment: null, recorded: true },
      }),
    ).updateVideoChannel;
    expect(reopened).toMatchObject({
      state: "OPEN",
      appointment: null,
      recorded: true,
      note: "Bring results",
    });
  });

  it("answers NOT_FOUND for another organization's channel and BAD_USER_INPUT for a bad id or duration", async () => {
    const channel = await create(withAgentAndPatient());
    const foreign = await server.gql(otherOrg.tokens.agent, UPDATE, {
      id: channel.id,
      input: { note: "x" },
    });
    expect(errorCodes(foreign)).toEqual(["NOT_FOUND"]);
    const badId = await server.gql(org.tokens.agent, UPDATE, { id: "nope", input: { note: "x" } });
    expect([errorCodes(badId), fieldOf(badId)]).toEqual([["BAD_USER_INPUT"], "id"]);
    const negative = await server.gql(org.tokens.agent, UPDATE, {
      id: channel.id,
      input: { note: "changed", appointment: { start: "2031-06-01T08:30:00Z", duration: -1 } },
    });
    expect([errorCodes(negative), fieldOf(negative)]).toEqual([
      ["BAD_USER_INPUT"],
      "input.appointment.duration",
    ]);
    expect(await read(channel.id)).toMatchObject({ note: null, state: "OPEN" });
  });
});

describe("Mutation.setParticipantAudioStates and Mutation.updateVideoParticipant", () => {
  it("mutes and unmutes participants of the channel, and keeps a note per participant", async () => {
    const channel = await create(withAgentAndPatient());
    const [agent, patient] = channel.participants;
    const muted = dataOf(
      await server.gql<{ setParticipantAudioStates: Channel }>(
        org.tokens.agent,
        `mutation ($id: ID!, $participants: [VideoParticipantAudioStateInput!]!) {
          setParticipantAudioStates(id: $id, participants: $participants) { id participants { id audioState } } }`,
        {
          id: channel.id,
          participants: [
            { id: patient.id, audioState: "MUTED" },
            { id: agent.id, audioState: "UNMUTED" },
          ],
        },
      ),
    ).setParticipantAudioStates;
    expect(muted.participants).toEqual([
      { id: agent.id, audioState: "UNMUTED" },
      { id: patient.id, audioState: "MUTED" },
    ]);
    const noted = dataOf(
      await server.gql<{ updateVideoParticipant: Participant & { videoChannel: { id: string } } }>(
        org.tokens.agent,
        `mutation ($id: ID!, $input: UpdateVideoParticipantInput!) {
          updateVideoParticipant(id: $id, input: $input) { id note audioState videoChannel { id } } }`,
        { id: agent.id, input: { note: "Patient in good spirits" } },
      ),
    ).updateVideoParticipant;
    expect(noted).toMatchObject({
      note: "Patient in good spirits",
      audioState: "UNMUTED",
      videoChannel: { id: channel.id },
    });

    const detail = await server.gql<{ videoParticipant: { note: string } }>(
      org.tokens.service,
      `query ($id: ID!) { videoParticipant(id: $id) { note } }`,
      { id: agent.id },
    );
    expect(dataOf(detail).videoParticipant.note).toBe("Patient in good spirits");
  });

  it("refuses a participant of another channel, naming it, and changes nothing", async () => {
    const channel = await create(withAgentAndPatient());
    const other = await create(withAgentAndPatient());
    const response = await server.gql(
      org.tokens.agent,
      `mutation ($id: ID!, $participants: [VideoParticipantAudioStateInput!]!) {
        setParticipantAudioStates(id: $id, participants: $participants) { id } }`,
      {
        id: channel.id,
        participants: [
          { id: channel.participants[0].id, audioState: "MUTED" },
          { id: other.participants[0].id, audioState: "MUTED" },
        ],
      },
    );
    expect([errorCodes(response), fieldOf(response)]).toEqual([
      ["BAD_USER_INPUT"],
      "participants.1.id",
    ]);
    expect((await read(channel.id)).participants.map((p) => p.audioState)).toEqual([
      "UNMUTED",
      "UNMUTED",
    ]);
    const badState = await server.gql(
      org.tokens.agent,
      `mutation ($id: ID!, $participants: [VideoParticipantAudioStateInput!]!) {
        setParticipantAudioStates(id: $id, participants: $participants) { id } }`,
      { id: channel.id, participants: [{ id: channel.participants[0].id, audioState: "WHISPER" }] },
    );
    expect(errorCodes(badState)).toEqual(["BAD_USER_INPUT"]);
    expect(fieldOf(badState)).toMatch(/^participants/);
  });
});

describe("Mutation.videoChannelCredentials", () => {
  it("gives a participant a short-lived JWT naming the channel and the caller, signed with the video key", async () => {
    const channel = await create(withAgentAndPatient());
    const before = Math.floor(Date.now() / 1000);
    const response = await server.gql<{
      videoChannelCredentials: {
        token: string;
        expiresAt: string;
        channelId: string;
        participantId: string;
        identity: string;
      };
    }>(patientToken, CREDENTIALS, { id: channel.id });
    const credentials = dataOf(response).videoChannelCredentials;
    const patient = channel.participants.find((p) => p.individualId === patientId)!;
    expect(credentials).toMatchObject({
      channelId: channel.id,
      identity: patientId,
      participantId: patient.id,
    });

    const key = createSecretKey(Buffer.from(server.app.config.video.signingKey));
    const { payload, protectedHeader } = await jwtVerify(credentials.token, key, {
      algorithms: ["HS256"],
      audience: "switchboard-video",
    });
    expect(protectedHeader.alg).toBe("HS256");
    expect(payload).toMatchObject({
      sub: patientId,
      channel: channel.id,
      org: org.id,
      participant: patient.id,
    });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.exp! - payload.iat!).toBe(server.app.config.video.tokenTtlSeconds);
    expect(server.app.config.video.tokenTtlSeconds).toBeLessThanOrEqual(3600);
    expect(new Date(credentials.expiresAt).getTime()).toBe(payload.exp! * 1000);

    // Not a bearer token for the API, and worthless under another key.
    expect(errorCodes(await server.gql(credentials.token, READ, { id: channel.id }))).toEqual([
      "UNAUTHENTICATED",
    ]);
    await expect(
      jwtVerify(credentials.token, createSecretKey(Buffer.from("x".repeat(64)))),
    ).rejects.toThrow();

    const joined = (await read(channel.id)).participants.find((p) => p.id === patient.id)!;
    expect(joined.connectedAt).not.toBeNull();
    expect(joined.disconnected).toBe(false);
  });

  it("refuses a caller of the organization who is not a participant (FORBIDDEN) and another organization (NOT_FOUND)", async () => {
    const channel = await create(withAgentAndPatient());
    expect(errorCodes(await server.gql(org.tokens.admin, CREDENTIALS, { id: channel.id }))).toEqual(
      ["FORBIDDEN"],
    );
    expect(
      errorCodes(await server.gql(org.tokens.service, CREDENTIALS, { id: channel.id })),
    ).toEqual(["FORBIDDEN"]);
    expect(
      errorCodes(await server.gql(otherOrg.tokens.agent, CREDENTIALS, { id: channel.id })),
    ).toEqual(["NOT_FOUND"]);
    expect(errorCodes(await server.gql(org.tokens.agent, CREDENTIALS, { id: newId() }))).toEqual([
      "NOT_FOUND",
    ]);
    const stranger = await server.tokenFor({
      individualId: patientId,
      organizationId: otherOrg.id,
      roles: ["agent"],
    });
    expect(errorCodes(await server.gql(stranger, CREDENTIALS, { id: channel.id }))).toEqual([
      "NOT_FOUND",
    ]);
    const untouched = await read(channel.id);
    expect(untouched.participants.every((p) => p.connectedAt === null)).toBe(true);
  });
});

describe("Mutation.terminateVideoChannel", () => {
  it("terminates once: participants disconnected, duration from the first connection, recording enqueued", async () => {
    const channel = await create(withAgentAndPatient({ recorded: true }));
    dataOf(await server.gql(org.tokens.agent, CREDENTIALS, { id: channel.id }));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const terminated = dataOf(
      await server.gql<{ terminateVideoChannel: Channel }>(org.tokens.agent, TERMINATE, {
        id: channel.id,
      }),
    ).terminateVideoChannel;
    expect(terminated.state).toBe("TERMINATED");
    expect(
      terminated.participants.every(
        (p) => p.disconnected && p.disconnectedAt === terminated.terminatedAt,
      ),
    ).toBe(true);
    const connectedAt = terminated.participants.find((p) => p.connectedAt)!.connectedAt!;
    const expected = Math.floor(
      (Date.parse(terminated.terminatedAt!) - Date.parse(connectedAt)) / 1000,
    );
    expect(terminated.duration).toBe(expected);
    expect(terminated.duration).toBeGreaterThanOrEqual(1);
    expect(terminated.compositions).toEqual([
      expect.objectContaining({ status: "ENQUEUED", duration: terminated.duration }),
    ]);

    const again = await server.gql(org.tokens.agent, TERMINATE, { id: channel.id });
    expect(errorCodes(again)).toEqual(["CONFLICT"]);
    expect((await read(channel.id)).terminatedAt).toBe(terminated.terminatedAt);
    expect(errorCodes(await server.gql(org.tokens.agent, CREDENTIALS, { id: channel.id }))).toEqual(
      ["CONFLICT"],
    );
    const reschedule = await server.gql(org.tokens.agent, UPDATE, {
      id: channel.id,
      input: { appointment: { start: "2031-06-01T08:30:00Z", duration: 15 } },
    });
    expect([errorCodes(reschedule), fieldOf(reschedule)]).toEqual([
      ["CONFLICT"],
      "input.appointment",
    ]);
    const note = await server.gql<{ updateVideoChannel: Channel }>(org.tokens.agent, UPDATE, {
      id: channel.id,
      input: { note: "Written after the call" },
    });
    expect(dataOf(note).updateVideoChannel).toMatchObject({
      state: "TERMINATED",
      note: "Written after the call",
    });

    const compositions = await server.gql<{
      videoCompositions: { totalCount: number; nodes: { id: string }[] };
    }>(
      org.tokens.service,
      `query ($id: ID!) { videoCompositions(videoChannelId: $id) { totalCount nodes { id } } }`,
      { id: channel.id },
    );
    expect(dataOf(compositions).videoCompositions).toEqual({
      totalCount: 1,
      nodes: [{ id: terminated.compositions[0].id }],
    });
  });

  it("counts an unjoined call from its creation, and answers NOT_FOUND across organizations", async () => {
    const channel = await create(withAgentAndPatient());
    expect(
      errorCodes(await server.gql(otherOrg.tokens.agent, TERMINATE, { id: channel.id })),
    ).toEqual(["NOT_FOUND"]);
    expect(errorCodes(await server.gql(org.tokens.service, TERMINATE, { id: channel.id }))).toEqual(
      ["FORBIDDEN"],
    );
    const terminated = dataOf(
      await server.gql<{ terminateVideoChannel: Channel }>(org.tokens.admin, TERMINATE, {
        id: channel.id,
      }),
    ).terminateVideoChannel;
    expect(terminated.duration).toBe(
      Math.floor((Date.parse(terminated.terminatedAt!) - Date.parse(terminated.createdAt)) / 1000),
    );
    expect(terminated.compositions).toEqual([]);
  });
});

describe("Mutation.finalizeVideoEncounter and Mutation.setVideoReminderTimer", () => {
  it("finalizes the encounter once, with the author participant's note when asked", async () => {
    const channel = await create(withAgentAndPatient({ note: "Channel note" }));
    await server.gql(
      org.tokens.agent,
      `mutation ($id: ID!) { updateVideoParticipant(id: $id, input: { note: "Author note" }) { id } }`,
      { id: channel.participants[0].id },
    );
    const serviceTypeId = newId();
    const FINALIZE = `mutation ($id: ID!, $input: FinalizeVideoEncounterInput) {
      finalizeVideoEncounter(id: $id, input: $input) { ${CHANNEL_FIELDS} serviceTypeId } }`;
    const finalized = dataOf(
      await server.gql<{ finalizeVideoEncounter: Channel & { serviceTypeId: string } }>(
        org.tokens.agent,
        FINALIZE,
        {
          id: channel.id,
          input: { serviceTypeId, useNoteFromAuthorParticipant: true },
        },
      ),
    ).finalizeVideoEncounter;
    expect(finalized).toMatchObject({ encounterNote: "Author note", serviceTypeId });
    expect(finalized.encounterId).toMatch(/^[0-9a-f-]{36}$/);
    expect(finalized.participants.every((p) => p.encounterId === finalized.encounterId)).toBe(true);
    expect(errorCodes(await server.gql(org.tokens.agent, FINALIZE, { id: channel.id }))).toEqual([
      "CONFLICT",
    ]);

    const plain = await create(withAgentAndPatient({ note: "Channel note" }));
    const withChannelNote = dataOf(
      await server.gql<{ finalizeVideoEncounter: Channel }>(org.tokens.agent, FINALIZE, {
        id: plain.id,
      }),
    ).finalizeVideoEncounter;
    expect(withChannelNote.encounterNote).toBe("Channel note");
    const badType = await server.gql(org.tokens.agent, FINALIZE, {
      id: newId(),
      input: { serviceTypeId: "x" },
    });
    expect([errorCodes(badType), fieldOf(badType)]).toEqual([
      ["BAD_USER_INPUT"],
      "input.serviceTypeId",
    ]);
  });

  it("starts the reminder timer of a live channel, CONFLICT once terminated", async () => {
    const channel = await create(withAgentAndPatient());
    const REMIND = `mutation ($id: ID!) { setVideoReminderTimer(id: $id) { reminderTimerStartedAt } }`;
    const started = dataOf(
      await server.gql<{ setVideoReminderTimer: { reminderTimerStartedAt: string } }>(
        org.tokens.agent,
        REMIND,
        {
          id: channel.id,
        },
      ),
    ).setVideoReminderTimer;
    expect(Date.parse(started.reminderTimerStartedAt)).toBeGreaterThan(
      Date.parse(channel.createdAt) - 1,
    );
    dataOf(await server.gql(org.tokens.agent, TERMINATE, { id: channel.id }));
    expect(errorCodes(await server.gql(org.tokens.agent, REMIND, { id: channel.id }))).toEqual([
      "CONFLICT",
    ]);
  });
});

describe("Query.videoChannels", () => {
  it("lists the channels an individual participates in or is the subject of, by state, page by page", async () => {
    const individualId = await individual();
    const token = org.tokens.agent;
    const asParticipant = async (extra: Record<string, unknown> = {}) =>
      create({ participants: [{ individualId }], ...extra });
    const open1 = await asParticipant();
    const scheduled = await asParticipant({
      appointment: { start: "2031-01-01T09:00:00Z", duration: 20 },
    });
    const subjectOnly = await create({ subjectId: individualId });
    const ended = await asParticipant();
    dataOf(await server.gql(token, TERMINATE, { id: ended.id }));
    await create(withAgentAndPatient());

    const all = dataOf(
      await server.gql<{ videoChannels: { totalCount: number; nodes: { id: string }[] } }>(
        token,
        LIST,
        { individualId },
      ),
    ).videoChannels;
    expect(all.totalCount).toBe(4);
    expect(all.nodes.map((n) => n.id)).toEqual([open1.id, scheduled.id, subjectOnly.id, ended.id]);

    const live = dataOf(
      await server.gql<{
        videoChannels: { totalCount: number; nodes: { id: string; state: string }[] };
      }>(token, LIST, {
        individualId,
        states: ["OPEN", "SCHEDULED"],
      }),
    ).videoChannels;
    expect(live.nodes).toEqual([
      { id: open1.id, state: "OPEN" },
      { id: scheduled.id, state: "SCHEDULED" },
      { id: subjectOnly.id, state: "OPEN" },
    ]);

    type Page = {
      videoChannels: {
        totalCount: number;
        nodes: { id: string }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    const first = dataOf(
      await server.gql<Page>(token, LIST, { individualId, first: 3 }),
    ).videoChannels;
    expect(first.pageInfo.hasNextPage).toBe(true);
    await create({ participants: [{ individualId }] }).then((later) => {
      expect(later.id > ended.id).toBe(true);
    });
    const second = dataOf(
      await server.gql<Page>(token, LIST, {
        individualId,
        first: 3,
        after: first.pageInfo.endCursor,
      }),
    ).videoChannels;
    expect(second.nodes[0].id).toBe(ended.id);
    expect(second.nodes).toHaveLength(2);
    expect(second.pageInfo.hasNextPage).toBe(false);

    const foreign = dataOf(
      await server.gql<Page>(otherOrg.tokens.agent, LIST, { individualId }),
    ).videoChannels;
    expect(foreign.totalCount).toBe(0);
  });

  it("answers an unknown state or a malformed individual id with BAD_USER_INPUT naming the argument", async () => {
    const badState = await server.gql(org.tokens.agent, LIST, {
      individualId: newId(),
      states: ["RINGING"],
    });
    expect(errorCodes(badState)).toEqual(["BAD_USER_INPUT"]);
    expect(fieldOf(badState)).toMatch(/^states/);
    const badId = await server.gql(org.tokens.agent, LIST, { individualId: "someone" });
    expect([errorCodes(badId), fieldOf(badId)]).toEqual([["BAD_USER_INPUT"], "individualId"]);
  });

  it("loads participants and compositions of a whole page in a constant number of statements", async () => {
    const individualId = await individual();
    const QUERY = `query ($individualId: ID!, $first: Int) { videoChannels(individualId: $individualId, first: $first) {
      nodes { id participants { id } compositions { id } } } }`;
    for (let index = 0; index < 6; index += 1) {
      await create({
        recorded: true,
        participants: [{ individualId }, { individualId: await individual() }],
      });
    }
    const two = await server.gql(org.tokens.agent, QUERY, { individualId, first: 2 });
    const six = await server.gql(org.tokens.agent, QUERY, { individualId, first: 6 });
    expect(dataOf(six)).toBeTruthy();
    expect(six.extensions?.sqlStatements).toBe(two.extensions?.sqlStatements);
    expect(six.extensions?.sqlStatements).toBeLessThanOrEqual(3);
  });
});

describe("Query.videoChannel and Query.videoParticipants", () => {
  it("reads a channel of the caller's organization only, and resolves it as a federation entity", async () => {
    const channel = await create(withAgentAndPatient());
    expect((await read(channel.id)).id).toBe(channel.id);
    const foreign = await server.gql<{ videoChannel: null }>(otherOrg.tokens.agent, READ, {
      id: channel.id,
    });
    expect(dataOf(foreign).videoChannel).toBeNull();
    const ENTITIES = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on VideoChannel { id state } } }`;
    const representations = [{ __typename: "VideoChannel", id: channel.id }];
    expect(dataOf(await server.gql(org.tokens.agent, ENTITIES, { representations }))).toEqual({
      _entities: [{ id: channel.id, state: "OPEN" }],
    });
    expect(dataOf(await server.gql(otherOrg.tokens.agent, ENTITIES, { representations }))).toEqual({
      _entities: [null],
    });
  });

  it("lists a channel's participants, optionally one individual's, and NOT_FOUND for a foreign channel", async () => {
    const channel = await create(withAgentAndPatient());
    const QUERY = `query ($id: ID!, $individualId: ID) { videoParticipants(videoChannelId: $id, individualId: $individualId, first: 1) {
      totalCount nodes { individualId } pageInfo { hasNextPage } } }`;
    const page = await server.gql<{
      videoParticipants: { totalCount: number; nodes: { individualId: string }[] };
    }>(org.tokens.agent, QUERY, { id: channel.id });
    expect(dataOf(page).videoParticipants).toEqual({
      totalCount: 2,
      nodes: [{ individualId: org.callers.agent.individualId }],
      pageInfo: { hasNextPage: true },
    });
    const mine = await server.gql<{ videoParticipants: { totalCount: number } }>(
      org.tokens.agent,
      QUERY,
      {
        id: channel.id,
        individualId: patientId,
      },
    );
    expect(dataOf(mine).videoParticipants.totalCount).toBe(1);
    expect(errorCodes(await server.gql(otherOrg.tokens.agent, QUERY, { id: channel.id }))).toEqual([
      "NOT_FOUND",
    ]);
  });
});

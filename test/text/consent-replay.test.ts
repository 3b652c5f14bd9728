import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPLIES } from "../../src/modules/text/text-inbound.service";
import { CANCELED_FOR_OPT_OUT } from "../../src/modules/text/text.repository";
import { record, smsEvent } from "../consent/helpers";
import { receiveSms } from "../helpers/inbound";
import {
  dataOf,
  startTestServer,
  type GraphQLResponse,
  type TestOrganization,
  type TestServer,
} from "../helpers/server";
import { createTextAccountWithNumber } from "../helpers/texts";
import { eventually, startTwilioStub, twilioEnv, type TwilioStub } from "../helpers/twilio-stub";

/**
 * The replay, grown: operations interleaved over 60 numbers, each number's in order and
 * all numbers at once. CI runs REPLAY_OPERATIONS (default 4,000, about 1–2 minutes a database);
 * `npm run test:replay` runs the full 20,000.
 */
const OUR_NUMBER = "+14155550000";
const NUMBERS = 60;
const OPERATIONS = Number(process.env.REPLAY_OPERATIONS ?? 4_000);
const PARALLEL_NUMBERS = NUMBERS;

let stub: TwilioStub;
let server: TestServer;
let org: TestOrganization;
let accountId: string;

beforeAll(async () => {
  stub = await startTwilioStub();
  stub.reportDelivery = false;
  server = await startTestServer({
    env: { ...twilioEnv(stub), LOG_LEVEL: process.env.REPLAY_LOG_LEVEL ?? "silent" },
  });
  org = await server.createOrganization();
  accountId = (
    await createTextAccountWithNumber(server.app.services, org.callers.admin, OUR_NUMBER)
  ).account.id;
});
afterAll(async () => {
  await server.stop();
  await stub.stop();
});

/** A small deterministic PRNG, so a failure can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

type Keyword = "STOP" | "START" | "HELP" | "OTHER";
type Operation = Keyword | "OPT_OUT" | "OPT_IN" | "SEND";
const BODIES: Record<Keyword, string[]> = {
  STOP: ["STOP", "stop", "Unsubscribe", "opt-out!"],
  START: ["START", "unstop", "Yes"],
  HELP: ["HELP", "info"],
  OTHER: ["running 5 min late", "thanks!", "see you tomorrow"],
};
const KINDS: Operation[] = [
  "STOP",
  "START",
  "HELP",
  "OTHER",
  "OPT_OUT",
  "OPT_IN",
  "SEND",
  "SEND",
  "SEND",
  "SEND",
];

interface NumberState {
  optedOut: boolean;
  /** Changes of state in all, and those an inbound keyword made (each confirmed by one text). */
  changes: number;
  keywordChanges: number;
  refusedTags: string[];
  acceptedTags: string[];
  /** [acknowledged opt-out, acknowledged opt-in or Infinity): when no ordinary text may reach the provider. */
  optedOutSpans: [number, number][];
}

interface TextNode {
  id: string;
  target: string;
  message: string;
  status: string;
  error: string | null;
}

interface Page<Node> {
  nodes: Node[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
type LedgerEvent = { previousOptedOut: boolean | null; newOptedOut: boolean | null };

async function allOutboundTexts(): Promise<TextNode[]> {
  const nodes: TextNode[] = [];
  for (let after: string | null = null; ;) {
    const response: GraphQLResponse<{ texts: Page<TextNode> }> = await server.gql(
      org.tokens.agent,
      `query ($a: ID!, $after: String) { texts(accountId: $a, first: 100, after: $after, filter: { direction: OUTBOUND }) {
        nodes { id target message status error } pageInfo { hasNextPage endCursor } } }`,
      { a: accountId, after },
    );
    const page: Page<TextNode> = dataOf(response).texts;
    nodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return nodes;
    after = page.pageInfo.endCursor;
  }
}

async function ledgerChanges(number: string): Promise<{ changes: number; doNotText: boolean }> {
  let changes = 0;
  let doNotText = false;
  for (let after: string | null = null; ;) {
    const response: GraphQLResponse<{
      contactPreferenceFor: { doNotText: boolean; events: Page<LedgerEvent> } | null;
    }> = await server.gql(
      org.tokens.agent,
      `query ($c: String!, $after: String) { contactPreferenceFor(contact: $c) { doNotText
        events(first: 100, after: $after) { nodes { previousOptedOut newOptedOut } pageInfo { hasNextPage endCursor } } } }`,
      { c: number, after },
    );
    const preference: { doNotText: boolean; events: Page<LedgerEvent> } | null =
      dataOf(response).contactPreferenceFor;
    if (!preference) return { changes, doNotText };
    doNotText = preference.doNotText;
    changes += preference.events.nodes.filter(
      (event) => event.newOptedOut !== null && event.previousOptedOut !== event.newOptedOut,
    ).length;
    if (!preference.events.pageInfo.hasNextPage) return { changes, doNotText };
    after = preference.events.pageInfo.endCursor;
  }
}

describe("randomized replay: inbound keywords and GraphQL opt-outs interleaved with sendText", () => {
  it(`lets no text reach the provider after its number's opt-out was acknowledged (${OPERATIONS} operations)`, async () => {
    const next = random(20261122);
    const numbers = Array.from(
      { length: NUMBERS },
      (_, index) => `+1415557${String(index).padStart(4, "0")}`,
    );
    const plan = new Map(numbers.map((number) => [number, [] as Operation[]]));
    for (let index = 0; index < OPERATIONS; index += 1) {
      plan
        .get(numbers[Math.floor(next() * NUMBERS)])!
        .push(KINDS[Math.floor(next() * KINDS.length)]);
    }
    const expected = new Map<string, NumberState>(
      numbers.map((number) => [
        number,
        {
          optedOut: false,
          changes: 0,
          keywordChanges: 0,
          refusedTags: [],
          acceptedTags: [],
          optedOutSpans: [],
        },
      ]),
    );
    let tag = 0;

    /** Records an acknowledged change of state, at the moment its answer arrived. */
    function acknowledged(state: NumberState, optedOut: boolean, byKeyword: boolean): void {
      if (optedOut === state.optedOut) return;
      const now = Date.now();
      if (optedOut) state.optedOutSpans.push([now, Infinity]);
      else state.optedOutSpans[state.optedOutSpans.length - 1][1] = now;
      state.optedOut = optedOut;
      state.changes += 1;
      if (byKeyword) state.keywordChanges += 1;
    }

    async function play(number: string): Promise<void> {
      const state = expected.get(number)!;
      for (const operation of plan.get(number)!) {
        if (operation === "SEND") {
          const message = `appointment reminder #${tag++}`;
          const response = await server.gql<{ sendText: { id: string } }>(
            org.tokens.agent,
            `mutation ($input: SendTextInput!) { sendText(input: $input) { id } }`,
            { input: { accountId, target: number, message } },
          );
          const code = response.errors?.[0]?.extensions?.code;
          expect(code ?? "ACCEPTED").toBe(state.optedOut ? "OPTED_OUT" : "ACCEPTED");
          (state.optedOut ? state.refusedTags : state.acceptedTags).push(message);
        } else if (operation === "OPT_OUT" || operation === "OPT_IN") {
          const optOut = operation === "OPT_OUT";
          const response = await record(
            server,
            org,
            smsEvent(number, optOut ? "USER_REQUESTED_OPT_OUT" : "OPTIN_MESSAGE_RECEIVED", !optOut),
          );
          expect(dataOf(response).recordOptOutEvent.errors).toEqual([]);
          acknowledged(state, optOut, false);
        } else {
          const body = BODIES[operation][Math.floor(next() * BODIES[operation].length)];
          expect(
            await receiveSms(stub, server.origin, org.id, { from: number, to: OUR_NUMBER, body }),
          ).toBe(200);
          if (operation === "STOP" || operation === "START") {
            acknowledged(state, operation === "STOP", true);
          }
        }
      }
    }

    const queue = [...numbers];
    await Promise.all(
      Array.from({ length: PARALLEL_NUMBERS }, async () => {
        for (let number = queue.shift(); number; number = queue.shift()) await play(number);
      }),
    );
    await server.app.services.textDispatcher.drain();
    await eventually(async () => {
      const { texts } = dataOf(
        await server.gql<{ texts: { totalCount: number } }>(
          org.tokens.agent,
          `query ($a: ID!) { texts(accountId: $a, filter: { status: ACCEPTED }) { totalCount } }`,
          { a: accountId },
        ),
      );
      return texts.totalCount === 0;
    }, 60_000);

    const outbound = await allOutboundTexts();
    const confirmations = new Set<string>([REPLIES.STOP, REPLIES.START]);
    let canceled = 0;
    let reachedProvider = 0;
    for (const number of numbers) {
      const state = expected.get(number)!;
      const received = stub.messages.filter((message) => message.to === number);
      const reminders = received.filter((message) =>
        message.body.startsWith("appointment reminder"),
      );
      reachedProvider += reminders.length;
      // Nothing refused at send time reached the provider, and nothing else was invented.
      expect(reminders.filter((message) => state.refusedTags.includes(message.body))).toEqual([]);
      expect(reminders.every((message) => state.acceptedTags.includes(message.body))).toBe(true);
      // No ordinary text reached the provider while an acknowledged opt-out stood.
      const late = reminders.filter((message) =>
        state.optedOutSpans.some(
          ([from, to]) => message.receivedAt >= from && message.receivedAt < to,
        ),
      );
      expect(late.map((message) => ({ message, optedOutSpans: state.optedOutSpans }))).toEqual([]);
      // Every accepted text either reached the provider or is CANCELED, saying why; never both.
      const sent = new Set(reminders.map((message) => message.body));
      for (const text of outbound.filter(
        (candidate) =>
          candidate.target === number && candidate.message.startsWith("appointment reminder"),
      )) {
        if (sent.has(text.message)) {
          expect(text.status).not.toBe("CANCELED");
        } else if (text.error?.startsWith("UNCONFIRMED:")) {
          // Handed to the provider, unanswered, not resent (TwilioProvider): it may have gone out.
          expect(text.status).toBe("SENDING");
        } else {
          expect({ status: text.status, error: text.error }).toEqual({
            status: "CANCELED",
            error: CANCELED_FOR_OPT_OUT,
          });
          canceled += 1;
        }
      }
      expect(received.filter((message) => confirmations.has(message.body))).toHaveLength(
        state.keywordChanges,
      );
      expect(await ledgerChanges(number)).toEqual({
        changes: state.changes,
        doNotText: state.optedOut,
      });
    }
    // The replay exercised what it is for: texts canceled by opt-outs, and texts that went out.
    expect(canceled).toBeGreaterThan(0);
    expect(reachedProvider).toBeGreaterThan(0);
  }, 600_000);
});

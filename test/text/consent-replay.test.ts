import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPLIES } from "../../src/modules/text/text-inbound.service";
import { receiveSms } from "../helpers/inbound";
import { dataOf, startTestServer, type TestOrganization, type TestServer } from "../helpers/server";
import { createTextAccountWithNumber } from "../helpers/texts";
import { eventually, startTwilioStub, twilioEnv, type TwilioStub } from "../helpers/twilio-stub";

const OUR_NUMBER = "+14155550000";
const NUMBERS = 200;
const OPERATIONS = 2_000;
const PARALLEL_NUMBERS = 25;

let stub: TwilioStub;
let server: TestServer;
let org: TestOrganization;
let accountId: string;

beforeAll(async () => {
  stub = await startTwilioStub();
  stub.reportDelivery = false;
  server = await startTestServer({ env: twilioEnv(stub) });
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

type Operation = "STOP" | "START" | "HELP" | "OTHER" | "SEND";
const BODIES: Record<Exclude<Operation, "SEND">, string[]> = {
  STOP: ["STOP", "stop", "Unsubscribe", "opt-out!"],
  START: ["START", "unstop", "Yes"],
  HELP: ["HELP", "info"],
  OTHER: ["running 5 min late", "thanks!", "see you tomorrow"],
};

describe("randomized replay: inbound keywords interleaved with sendText", () => {
  it("never lets a text reach the provider for an opted-out number, with one ledger entry and one confirmation per change", async () => {
    const next = random(20261122);
    const numbers = Array.from(
      { length: NUMBERS },
      (_, index) => `+1415557${String(index).padStart(4, "0")}`,
    );
    const plan = new Map(numbers.map((number) => [number, [] as Operation[]]));
    const kinds: Operation[] = ["STOP", "START", "HELP", "OTHER", "SEND", "SEND"];
    for (let index = 0; index < OPERATIONS; index += 1) {
      plan
        .get(numbers[Math.floor(next() * NUMBERS)])!
        .push(kinds[Math.floor(next() * kinds.length)]);
    }
    const expected = new Map(
      numbers.map((number) => [
        number,
        { optedOut: false, changes: 0, refusedTags: [] as string[], acceptedTags: [] as string[] },
      ]),
    );
    let tag = 0;

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
          continue;
        }
        const body = BODIES[operation][Math.floor(next() * BODIES[operation].length)];
        expect(
          await receiveSms(stub, server.origin, org.id, { from: number, to: OUR_NUMBER, body }),
        ).toBe(200);
        const optedOut =
          operation === "STOP" ? true : operation === "START" ? false : state.optedOut;
        if (optedOut !== state.optedOut) {
          state.optedOut = optedOut;
          state.changes += 1;
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

    const confirmations = new Set<string>([REPLIES.STOP, REPLIES.START]);
    for (const number of numbers) {
      const state = expected.get(number)!;
      const received = stub.messages.filter((message) => message.to === number);
      const reminders = received.filter((message) =>
        message.body.startsWith("appointment reminder"),
      );
      // Nothing refused at send time reached the provider, and nothing else was invented.
      expect(reminders.filter((message) => state.refusedTags.includes(message.body))).toEqual([]);
      expect(reminders.every((message) => state.acceptedTags.includes(message.body))).toBe(true);
      expect(received.filter((message) => confirmations.has(message.body))).toHaveLength(
        state.changes,
      );
      const ledger = await server.gql<{
        contactPreferenceFor: {
          doNotText: boolean;
          events: { nodes: { previousOptedOut: boolean | null; newOptedOut: boolean | null }[] };
        } | null;
      }>(
        org.tokens.agent,
        `query ($c: String!) { contactPreferenceFor(contact: $c) { doNotText events(first: 100) { nodes { previousOptedOut newOptedOut } } } }`,
        { c: number },
      );
      const preference = dataOf(ledger).contactPreferenceFor;
      const changes = (preference?.events.nodes ?? []).filter(
        (event) => event.newOptedOut !== null && event.previousOptedOut !== event.newOptedOut,
      );
      expect(changes).toHaveLength(state.changes);
      expect(preference?.doNotText ?? false).toBe(state.optedOut);
    }
  }, 180_000);
});

import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { twilioSignature } from "../../src/modules/text/provider/twilio-signature";
import { dataOf, startTestServer, type TestOrganization, type TestServer } from "../helpers/server";
import { createTextAccountWithNumber } from "../helpers/texts";
import { eventually, startTwilioStub, twilioEnv, type TwilioStub } from "../helpers/twilio-stub";

let stub: TwilioStub;
let server: TestServer;
let org: TestOrganization;
let accountId: string;

beforeAll(async () => {
  stub = await startTwilioStub();
  server = await startTestServer({ env: twilioEnv(stub) });
  org = await server.createOrganization();
  accountId = (await createTextAccountWithNumber(server.app.services, org.callers.admin)).account
    .id;
});
afterAll(async () => {
  await server.stop();
  await stub.stop();
});

interface Answer {
  status: number;
  type: string | undefined;
  body: string;
}

/**
 * Posts `body` as given (in `chunks` pieces without a content-length when asked), signed over
 * `signed` (the parameters Twilio would sign) unless `signature` says otherwise.
 */
function post(
  path: string,
  body: string,
  options: {
    type?: string;
    signed?: Record<string, string>;
    signature?: string | null;
    chunks?: number;
  } = {},
): Promise<Answer> {
  const url = `${server.origin}${path}`;
  const signature =
    options.signature === undefined
      ? twilioSignature(stub.authToken, url, options.signed ?? {})
      : options.signature;
  const headers: http.OutgoingHttpHeaders = {
    "content-type": options.type ?? "application/x-www-form-urlencoded",
    ...(signature === null ? {} : { "x-twilio-signature": signature }),
    ...(options.chunks ? {} : { "content-length": Buffer.byteLength(body) }),
  };
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "POST", headers }, (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
      response.on("end", () =>
        resolve({
          status: response.statusCode!,
          type: response.headers["content-type"],
          body: text,
        }),
      );
    });
    request.on("error", reject);
    const size = Math.ceil(body.length / (options.chunks ?? 1));
    for (let start = 0; start < body.length; start += size) {
      request.write(body.slice(start, start + size));
    }
    request.end();
  });
}

const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
const statusPath = () => `/webhooks/twilio/${org.id}/status`;

async function deliveredText(target: string): Promise<{ id: string; providerSid: string }> {
  const sent = await server.gql<{ sendText: { id: string } }>(
    org.tokens.agent,
    `mutation ($input: SendTextInput!) { sendText(input: $input) { id } }`,
    { input: { accountId, target, message: "Your appointment is tomorrow" } },
  );
  const { id } = dataOf(sent).sendText;
  return eventually(async () => {
    const read = await server.gql<{ text: { status: string; providerSid: string } }>(
      org.tokens.agent,
      `query ($id: ID!) { text(id: $id) { status providerSid } }`,
      { id },
    );
    const text = dataOf(read).text;
    return text.status === "DELIVERED" && { id, providerSid: text.providerSid };
  }, 30_000);
}

describe("Twilio webhooks over HTTP", () => {
  it("refuses a missing or wrong signature with 401, in text", async () => {
    const params = { MessageSid: "SMmissing", MessageStatus: "sent" };
    for (const signature of [null, "forged="]) {
      expect(await post(statusPath(), form(params), { signature })).toEqual({
        status: 401,
        type: "text/plain; charset=utf-8",
        body: "invalid signature",
      });
    }
  });

  it("answers 404 for a signed report of a message that is not ours, and 204 for one that is", async () => {
    const params = { MessageSid: "SMnotours", MessageStatus: "delivered" };
    expect(await post(statusPath(), form(params), { signed: params })).toEqual({
      status: 404,
      type: "text/plain; charset=utf-8",
      body: "unknown message",
    });
    const text = await deliveredText("+14155550301");
    const repeat = { MessageSid: text.providerSid, MessageStatus: "delivered" };
    const answer = await post(`${statusPath()}?text=${text.id}`, form(repeat), { signed: repeat });
    expect(answer).toEqual({ status: 204, type: undefined, body: "" });
  });

  it("answers a URL in another form (trailing slash, upper case) the same way", async () => {
    const params = { MessageSid: "SMnotours", MessageStatus: "delivered" };
    for (const path of [`${statusPath()}/`, statusPath().replace("twilio", "Twilio")]) {
      expect(await post(path, form(params), { signed: params })).toMatchObject({
        status: 404,
        body: "unknown message",
      });
    }
  });

  it("reads only a form body: JSON is not taken as the parameters", async () => {
    const body = JSON.stringify({ MessageSid: "SMjson", MessageStatus: "delivered" });
    expect(await post(statusPath(), body, { type: "application/json", signed: {} })).toEqual({
      status: 400,
      type: "text/plain; charset=utf-8",
      body: "MessageSid and a known MessageStatus are required",
    });
  });

  it("accepts a charset, decodes + and %-escapes, and leaves out a repeated name", async () => {
    const params = { MessageSid: "SM a+b/ü", MessageStatus: "delivered" };
    const type = "application/x-www-form-urlencoded; charset=UTF-8";
    expect(await post(statusPath(), form(params), { type, signed: params })).toMatchObject({
      status: 404,
      body: "unknown message",
    });
    const repeated = `${form(params)}&MessageStatus=sent`;
    const signed = { MessageSid: params.MessageSid };
    expect(await post(statusPath(), repeated, { type, signed })).toMatchObject({
      status: 400,
      body: "MessageSid and a known MessageStatus are required",
    });
  });

  it("refuses a body over 100 kB with 413, declared or streamed", async () => {
    const params = { MessageSid: "SMbig", MessageStatus: "sent", Body: "x".repeat(110 * 1024) };
    const expected = {
      status: 413,
      type: "application/json; charset=utf-8",
      body: JSON.stringify({
        errors: [{ message: "request entity too large", extensions: { code: "BAD_REQUEST" } }],
      }),
    };
    expect(await post(statusPath(), form(params), { signed: params })).toEqual(expected);
    expect(await post(statusPath(), form(params), { signed: params, chunks: 8 })).toEqual(expected);
  });

  it("refuses more than 1,000 parameters with 413", async () => {
    const body = Array.from({ length: 1001 }, (_, n) => `P${n}=1`).join("&");
    expect(await post(statusPath(), body)).toMatchObject({
      status: 413,
      body: JSON.stringify({
        errors: [{ message: "too many parameters", extensions: { code: "BAD_REQUEST" } }],
      }),
    });
  });

  it("answers an inbound text to a number the organization lacks with 404", async () => {
    const params = {
      MessageSid: "SMinbound404",
      From: "+14155550302",
      To: "+14155559999",
      Body: "hello there & more",
    };
    const path = `/webhooks/twilio/${org.id}/inbound`;
    expect(await post(path, form(params), { signed: params })).toEqual({
      status: 404,
      type: "text/plain; charset=utf-8",
      body: "no text number of this organization is reached at To",
    });
  });
});

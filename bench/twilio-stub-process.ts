/**
 * The Twilio stand-in in a process of its own, for bench/texts.ts: a real provider is elsewhere,
 * so its work (answering the send, calling the status webhook twice) should not share the app's
 * event loop. It tells the parent its address over IPC and answers "count" with the messages
 * it accepted.
 */
import { startTwilioStub } from "../test/helpers/twilio-stub";

async function main(): Promise<void> {
  const stub = await startTwilioStub();
  process.on("message", (message) => {
    if (message === "count") process.send!({ count: stub.messages.length });
    if (message === "stop") void stub.stop().then(() => process.exit(0));
  });
  process.send!({
    baseUrl: stub.baseUrl,
    accountSid: stub.accountSid,
    authToken: stub.authToken,
  });
}

void main();

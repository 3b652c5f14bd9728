import { describe, expect, it } from "vitest";
import { classifyInboundText, normalizeInboundText } from "./keywords";

describe("normalizeInboundText", () => {
  it("applies NFKC, trims, upper-cases and strips surrounding punctuation and emoji", () => {
    expect(normalizeInboundText("  ｓｔｏｐ!! 🛑 ")).toBe("STOP");
    expect(normalizeInboundText("...opt   out.")).toBe("OPT OUT");
  });
});

describe("classifyInboundText", () => {
  it.each([
    "STOP",
    "stop",
    "Stop.",
    "STOPALL",
    "stop all",
    "UNSUBSCRIBE",
    "cancel",
    "End",
    "quit",
    "revoke",
    "optout",
    "opt out",
    "Opt-Out!",
    "🙅 STOP 🙅",
  ])("%s is a STOP", (body) => expect(classifyInboundText(body)).toBe("STOP"));

  it.each(["START", "unstop", "Yes", "yes!"])("%s opts back in", (body) => {
    expect(classifyInboundText(body)).toBe("START");
  });

  it("reads YES as an answer to another pending request, not as consent, when one is pending", () => {
    expect(classifyInboundText("YES", { yesAnswersAnotherRequest: true })).toBe("OTHER");
  });

  it.each(["HELP", "info", "Help?"])("%s asks for help", (body) => {
    expect(classifyInboundText(body)).toBe("HELP");
  });

  it.each([
    "please stop texting me",
    "Unsubscribe me from this",
    "I want to opt out now",
    "don't text me again",
    "Do not text this number",
  ])("%s is a suspected stop", (body) => expect(classifyInboundText(body)).toBe("SUSPECTED_STOP"));

  it.each([
    "I need to cancel my appointment",
    "see you at the end of the day",
    "thanks!",
    "STOPS",
    "bus stopped late",
    "yes please",
  ])("%s is an ordinary message", (body) => expect(classifyInboundText(body)).toBe("OTHER"));
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { phoneRegion } from "../../src/lib/phone";
import { isWithinSendingHours, recipientTimeZones } from "../../src/lib/quiet-hours";
import {
  dataOf,
  errorCodes,
  startTestServer,
  type TestOrganization,
  type TestServer,
} from "../helpers/server";
import { createTextAccountWithNumber } from "../helpers/texts";
import { createTestIndividual } from "../messaging/fixtures";

let server: TestServer;
let org: TestOrganization;
let accountId: string;

const NUMBERS = [
  "+4571999997",
  "+81312345679",
  "+61412345679",
  "+919876543211",
  "+447911123457",
  "+5511912345679",
  "+14155557600",
];
const ZONES = [
  "Europe/Copenhagen",
  "Asia/Tokyo",
  "Australia/Sydney",
  "Asia/Kolkata",
  "America/Los_Angeles",
  "Pacific/Auckland",
  "America/Sao_Paulo",
];

beforeAll(async () => {
  server = await startTestServer();
  org = await server.createOrganization();
  accountId = (await createTextAccountWithNumber(server.app.services, org.callers.admin)).account
    .id;
  dataOf(
    await server.gql(org.tokens.admin, `mutation { setQuietHours(enabled: true) { quietHours } }`),
  );
});
afterAll(() => server.stop());

const sendMarketing = (target: string) =>
  server.gql(
    org.tokens.agent,
    `mutation ($input: SendTextInput!) { sendText(input: $input) { id status } }`,
    {
      input: { accountId, target, message: "Flu shots", marketing: true, holdForQuietHours: false },
    },
  );

describe("quiet hours use the individual's own time zone before the number's region", () => {
  it("allows a number whose region sleeps when its individual is awake, and refuses the reverse", async () => {
    const now = new Date();
    const regionAwake = (number: string) =>
      isWithinSendingHours(now, recipientTimeZones(null, phoneRegion(number)));
    const zoneAwake = (zone: string) => isWithinSendingHours(now, [zone]);
    const sleepingNumber = NUMBERS.find((number) => !regionAwake(number));
    const awakeNumber = NUMBERS.find(regionAwake);
    const awakeZone = ZONES.find(zoneAwake);
    const sleepingZone = ZONES.find((zone) => !zoneAwake(zone));
    expect(sleepingNumber && awakeNumber && awakeZone && sleepingZone).toBeTruthy();

    await createTestIndividual(server, org, { phoneNumber: sleepingNumber, timeZone: awakeZone });
    await createTestIndividual(server, org, { phoneNumber: awakeNumber, timeZone: sleepingZone });
    expect(errorCodes(await sendMarketing(sleepingNumber!))).toEqual([]);
    expect(errorCodes(await sendMarketing(awakeNumber!))).toEqual(["QUIET_HOURS"]);
  });
});

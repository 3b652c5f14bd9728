import type { Caller } from "../../src/auth/caller";
import type { Services } from "../../src/services";

/** A text account with one SMS-capable number, made through the service as an admin would. */
export async function createTextAccountWithNumber(
  services: Services,
  admin: Caller,
  phoneNumber = "+14155550000",
) {
  const account = await services.textAccounts.createAccount(admin, { allowCustomNumber: false });
  const number = await services.textAccounts.createNumber(admin, {
    accountId: account.id,
    phoneNumber,
    capabilitySms: true,
    capabilityMms: false,
    capabilityVoice: false,
    logging: false,
    alert: false,
  });
  return { account, number };
}

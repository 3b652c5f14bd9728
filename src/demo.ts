import type { Caller } from "./auth/caller";
import type { Services } from "./services";

/** The demo organization `npm start` seeds into an empty embedded database. */
export const DEMO_ORGANIZATION_ID = "0195f0a0-0000-7000-8000-000000000001";
/** Each demo token's `sub` is an individual the seed creates, so every operation works with it. */
export const DEMO_CALLERS: Record<"admin" | "agent" | "service", Caller> = {
  admin: {
    individualId: "0195f0a0-0000-7000-8000-0000000000a1",
    organizationId: DEMO_ORGANIZATION_ID,
    roles: ["admin"],
  },
  agent: {
    individualId: "0195f0a0-0000-7000-8000-0000000000a2",
    organizationId: DEMO_ORGANIZATION_ID,
    roles: ["agent"],
  },
  service: {
    individualId: "0195f0a0-0000-7000-8000-0000000000a3",
    organizationId: DEMO_ORGANIZATION_ID,
    roles: ["service"],
  },
};

const DEMO_CALLER_NAMES: Record<
  keyof typeof DEMO_CALLERS,
  { firstName: string; lastName: string }
> = {
  admin: { firstName: "Ada", lastName: "Admin" },
  agent: { firstName: "Alex", lastName: "Agent" },
  service: { firstName: "Sam", lastName: "Service" },
};

export async function seedDemoOrganization(services: Services): Promise<void> {
  const organizationId = DEMO_ORGANIZATION_ID;
  await services.organizations.create({
    id: organizationId,
    name: "Demo Care Organization",
    defaultRegion: "US",
  });
  const contacts = [
    {
      type: "CUSTOM",
      name: "Relatel A/S",
      phoneNumber: "+4571999999",
      email: "kundeservice@relatel.dk",
      country: "DK",
    },
    {
      type: "CUSTOM",
      name: "Riverside Pharmacy",
      phoneNumber: "+14155552671",
      email: "refills@riverside.example",
    },
    { type: "CUSTOM", name: "Dr. Amara Okafor", phoneNumber: "+14155550123" },
    { type: "QUEUE", name: "Front Desk", phoneNumber: "+14155550100" },
    { type: "QUEUE", name: "Nurse Line", phoneNumber: "+14155550101" },
    {
      type: "USER",
      name: "Joe Johnson",
      userName: "joej",
      firstName: "Joe",
      lastName: "Johnson",
      employeeId: "E-1001",
      phoneNumber: "+14155550142",
    },
    {
      type: "USER",
      name: "Maria Garcia",
      userName: "mariag",
      firstName: "Maria",
      lastName: "Garcia",
      employeeId: "E-1002",
      email: "maria.garcia@demo.example",
    },
  ] as const;
  for (const contact of contacts) await services.contacts.import(organizationId, contact);
  const admin = DEMO_CALLERS.admin;
  for (const [role, caller] of Object.entries(DEMO_CALLERS)) {
    const names = DEMO_CALLER_NAMES[role as keyof typeof DEMO_CALLERS];
    await services.individuals.create(
      admin,
      { ...names, accountType: "staff" },
      caller.individualId,
    );
  }
  await services.contactPreferences.create(admin, {
    contact: "4571999999",
    country: "DK",
    reason: "Prefers email for invoices",
    doNotText: false,
    doNotCall: true,
    doNotEmail: false,
  });
  await services.contactPreferences.create(admin, {
    contact: "(415) 555-0123",
    reason: "Replied STOP",
    doNotText: true,
    doNotCall: false,
    doNotEmail: false,
  });
  await services.contactPreferences.create(admin, {
    contact: "Refills@Riverside.example",
    doNotText: false,
    doNotCall: false,
    doNotEmail: false,
  });
}

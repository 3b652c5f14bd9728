import type { TestOrganization, TestServer } from "../helpers/server";

export const DEPARTMENT = "0195f0a0-0000-7000-8000-00000000d001";

export const RECORD = `mutation ($departmentId: ID!, $input: OptOutEventInput!) {
  recordOptOutEvent(departmentId: $departmentId, input: $input) {
    errors { errorCode errorDescription errorUid }
    warnings { warningCode warningDescription }
    event { id eventType channel contact rawValue effect previousOptedOut newOptedOut source messageId }
    preferences { id contact doNotText doNotCall doNotEmail }
  }
}`;

export interface RecordResult {
  recordOptOutEvent: {
    errors: unknown[];
    warnings: { warningCode: string }[];
    event: {
      id: string;
      effect: string;
      previousOptedOut: boolean | null;
      newOptedOut: boolean | null;
      source: string;
    } | null;
    preferences: { contact: string; doNotText: boolean; doNotCall: boolean; doNotEmail: boolean }[];
  };
}

export function smsEvent(
  value: string,
  event: string,
  okToCommunicate: boolean,
  extra: Record<string, unknown> = {},
  channel = "SMS",
) {
  return {
    event,
    updateType: "MESSAGE",
    communicationAttributes: [
      { communicationType: channel, communicationValue: value, okToCommunicate },
    ],
    ...extra,
  };
}

export function record(
  server: TestServer,
  org: TestOrganization,
  input: Record<string, unknown>,
  token = org.tokens.service,
) {
  return server.gql<RecordResult>(token, RECORD, { departmentId: DEPARTMENT, input });
}

export async function flagsOf(server: TestServer, org: TestOrganization, contact: string) {
  const response = await server.gql<{
    contactPreferenceFor: { doNotText: boolean; doNotCall: boolean; doNotEmail: boolean } | null;
  }>(
    org.tokens.agent,
    `query ($contact: String!) { contactPreferenceFor(contact: $contact) { doNotText doNotCall doNotEmail } }`,
    { contact },
  );
  return response.data?.contactPreferenceFor ?? null;
}

/** How many ledger events the value has. */
export async function eventCount(server: TestServer, org: TestOrganization, contact: string) {
  const response = await server.gql<{
    contactPreferenceFor: { events: { totalCount: number } } | null;
  }>(
    org.tokens.agent,
    `query ($contact: String!) { contactPreferenceFor(contact: $contact) { events { totalCount } } }`,
    { contact },
  );
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data?.contactPreferenceFor?.events.totalCount ?? 0;
}

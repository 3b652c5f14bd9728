import type { ApolloServerPlugin } from "@apollo/server";
import { Trace } from "@apollo/usage-reporting-protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestContext } from "../../src/context";
import { startTestServer, type TestOrganization, type TestServer } from "../helpers/server";

/** What an embedding's plugin saw of each request, by the `x-probe` header it carried. */
interface Seen {
  executionDidStart: number;
  fields: string[];
  errors: string[];
}
const seen = new Map<string, Seen>();

/**
 * A plugin as usage reporting or an OpenTelemetry plugin is: executionDidStart always, and
 * field-level hooks only for the requests it samples (here, those with `x-probe-fields: on`).
 */
const probe: ApolloServerPlugin<RequestContext> = {
  async requestDidStart({ request }) {
    const name = request.http?.headers.get("x-probe");
    if (!name) return;
    const record: Seen = { executionDidStart: 0, fields: [], errors: [] };
    seen.set(name, record);
    const sampled = request.http?.headers.get("x-probe-fields") === "on";
    return {
      async executionDidStart() {
        record.executionDidStart += 1;
        if (!sampled) return;
        return {
          willResolveField({ info }) {
            record.fields.push(`${info.parentType.name}.${info.fieldName}`);
          },
        };
      },
      async didEncounterErrors({ errors }) {
        record.errors.push(...errors.map((error) => error.message));
      },
    };
  },
};

let server: TestServer;
let org: TestOrganization;
let contactIds: string[];

async function post(
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
  token: string | null = org.tokens.admin,
) {
  const response = await fetch(server.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      data?: Record<string, unknown> | null;
      errors?: { message: string; extensions?: { code?: string } }[];
      extensions?: { ftv1?: string };
    },
  };
}

const TRACE = { "apollo-federation-include-trace": "ftv1" };

/** The trace's field tree as `path: Parent.field` lines (list items by index). */
function fieldLines(node: Trace.INode, path = ""): string[] {
  return (node.child ?? []).flatMap((child) => {
    const step = child.responseName || String(child.index ?? 0);
    const here = path ? `${path}.${step}` : step;
    const own = child.responseName ? [`${here}: ${child.parentType}.${child.responseName}`] : [];
    return [...own, ...fieldLines(child, here)];
  });
}

function decodeTrace(ftv1: string | undefined): Trace {
  expect(ftv1, "the answer carries extensions.ftv1").toBeTypeOf("string");
  return Trace.decode(Buffer.from(ftv1!, "base64"));
}

const CONTACTS = `query Contacts { contacts(first: 2) { nodes { id name phoneNumber } totalCount } }`;

beforeAll(async () => {
  server = await startTestServer({ plugins: [probe] });
  org = await server.createOrganization();
  contactIds = [];
  for (const [name, phoneNumber] of [
    ["Ada Lovelace", "+14155550101"],
    ["Grace Hopper", "+14155550102"],
  ]) {
    const created = await server.gql<{ createContact: { id: string } }>(
      org.tokens.admin,
      `mutation ($input: CreateContactInput!) { createContact(input: $input) { id } }`,
      { input: { name, phoneNumber } },
    );
    contactIds.push(created.data!.createContact.id);
  }
});
afterAll(() => server.stop());

describe("every operation runs in Apollo Server's execution step", () => {
  it("calls executionDidStart for a compiled query and a mutation, with no field hooks asked", async () => {
    const query = await post({ query: CONTACTS }, { "x-probe": "query" });
    expect(query.body.errors).toBeUndefined();
    const mutation = await post(
      {
        query: `mutation ($input: CreateContactInput!) { createContact(input: $input) { id } }`,
        variables: { input: { name: "Katherine Johnson", phoneNumber: "+14155550103" } },
      },
      { "x-probe": "mutation" },
    );
    expect(mutation.body.errors).toBeUndefined();
    expect(seen.get("query")).toEqual({ executionDidStart: 1, fields: [], errors: [] });
    expect(seen.get("mutation")).toEqual({ executionDidStart: 1, fields: [], errors: [] });
  });

  it("runs a request whose plugin asks for field hooks instrumented: willResolveField for every field, the same answer", async () => {
    const plain = await post({ query: CONTACTS }, { "x-probe": "plain" });
    const sampled = await post(
      { query: CONTACTS },
      { "x-probe": "sampled", "x-probe-fields": "on" },
    );
    expect(sampled.body).toEqual(plain.body);
    expect(seen.get("plain")!.fields).toEqual([]);
    const fields = seen.get("sampled")!.fields;
    expect(new Set(fields)).toEqual(
      new Set([
        "Query.contacts",
        "ContactConnection.nodes",
        "ContactConnection.totalCount",
        "Contact.id",
        "Contact.name",
        "Contact.phoneNumber",
      ]),
    );
    // Every contact's every field, not only the first of each.
    expect(fields.filter((field) => field === "Contact.name")).toHaveLength(2);
    // And the next plain request is compiled again, its answer unchanged.
    const after = await post({ query: CONTACTS }, { "x-probe": "after" });
    expect(after.body).toEqual(plain.body);
    expect(seen.get("after")!.fields).toEqual([]);
  });

  it("tells didEncounterErrors of a compiled query's errors", async () => {
    const missing = await post(
      { query: `query ($id: ID!) { contact(id: $id) { id } }`, variables: { id: "nope" } },
      { "x-probe": "error" },
    );
    expect(missing.body.errors?.length).toBeGreaterThan(0);
    expect(seen.get("error")!.errors).toEqual(missing.body.errors!.map((error) => error.message));
  });
});

describe("federated inline tracing (ftv1)", () => {
  it("answers no trace unless the gateway asks for one", async () => {
    const answer = await post({ query: CONTACTS });
    expect(answer.body.extensions?.ftv1).toBeUndefined();
  });

  it("carries the field tree of a query", async () => {
    const answer = await post({ query: CONTACTS }, TRACE);
    expect(answer.body.errors).toBeUndefined();
    const trace = decodeTrace(answer.body.extensions?.ftv1);
    expect(Number(trace.durationNs)).toBeGreaterThan(0);
    const lines = fieldLines(trace.root!);
    expect(lines).toEqual(
      expect.arrayContaining([
        "contacts: Query.contacts",
        "contacts.nodes: ContactConnection.nodes",
        "contacts.nodes.0.id: Contact.id",
        "contacts.nodes.0.name: Contact.name",
        "contacts.nodes.1.phoneNumber: Contact.phoneNumber",
        "contacts.totalCount: ContactConnection.totalCount",
      ]),
    );
  });

  it("carries the field tree of a mutation", async () => {
    const answer = await post(
      {
        query: `mutation ($input: CreateContactInput!) { createContact(input: $input) { id name } }`,
        variables: { input: { name: "Dorothy Vaughan", phoneNumber: "+14155550104" } },
      },
      TRACE,
    );
    expect(answer.body.errors).toBeUndefined();
    const lines = fieldLines(decodeTrace(answer.body.extensions?.ftv1).root!);
    expect(lines).toEqual(
      expect.arrayContaining([
        "createContact: Mutation.createContact",
        "createContact.id: Contact.id",
        "createContact.name: Contact.name",
      ]),
    );
  });

  it("carries the field tree of _entities, as a gateway's entity fetch asks it", async () => {
    const answer = await post(
      {
        query: `query ($representations: [_Any!]!) {
          _entities(representations: $representations) { ... on Contact { id name } } }`,
        variables: { representations: contactIds.map((id) => ({ __typename: "Contact", id })) },
      },
      TRACE,
    );
    expect(answer.body.errors).toBeUndefined();
    const lines = fieldLines(decodeTrace(answer.body.extensions?.ftv1).root!);
    expect(lines).toEqual(
      expect.arrayContaining([
        "_entities: Query._entities",
        "_entities.0.id: Contact.id",
        "_entities.1.name: Contact.name",
      ]),
    );
  });

  it("puts a caller's error in the trace as the answer has it, at its field", async () => {
    const answer = await post(
      { query: `query ($id: ID!) { contact(id: $id) { id } }`, variables: { id: "nope" } },
      TRACE,
    );
    const [error] = answer.body.errors!;
    const trace = decodeTrace(answer.body.extensions?.ftv1);
    const contact = trace.root!.child!.find((node) => node.responseName === "contact")!;
    expect(contact.error?.map((traced) => traced.message)).toEqual([error.message]);
  });
});

import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from "graphql";
import { hostileString, type ValueMood } from "./hostile";
import type { Random } from "./random";

/** An enum value to be printed bare in a document (a variable's value is its name as a string). */
class EnumLiteral {
  constructor(readonly name: string) {}
  toJSON(): string {
    return this.name;
  }
}

export interface Operation {
  query: string;
  variables: Record<string, unknown>;
  operationName?: string;
  kind: "query" | "mutation";
}

/** Prints a value as a GraphQL literal, whatever it is: ill-typed values are the point. */
export function literal(value: unknown): string {
  if (value instanceof EnumLiteral) return value.name;
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "1e400";
  if (typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(literal).join(", ")}]`;
  const fields = Object.entries(value as Record<string, unknown>).map(
    ([name, field]) => `${name}: ${literal(field)}`,
  );
  return `{${fields.join(", ")}}`;
}

const INTS = [0, 1, 2, 5, 20, 100, 101, -1, -100, 1e9, 2 ** 31, 2 ** 53, 0.5, -0];
const DATES = [
  "2024-01-01T00:00:00Z",
  "2031-12-31T23:59:59.999Z",
  "1970-01-01T00:00:00Z",
  "not a date",
  "2024-02-30T25:61:00Z",
  "+275760-09-13T00:00:00.000Z",
  "",
];

/**
 * Operations drawn from the served schema: a root field with arguments (as variables or inline),
 * and a selection of its fields a few levels deep. Ids seen in earlier answers are reused, so
 * resolvers and the database are reached, not only validation.
 */
export class OperationGenerator {
  /** Ids the server has answered with (ours and the demo organization's). */
  readonly knownIds: string[] = [];

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly random: Random,
  ) {}

  rememberIds(answer: string): void {
    for (const match of answer.matchAll(/"id":"([0-9a-f-]{36})"/g)) {
      if (this.knownIds.length >= 500) this.knownIds[this.random.int(0, 499)] = match[1];
      else if (!this.knownIds.includes(match[1])) this.knownIds.push(match[1]);
    }
  }

  operation(mood: ValueMood, kind?: "query" | "mutation"): Operation {
    const random = this.random;
    const chosen = kind ?? (random.chance(0.65) ? "query" : "mutation");
    const root = chosen === "query" ? this.schema.getQueryType()! : this.schema.getMutationType()!;
    const fields = Object.values(root.getFields()).filter((field) => !field.name.startsWith("_"));
    const field = random.pick(fields);
    const variables: Record<string, unknown> = {};
    const definitions: string[] = [];
    const args = this.arguments(field.args, mood, variables, definitions);
    const selection = this.selection(getNamedType(field.type), 0, mood);
    const operationName = random.chance(0.5) ? `Fuzz${random.int(0, 999)}` : undefined;
    const header = `${chosen}${operationName ? ` ${operationName}` : ""}${
      definitions.length ? `(${definitions.join(", ")})` : ""
    }`;
    return {
      query: `${header} { ${field.name}${args}${selection} }`,
      variables,
      operationName,
      kind: chosen,
    };
  }

  /** `(a: 1, b: $b)`, declaring the variables it uses in `definitions`. */
  private arguments(
    args: readonly GraphQLArgument[],
    mood: ValueMood,
    variables: Record<string, unknown> | null,
    definitions: string[] | null,
  ): string {
    const random = this.random;
    const given = args.filter((arg) => isNonNullType(arg.type) || random.chance(0.5));
    if (given.length === 0) return "";
    const parts = given.map((arg) => {
      const value = this.value(arg.type, mood, 0);
      if (variables && definitions && random.chance(0.7)) {
        const name = `${arg.name}${definitions.length}`;
        definitions.push(`$${name}: ${String(arg.type)}`);
        if (value !== undefined) variables[name] = value;
        return `${arg.name}: $${name}`;
      }
      return `${arg.name}: ${literal(value)}`;
    });
    return `(${parts.join(", ")})`;
  }

  private selection(type: GraphQLNamedType, depth: number, mood: ValueMood): string {
    const random = this.random;
    if (isLeafType(type)) return "";
    if (isUnionType(type)) {
      const members = random.subset(type.getTypes(), 0.5);
      const spreads = members.map(
        (member) => `... on ${member.name}${this.selection(member, depth + 1, mood)}`,
      );
      return ` { __typename ${spreads.join(" ")} }`;
    }
    if (!isObjectType(type) && !isInterfaceType(type)) return " { __typename }";
    const fields = Object.values(type.getFields()) as GraphQLField<unknown, unknown>[];
    const chosen = random.subset(fields, depth === 0 ? 0.5 : 0.3).filter((field) => {
      const inner = getNamedType(field.type);
      return isLeafType(inner) || depth < 3;
    });
    const printed = chosen.map((field) => {
      const args = this.arguments(field.args, mood, null, null);
      const alias = random.chance(0.05) ? `a${random.int(0, 99)}: ` : "";
      return `${alias}${field.name}${args}${this.selection(getNamedType(field.type), depth + 1, mood)}`;
    });
    return ` { ${printed.length ? printed.join(" ") : "__typename"} }`;
  }

  /** A value for an input type: mostly well typed, hostile or ill-typed as the mood says. */
  value(type: GraphQLInputType, mood: ValueMood, depth: number): unknown {
    const random = this.random;
    if (mood === "illTyped" && random.chance(0.25)) return this.wrongValue();
    if (isNonNullType(type)) {
      if (mood !== "normal" && random.chance(0.05)) return null;
      return this.value(type.ofType, mood, depth);
    }
    if (mood !== "normal" && random.chance(0.05)) return null;
    if (isListType(type)) {
      const length = mood === "normal" ? random.int(0, 3) : random.pick([0, 1, 3, 50]);
      return Array.from({ length }, () => this.value(type.ofType, mood, depth + 1));
    }
    if (isEnumType(type)) {
      const values = type.getValues().map((value) => value.name);
      const name = mood === "normal" || random.chance(0.8) ? random.pick(values) : "NOT_A_VALUE";
      return new EnumLiteral(name);
    }
    if (isInputObjectType(type)) {
      if (depth > 4) return {};
      const fields: Record<string, unknown> = {};
      for (const field of Object.values(type.getFields())) {
        if (isNonNullType(field.type) || random.chance(0.5)) {
          fields[field.name] = this.value(field.type, mood, depth + 1);
        }
      }
      if (mood === "illTyped" && random.chance(0.2)) fields.notAField = 1;
      return fields;
    }
    return this.scalar(type.name, mood);
  }

  private scalar(name: string, mood: ValueMood): unknown {
    const random = this.random;
    const hostile = mood === "hostile" && random.chance(0.5);
    switch (name) {
      case "Int":
      case "Float":
        return hostile ? random.pick([-1, 1e9, 2 ** 31, -(2 ** 31) - 1]) : random.pick(INTS);
      case "Boolean":
        return random.chance(0.5);
      case "ID":
        if (hostile) return hostileString(random);
        if (this.knownIds.length > 0 && random.chance(0.7)) return random.pick(this.knownIds);
        return random.pick([randomUuid(random), "not-an-id", "0", ""]);
      case "DateTime":
        return random.pick(DATES);
      default:
        return hostile || random.chance(0.2) ? hostileString(random) : plainString(random);
    }
  }

  private wrongValue(): unknown {
    const random = this.random;
    return random.pick<unknown>([
      "a string",
      42,
      -1.5,
      true,
      [],
      [1, "two"],
      {},
      { nested: { deeper: [null] } },
      null,
      1e308,
    ]);
  }
}

function randomUuid(random: Random): string {
  const hex = () => random.int(0, 15).toString(16);
  const part = (length: number) => Array.from({ length }, hex).join("");
  return `${part(8)}-${part(4)}-7${part(3)}-8${part(3)}-${part(12)}`;
}

const PLAIN = [
  "+14155550123",
  "(415) 555-0100",
  "71 99 99 99",
  "kundeservice@relatel.dk",
  "Front Desk",
  "SMS",
  "hello",
  "STOP",
  "US",
  "DK",
];

function plainString(random: Random): string {
  return random.pick(PLAIN);
}

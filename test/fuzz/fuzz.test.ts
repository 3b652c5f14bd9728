import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { buildASTSchema, parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoOrganization } from "../../src/demo";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { startTestServer } from "../helpers/server";
import { codesOf, findingOf, minimize, send, type FuzzAnswer } from "./answers";
import { startChildServer, type ChildServer } from "./child-server";
import { OperationGenerator } from "./operations";
import { Random } from "./random";
import { RequestGenerator, type FuzzRequest } from "./requests";
import { fuzzTokens } from "./tokens";

/**
 * Hostile requests against the real server in its own process. FUZZ_SEED replays a run (the seed
 * is printed); FUZZ_REQUESTS sets the size (CI's slice by default, `npm run fuzz` the full one).
 */
/** CI's slice replays one seed, so that it is red only for a change; `npm run fuzz` draws one. */
const SEED =
  !process.env.FUZZ_SEED || process.env.FUZZ_SEED === "random"
    ? process.env.FUZZ_SEED
      ? randomBytes(4).readUInt32BE()
      : 20_261_204
    : Number(process.env.FUZZ_SEED);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 1_500);
const CONCURRENCY = 8;
const SCHEMA_FILE = path.resolve(import.meta.dirname, "../../schema.graphql");

let database: TestDatabase;
let server: ChildServer;
const jwtSecret = randomBytes(32).toString("hex");

beforeAll(async () => {
  database = await createTestDatabase();
  if (database.databaseUrl) {
    // The child seeds the demo organization only into an empty PGlite; here, beforehand.
    const seeding = await startTestServer({ database });
    await seedDemoOrganization(seeding.app.services);
    await seeding.stop();
  }
  server = await startChildServer({
    NODE_ENV: "test",
    LOG_LEVEL: "error",
    JWT_SECRET: jwtSecret,
    VIDEO_SIGNING_KEY: randomBytes(32).toString("hex"),
    DATA_DIR: database.dataDir,
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    // Bad tokens are a category of their own; the throttle would refuse the good ones after.
    AUTH_FAILURE_LIMIT: "1000000",
  });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

interface Finding {
  request: FuzzRequest;
  answer: FuzzAnswer;
  finding: string;
}

/** The first field an operation selects, so that findings group by the resolver that failed. */
function rootFieldOf(request: FuzzRequest): string {
  const text = request.body ?? decodeURIComponent(request.path.replace(/\+/g, " "));
  return /\{\s*(?:\w+\s*:\s*)?(\w+)/.exec(text)?.[1] ?? "-";
}

function compact(request: FuzzRequest, answer: FuzzAnswer): string {
  const cut = (text: string, length: number) =>
    text.length > length ? `${text.slice(0, length)}… (${text.length} chars)` : text;
  const headers = Object.entries(request.headers)
    .map(([name, value]) => `${name}: ${cut(value, 40)}`)
    .join("; ");
  return [
    `  ${request.method} ${cut(request.path, 200)}  [${headers}]`,
    request.body === undefined ? "" : `    body: ${cut(JSON.stringify(request.body), 400)}`,
    `    → ${answer.status}${answer.error ? ` (${answer.error})` : ""} ${cut(answer.body, 400)}`,
  ]
    .filter(Boolean)
    .join("\n");
}

describe("fuzz", () => {
  it(
    `survives ${REQUESTS} hostile requests: no exit, no 5xx but 503, no INTERNAL_SERVER_ERROR, no stack or SQL`,
    async () => {
      console.error(
        `fuzz: FUZZ_SEED=${SEED} FUZZ_REQUESTS=${REQUESTS} (${process.env.TEST_DB ?? "pglite"})`,
      );
      const random = new Random(SEED);
      const tokens = await fuzzTokens(jwtSecret);
      // The printed SDL, which CI checks against the code (schema:check). The standard
      // introspection query is deeper than MAX query depth, so it is not asked for.
      const schema = buildASTSchema(parse(readFileSync(SCHEMA_FILE, "utf8")), {
        assumeValidSDL: true,
      });
      const operations = new OperationGenerator(schema, random);
      const generator = new RequestGenerator(random, operations, tokens);
      // Every request drawn before any is sent, so the seed alone decides them.
      const requests = Array.from({ length: REQUESTS }, () => generator.next());

      const findings: Finding[] = [];
      const byCategory = new Map<string, number>();
      const started = performance.now();
      let nextIndex = 0;
      const worker = async () => {
        while (nextIndex < requests.length && !server.exit) {
          const request = requests[nextIndex++];
          const answer = await send(server.origin, request);
          byCategory.set(request.category, (byCategory.get(request.category) ?? 0) + 1);
          operations.rememberIds(answer.body);
          const finding = findingOf(request, answer);
          if (finding) findings.push({ request, answer, finding });
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const seconds = (performance.now() - started) / 1000;

      const alive = server.exit
        ? null
        : await send(server.origin, {
            category: "liveness",
            method: "POST",
            path: "/graphql",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ query: "{ __typename }" }),
          });
      console.error(
        `fuzz: ${nextIndex} requests in ${seconds.toFixed(1)} s (${(nextIndex / seconds).toFixed(0)}/s), ` +
          `${findings.length} findings; by category ${JSON.stringify(Object.fromEntries(byCategory))}`,
      );

      const groups = new Map<string, Finding[]>();
      for (const finding of findings) {
        // A resolver's failure (an error in a 200) is told apart by the field; a request's, not.
        const field = finding.answer.status === 200 ? ` | ${rootFieldOf(finding.request)}` : "";
        const key = `${finding.finding} | ${finding.request.category}${field} | ${codesOf(finding.answer)}`;
        groups.set(key, [...(groups.get(key) ?? []), finding]);
      }
      const report: string[] = [];
      for (const [key, group] of groups) {
        const smallest = group.reduce((a, b) =>
          (a.request.body?.length ?? 0) <= (b.request.body?.length ?? 0) ? a : b,
        );
        const minimized = server.exit
          ? smallest.request
          : await minimize(server.origin, smallest.request, smallest.finding);
        const answer = server.exit ? smallest.answer : await send(server.origin, minimized);
        report.push(`${group.length} × ${key}\n${compact(minimized, answer)}`);
      }
      if (report.length > 0) {
        console.error(`fuzz findings (FUZZ_SEED=${SEED}):\n${report.join("\n")}`);
        console.error(`fuzz: the server's log ends:\n${server.stdoutTail().slice(-4_000)}`);
      }

      expect(server.exit, `the server exited:\n${server.stderrTail()}`).toBeNull();
      expect(alive?.status).toBe(200);
      expect(report, `FUZZ_SEED=${SEED}`).toEqual([]);
    },
    Math.max(120_000, REQUESTS * 200),
  );
});

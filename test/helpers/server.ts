import { randomBytes } from "node:crypto";
import type { DestinationStream } from "pino";
import { startApp, type App, type AppOptions } from "../../src/app";
import type { Caller, Role } from "../../src/auth/caller";
import { signToken } from "../../src/auth/jwt";
import { loadConfig } from "../../src/config";
import { newId } from "../../src/lib/ids";
import { createTestDatabase, type TestDatabase } from "./database";

export interface GraphQLResponse<Data = Record<string, unknown>> {
  status: number;
  data?: Data | null;
  errors?: {
    message: string;
    path?: string[];
    extensions?: { code?: string; field?: string; [key: string]: unknown };
  }[];
  extensions?: { sqlStatements?: number };
}

export interface TestOrganization {
  id: string;
  callers: Record<Role, Caller>;
  tokens: Record<Role, string>;
}

export interface TestServer {
  app: App;
  url: string;
  /** The origin, for REST routes: `${origin}/communications/...`. */
  origin: string;
  createOrganization(options?: {
    defaultRegion?: string;
    name?: string;
  }): Promise<TestOrganization>;
  tokenFor(caller: Caller, expiresIn?: string | number): Promise<string>;
  gql<Data = Record<string, unknown>>(
    token: string | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<Data>>;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  /** Start on this database instead of a fresh one, and leave it in place at stop (restart tests). */
  database?: TestDatabase;
  /** Where the app's log lines go (tests that read them); LOG_LEVEL comes from `env`. */
  logDestination?: DestinationStream;
  /** More Apollo Server plugins, as an embedding would add them. */
  plugins?: AppOptions["plugins"];
}

/** Starts the real app on a fresh database and an ephemeral port; tests talk HTTP to it. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database = options.database ?? (await createTestDatabase());
  const jwtSecret = randomBytes(32).toString("hex");
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    DATA_DIR: database.dataDir,
    JWT_SECRET: jwtSecret,
    VIDEO_SIGNING_KEY: randomBytes(32).toString("hex"),
    EXPOSE_SQL_STATEMENT_COUNT: "true",
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    ...options.env,
  });
  const app = await startApp(config, {
    logDestination: options.logDestination,
    plugins: options.plugins,
  });
  const tokenFor = (caller: Caller, expiresIn: string | number = "1h") =>
    signToken(jwtSecret, caller, expiresIn);

  return {
    app,
    url: app.server.url,
    origin: new URL(app.server.url).origin,
    tokenFor,
    async createOrganization({ defaultRegion = "US", name = "Test organization" } = {}) {
      const organization = await app.services.organizations.create({ name, defaultRegion });
      const callers = {} as Record<Role, Caller>;
      const tokens = {} as Record<Role, string>;
      for (const role of ["admin", "agent", "service"] as const) {
        callers[role] = { individualId: newId(), organizationId: organization.id, roles: [role] };
        tokens[role] = await tokenFor(callers[role]);
      }
      return { id: organization.id, callers, tokens };
    },
    async gql(token, query, variables) {
      const response = await fetch(app.server.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    async stop() {
      await app.stop();
      if (!options.database) await database.drop();
    },
  };
}

/** The data of a response that must have no errors. */
export function dataOf<Data>(response: GraphQLResponse<Data>): Data {
  if (response.errors?.length) {
    throw new Error(`unexpected GraphQL errors: ${JSON.stringify(response.errors)}`);
  }
  return response.data as Data;
}

export function errorCodes(response: GraphQLResponse<unknown>): (string | undefined)[] {
  return (response.errors ?? []).map((error) => error.extensions?.code);
}

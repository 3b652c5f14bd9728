import { randomBytes } from "node:crypto";
import { isSupportedCountry } from "libphonenumber-js/max";

/**
 * Every environment variable Switchboard reads, parsed and validated here and nowhere else.
 * A wrong value stops the start with one line naming the variable (ConfigError).
 */
export interface Config {
  nodeEnv: "development" | "production" | "test";
  port: number;
  /** Real Postgres when set; embedded PGlite otherwise. */
  databaseUrl: string | null;
  /** PGlite data directory, or ":memory:" for a throwaway database. */
  dataDir: string;
  jwt: JwtConfig;
  corsOrigins: string[];
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Introspection and the Sandbox landing page (on by default outside production). */
  introspection: boolean;
  defaultPhoneRegion: string;
  /** Adds `extensions.sqlStatements` to every response, for tests and benchmarks. */
  exposeStatementCount: boolean;
  /** HTTP Basic accounts allowed on the seed-003 REST ingress, as `user:password@organizationId`. */
  serviceAccounts: ServiceAccount[];
  /** Whether this process runs the background workers (queued opt-out events, the text dispatcher). */
  runWorkers: boolean;
  sms: SmsConfig;
  /** The URL providers reach this server at, for status callbacks and webhook signatures. */
  publicBaseUrl: string | null;
  video: VideoConfig;
  /** Deadlines on the database path; a frozen database answers SERVICE_UNAVAILABLE within them. */
  deadlines: DeadlineConfig;
  /** What one request may cost before it runs, and as it runs. */
  limits: LimitConfig;
  /** Whether `{ _service { sdl } }` answers without a token (federation gateways that send none). */
  federationSdlPublic: boolean;
  /** Failed credentials per source address before 429 (REST ingress, webhooks, bearer tokens). */
  authThrottle: AuthThrottleConfig;
  /** How long SIGTERM waits for in-flight requests and workers before answering the rest 503. */
  shutdownGraceMs: number;
  /** OpenTelemetry traces over OTLP/HTTP; null (off, the SDK never loaded) unless an endpoint is set. */
  tracing: TracingConfig | null;
}

/**
 * What the standard OTEL_* variables say of traces. The SDK reads the rest of its variables
 * (OTEL_EXPORTER_OTLP_HEADERS, OTEL_TRACES_SAMPLER, OTEL_RESOURCE_ATTRIBUTES, span limits…) from the
 * process environment itself; the ones here are read from the configuration's environment so that
 * tests can start traced and untraced apps in one process.
 */
export interface TracingConfig {
  /** OTEL_SERVICE_NAME, "switchboard" by default. */
  serviceName: string;
  /** OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, or OTEL_EXPORTER_OTLP_ENDPOINT + "/v1/traces". */
  tracesUrl: string;
  /** OTEL_BSP_*: the batch span processor's settings; the SDK's defaults where unset. */
  batch: {
    scheduledDelayMillis?: number;
    exportTimeoutMillis?: number;
    maxQueueSize?: number;
    maxExportBatchSize?: number;
  };
}

export interface DeadlineConfig {
  /** Opening a connection to Postgres. */
  connectMs: number;
  /** One SQL statement, enforced by the server (statement_timeout) and by the client. */
  statementMs: number;
  /** A whole GraphQL request; past it the caller gets SERVICE_UNAVAILABLE. */
  requestMs: number;
  /** GET /readyz's check of Postgres. */
  readinessMs: number;
}

export interface LimitConfig {
  /** The largest cost (list sizes multiplied through nesting, aliases counted) a document may have. */
  maxQueryCost: number;
  /** SQL statements one request may make, the backstop behind the cost limit. */
  maxSqlStatements: number;
  /** Lexical tokens in one document (graphql-js parse's maxTokens). */
  maxTokens: number;
}

export interface AuthThrottleConfig {
  /** Failed attempts allowed per source address within the window. */
  failures: number;
  windowSeconds: number;
}

export interface VideoConfig {
  /** HS256 key that signs video access tokens; random per process in development when unset. */
  signingKey: string;
  generated: boolean;
  tokenTtlSeconds: number;
}

export type SmsConfig =
  | { provider: "local" }
  | { provider: "twilio"; accountSid: string; authToken: string; baseUrl: string };

export type JwtConfig =
  | { kind: "secret"; secret: string; generated: boolean }
  | { kind: "publicKey"; publicKeyPem: string; algorithm: "RS256" | "ES256" };

export interface ServiceAccount {
  username: string;
  password: string;
  organizationId: string;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parseBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, `expected true or false, got "${raw}"`);
}

function parseWhole(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(name, `expected a whole number between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function parseDeadlines(env: Env): DeadlineConfig {
  const minute = 60_000;
  return {
    connectMs: parseWhole(env, "DB_CONNECT_TIMEOUT_MS", 2_000, 100, minute),
    statementMs: parseWhole(env, "DB_STATEMENT_TIMEOUT_MS", 4_000, 100, 10 * minute),
    requestMs: parseWhole(env, "REQUEST_TIMEOUT_MS", 5_000, 100, 10 * minute),
    readinessMs: parseWhole(env, "READY_TIMEOUT_MS", 1_000, 50, minute),
  };
}

function parseLimits(env: Env): LimitConfig {
  return {
    maxQueryCost: parseWhole(env, "MAX_QUERY_COST", 50_000, 1, 100_000_000),
    maxSqlStatements: parseWhole(env, "MAX_SQL_STATEMENTS", 200, 1, 1_000_000),
    maxTokens: parseWhole(env, "MAX_QUERY_TOKENS", 5_000, 100, 1_000_000),
  };
}

function parsePort(env: Env): number {
  const raw = env.PORT ?? "4000";
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) {
    throw new ConfigError("PORT", `expected a port number 0-65535, got "${raw}"`);
  }
  return port;
}

function parseNodeEnv(env: Env): Config["nodeEnv"] {
  const raw = env.NODE_ENV ?? "development";
  if (raw === "development" || raw === "production" || raw === "test") return raw;
  throw new ConfigError("NODE_ENV", `expected development, production or test, got "${raw}"`);
}

function parseDatabaseUrl(env: Env): string | null {
  const raw = env.DATABASE_URL;
  if (!raw) return null;
  if (!/^postgres(ql)?:\/\//.test(raw)) {
    throw new ConfigError("DATABASE_URL", "expected a postgres:// or postgresql:// URL");
  }
  return raw;
}

function parseJwt(env: Env, nodeEnv: Config["nodeEnv"]): JwtConfig {
  const secret = env.JWT_SECRET;
  const publicKey = env.JWT_PUBLIC_KEY;
  if (secret && publicKey) {
    throw new ConfigError("JWT_SECRET", "set either JWT_SECRET or JWT_PUBLIC_KEY, not both");
  }
  if (publicKey) {
    const pem = publicKey.replace(/\\n/g, "\n");
    if (!pem.includes("BEGIN PUBLIC KEY")) {
      throw new ConfigError("JWT_PUBLIC_KEY", "expected a PEM (SPKI) public key");
    }
    const algorithm = env.JWT_ALGORITHM ?? "RS256";
    if (algorithm !== "RS256" && algorithm !== "ES256") {
      throw new ConfigError("JWT_ALGORITHM", `expected RS256 or ES256, got "${algorithm}"`);
    }
    return { kind: "publicKey", publicKeyPem: pem, algorithm };
  }
  if (secret) {
    if (secret.length < 32) throw new ConfigError("JWT_SECRET", "must be at least 32 characters");
    return { kind: "secret", secret, generated: false };
  }
  if (nodeEnv === "production") {
    throw new ConfigError("JWT_SECRET", "JWT_SECRET or JWT_PUBLIC_KEY is required in production");
  }
  return { kind: "secret", secret: "", generated: true };
}

function parseCorsOrigins(env: Env): string[] {
  const raw = env.CORS_ORIGINS ?? "";
  const origins = raw
    .split(",")
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of origins) {
    if (origin !== "*" && !/^https?:\/\/[^/]+$/.test(origin)) {
      throw new ConfigError(
        "CORS_ORIGINS",
        `"${origin}" is not an origin like https://app.example.org`,
      );
    }
  }
  return origins;
}

function parseLogLevel(env: Env, nodeEnv: Config["nodeEnv"]): Config["logLevel"] {
  const raw = env.LOG_LEVEL ?? (nodeEnv === "test" ? "silent" : "info");
  const level = LOG_LEVELS.find((candidate) => candidate === raw);
  if (!level) throw new ConfigError("LOG_LEVEL", `expected one of ${LOG_LEVELS.join(", ")}`);
  return level;
}

function parseRegion(env: Env): string {
  const raw = (env.DEFAULT_PHONE_REGION ?? "US").toUpperCase();
  if (!isSupportedCountry(raw)) {
    throw new ConfigError("DEFAULT_PHONE_REGION", `"${raw}" is not an ISO 3166 region code`);
  }
  return raw;
}

function parseServiceAccounts(env: Env): ServiceAccount[] {
  const raw = env.SERVICE_ACCOUNTS ?? "";
  return raw
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const match = /^([^:]+):(.+)@([^@]+)$/.exec(entry);
      if (!match || !UUID.test(match[3])) {
        throw new ConfigError("SERVICE_ACCOUNTS", "expected user:password@organizationUuid[,…]");
      }
      return { username: match[1], password: match[2], organizationId: match[3].toLowerCase() };
    });
}

function parseSms(env: Env): SmsConfig {
  const provider = env.SMS_PROVIDER ?? (env.TWILIO_ACCOUNT_SID ? "twilio" : "local");
  if (provider === "local") return { provider };
  if (provider !== "twilio")
    throw new ConfigError("SMS_PROVIDER", `expected local or twilio, got "${provider}"`);
  const accountSid = env.TWILIO_ACCOUNT_SID ?? "";
  if (!/^AC[0-9a-zA-Z]{8,}$/.test(accountSid)) {
    throw new ConfigError("TWILIO_ACCOUNT_SID", "expected an account SID starting with AC");
  }
  const authToken = env.TWILIO_AUTH_TOKEN ?? "";
  if (authToken.length < 8)
    throw new ConfigError("TWILIO_AUTH_TOKEN", "is required with SMS_PROVIDER=twilio");
  const baseUrl = (env.TWILIO_BASE_URL ?? "https://api.twilio.com").replace(/\/$/, "");
  if (!/^https?:\/\//.test(baseUrl))
    throw new ConfigError("TWILIO_BASE_URL", "expected an http(s) URL");
  return { provider, accountSid, authToken, baseUrl };
}

function parsePublicBaseUrl(env: Env): string | null {
  const raw = env.PUBLIC_BASE_URL;
  if (!raw) return null;
  if (!/^https?:\/\/[^/]+$/.test(raw.replace(/\/$/, ""))) {
    throw new ConfigError(
      "PUBLIC_BASE_URL",
      "expected an origin like https://switchboard.example.org",
    );
  }
  return raw.replace(/\/$/, "");
}

const VIDEO_TTL_MIN = 60;
const VIDEO_TTL_MAX = 4 * 3600;

function parseVideo(env: Env, nodeEnv: Config["nodeEnv"]): VideoConfig {
  const key = env.VIDEO_SIGNING_KEY;
  if (key !== undefined && key !== "" && key.length < 32) {
    throw new ConfigError("VIDEO_SIGNING_KEY", "must be at least 32 characters");
  }
  if (!key && nodeEnv === "production") {
    throw new ConfigError("VIDEO_SIGNING_KEY", "is required in production");
  }
  const rawTtl = env.VIDEO_TOKEN_TTL_SECONDS ?? "3600";
  const ttl = Number(rawTtl);
  if (!/^\d+$/.test(rawTtl) || ttl < VIDEO_TTL_MIN || ttl > VIDEO_TTL_MAX) {
    throw new ConfigError(
      "VIDEO_TOKEN_TTL_SECONDS",
      `expected whole seconds between ${VIDEO_TTL_MIN} and ${VIDEO_TTL_MAX}, got "${rawTtl}"`,
    );
  }
  return key
    ? { signingKey: key, generated: false, tokenTtlSeconds: ttl }
    : { signingKey: randomBytes(32).toString("hex"), generated: true, tokenTtlSeconds: ttl };
}

function parseOptionalWhole(env: Env, name: string, min: number, max: number): number | undefined {
  return env[name] ? parseWhole(env, name, 0, min, max) : undefined;
}

/**
 * On when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set, unless
 * OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none (the specification's meanings). Spans go as
 * OTLP/HTTP JSON, which collectors take on the same port as http/protobuf; gRPC is refused rather
 * than sent to where nothing answers it.
 */
function parseTracing(env: Env): TracingConfig | null {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!traces && !base) return null;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return null;
  const exporter = (env.OTEL_TRACES_EXPORTER ?? "").trim().toLowerCase();
  if (exporter === "none") return null;
  if (exporter !== "" && exporter !== "otlp") {
    throw new ConfigError("OTEL_TRACES_EXPORTER", `expected otlp or none, got "${exporter}"`);
  }
  for (const name of ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"]) {
    if (env[name]?.trim().toLowerCase() === "grpc") {
      throw new ConfigError(name, "traces are sent over HTTP: expected http/json or http/protobuf");
    }
  }
  const variable = traces ? "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" : "OTEL_EXPORTER_OTLP_ENDPOINT";
  const tracesUrl = traces || `${base!.replace(/\/+$/, "")}/v1/traces`;
  if (!URL.canParse(tracesUrl) || !/^https?:$/.test(new URL(tracesUrl).protocol)) {
    throw new ConfigError(variable, "expected an http(s) URL, like http://collector:4318");
  }
  const hour = 3_600_000;
  return {
    serviceName: env.OTEL_SERVICE_NAME?.trim() || "switchboard",
    tracesUrl,
    batch: {
      scheduledDelayMillis: parseOptionalWhole(env, "OTEL_BSP_SCHEDULE_DELAY", 0, hour),
      exportTimeoutMillis: parseOptionalWhole(env, "OTEL_BSP_EXPORT_TIMEOUT", 0, hour),
      maxQueueSize: parseOptionalWhole(env, "OTEL_BSP_MAX_QUEUE_SIZE", 1, 10_000_000),
      maxExportBatchSize: parseOptionalWhole(env, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 1, 10_000_000),
    },
  };
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = parseNodeEnv(env);
  const introspection = parseBoolean(env, "INTROSPECTION", nodeEnv !== "production");
  return {
    nodeEnv,
    port: parsePort(env),
    databaseUrl: parseDatabaseUrl(env),
    dataDir: env.DATA_DIR || ".data/pglite",
    jwt: parseJwt(env, nodeEnv),
    corsOrigins: parseCorsOrigins(env),
    logLevel: parseLogLevel(env, nodeEnv),
    introspection,
    defaultPhoneRegion: parseRegion(env),
    exposeStatementCount: parseBoolean(env, "EXPOSE_SQL_STATEMENT_COUNT", nodeEnv === "test"),
    serviceAccounts: parseServiceAccounts(env),
    runWorkers: parseBoolean(env, "RUN_WORKERS", true),
    sms: parseSms(env),
    publicBaseUrl: parsePublicBaseUrl(env),
    video: parseVideo(env, nodeEnv),
    deadlines: parseDeadlines(env),
    limits: parseLimits(env),
    // The SDL tells no more than introspection does, so it is public where introspection is.
    federationSdlPublic: parseBoolean(env, "FEDERATION_SDL_PUBLIC", introspection),
    authThrottle: {
      failures: parseWhole(env, "AUTH_FAILURE_LIMIT", 20, 1, 1_000_000),
      windowSeconds: parseWhole(env, "AUTH_FAILURE_WINDOW_SECONDS", 60, 1, 86_400),
    },
    shutdownGraceMs: parseWhole(env, "SHUTDOWN_GRACE_MS", 10_000, 0, 10 * 60_000),
    tracing: parseTracing(env),
  };
}

import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config";

function errorFor(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("runs with no configuration: embedded database, port 4000, generated development secret", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      databaseUrl: null,
      nodeEnv: "development",
      introspection: true,
    });
    expect(config.jwt).toMatchObject({ kind: "secret", generated: true });
    expect(config.video).toMatchObject({ generated: true, tokenTtlSeconds: 3600 });
    expect(config.video.signingKey.length).toBeGreaterThanOrEqual(32);
  });

  it("names the variable of every wrong value in one line", () => {
    expect(errorFor({ PORT: "eighty" })).toMatch(/^PORT: /);
    expect(errorFor({ DATABASE_URL: "mysql://x" })).toMatch(/^DATABASE_URL: /);
    expect(errorFor({ JWT_SECRET: "short" })).toMatch(/^JWT_SECRET: /);
    expect(errorFor({ JWT_PUBLIC_KEY: "not a pem" })).toMatch(/^JWT_PUBLIC_KEY: /);
    expect(errorFor({ CORS_ORIGINS: "example.org" })).toMatch(/^CORS_ORIGINS: /);
    expect(errorFor({ LOG_LEVEL: "loud" })).toMatch(/^LOG_LEVEL: /);
    expect(errorFor({ NODE_ENV: "staging" })).toMatch(/^NODE_ENV: /);
    expect(errorFor({ INTROSPECTION: "maybe" })).toMatch(/^INTROSPECTION: /);
    expect(errorFor({ DEFAULT_PHONE_REGION: "XX" })).toMatch(/^DEFAULT_PHONE_REGION: /);
    expect(errorFor({ SERVICE_ACCOUNTS: "user-without-password" })).toMatch(/^SERVICE_ACCOUNTS: /);
    expect(errorFor({ VIDEO_SIGNING_KEY: "short" })).toMatch(/^VIDEO_SIGNING_KEY: /);
    expect(errorFor({ VIDEO_TOKEN_TTL_SECONDS: "-5" })).toMatch(/^VIDEO_TOKEN_TTL_SECONDS: /);
    expect(errorFor({ VIDEO_TOKEN_TTL_SECONDS: "86400" })).toMatch(/^VIDEO_TOKEN_TTL_SECONDS: /);
  });

  it("requires a signing key in production and turns introspection off there", () => {
    expect(errorFor({ NODE_ENV: "production" })).toMatch(/^JWT_SECRET: /);
    const keys = { JWT_SECRET: "x".repeat(32), VIDEO_SIGNING_KEY: "v".repeat(32) };
    expect(errorFor({ NODE_ENV: "production", JWT_SECRET: "x".repeat(32) })).toMatch(
      /^VIDEO_SIGNING_KEY: /,
    );
    const config = loadConfig({ NODE_ENV: "production", ...keys });
    expect(config.introspection).toBe(false);
    expect(
      loadConfig({ NODE_ENV: "production", ...keys, INTROSPECTION: "true" }).introspection,
    ).toBe(true);
  });

  it("parses lists: CORS origins and service accounts", () => {
    const config = loadConfig({
      CORS_ORIGINS: "https://app.example.org, http://localhost:3000",
      SERVICE_ACCOUNTS: "ingest:s3cret@0195F0A0-0000-7000-8000-000000000001",
    });
    expect(config.corsOrigins).toEqual(["https://app.example.org", "http://localhost:3000"]);
    expect(config.serviceAccounts).toEqual([
      {
        username: "ingest",
        password: "s3cret",
        organizationId: "0195f0a0-0000-7000-8000-000000000001",
      },
    ]);
  });

  it("traces only when an OTLP endpoint is set and the SDK or its trace exporter is not turned off", () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" };
    expect(loadConfig({}).tracing).toBeNull();
    expect(loadConfig({ OTEL_SERVICE_NAME: "x" }).tracing).toBeNull();
    expect(loadConfig(endpoint).tracing).toEqual({
      serviceName: "switchboard",
      tracesUrl: "http://collector:4318/v1/traces",
      batch: {},
    });
    expect(
      loadConfig({
        ...endpoint,
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://traces.example.org/otlp",
        OTEL_SERVICE_NAME: "switchboard-eu",
        OTEL_BSP_SCHEDULE_DELAY: "200",
      }).tracing,
    ).toMatchObject({
      serviceName: "switchboard-eu",
      tracesUrl: "https://traces.example.org/otlp",
      batch: { scheduledDelayMillis: 200 },
    });
    expect(loadConfig({ ...endpoint, OTEL_SDK_DISABLED: "TRUE" }).tracing).toBeNull();
    expect(loadConfig({ ...endpoint, OTEL_SDK_DISABLED: "false" }).tracing).not.toBeNull();
    expect(loadConfig({ ...endpoint, OTEL_TRACES_EXPORTER: "none" }).tracing).toBeNull();
    expect(errorFor({ ...endpoint, OTEL_TRACES_EXPORTER: "zipkin" })).toMatch(
      /^OTEL_TRACES_EXPORTER: /,
    );
    expect(errorFor({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" })).toMatch(
      /^OTEL_EXPORTER_OTLP_PROTOCOL: /,
    );
    expect(errorFor({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" })).toMatch(
      /^OTEL_EXPORTER_OTLP_ENDPOINT: /,
    );
    expect(errorFor({ ...endpoint, OTEL_BSP_SCHEDULE_DELAY: "soon" })).toMatch(
      /^OTEL_BSP_SCHEDULE_DELAY: /,
    );
  });
});

import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Config } from "../config";

/**
 * Development without JWT_SECRET: a random secret, kept beside an embedded data directory so
 * printed tokens keep working across restarts; a throwaway database gets a throwaway secret.
 */
export function resolveJwtSecret(config: Config): Config["jwt"] {
  if (config.jwt.kind !== "secret" || !config.jwt.generated) return config.jwt;
  if (config.databaseUrl || config.dataDir === ":memory:") {
    return { ...config.jwt, secret: randomBytes(32).toString("hex") };
  }
  const file = path.join(path.dirname(path.resolve(config.dataDir)), "dev-jwt-secret");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600 });
  }
  return { ...config.jwt, secret: readFileSync(file, "utf8").trim() };
}

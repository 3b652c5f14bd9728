import { execFile, spawn, type ChildProcess } from "node:child_process";
import { chown, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The installed server's programs (Debian's layout). */
const PG_BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

/** A port nobody listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A Postgres cluster of the test's own (initdb on a temporary folder, a free port, fsync on), run
 * as the postgres user, that the test may kill, freeze and start again: never the shared one.
 */
export class ThrowawayCluster {
  private constructor(
    readonly dataDir: string,
    readonly port: number,
  ) {}

  /** postgres://postgres@127.0.0.1:<port>/postgres */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async create(): Promise<ThrowawayCluster> {
    const root = await mkdtemp(path.join(tmpdir(), "switchboard-faults-"));
    await chown(root, await uidOf("postgres"), await gidOf("postgres"));
    const dataDir = path.join(root, "data");
    await asPostgres("initdb", [
      "-D",
      dataDir,
      "-A",
      "trust",
      "-U",
      "postgres",
      "--no-instructions",
    ]);
    const cluster = new ThrowawayCluster(dataDir, await freePort());
    await cluster.start();
    return cluster;
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dataDir} -c listen_addresses=127.0.0.1 -c fsync=on`;
    await asPostgres("pg_ctl", [
      "-D",
      this.dataDir,
      "-o",
      options,
      "-l",
      `${this.dataDir}.log`,
      "-w",
      "start",
    ]);
  }

  /** As a crash: no shutdown checkpoint, every connection cut (pg_ctl -m immediate). */
  async killImmediately(): Promise<void> {
    await asPostgres("pg_ctl", ["-D", this.dataDir, "-m", "immediate", "-w", "stop"]);
  }

  /** SIGSTOP to the postmaster and every backend: connections stay open and nothing answers. */
  async freeze(): Promise<void> {
    for (const pid of await this.pids()) process.kill(pid, "SIGSTOP");
  }

  async thaw(): Promise<void> {
    for (const pid of await this.pids()) process.kill(pid, "SIGCONT");
  }

  async destroy(): Promise<void> {
    await this.thaw().catch(() => undefined);
    await this.killImmediately().catch(() => undefined);
    await rm(path.dirname(this.dataDir), { recursive: true, force: true });
  }

  /** The postmaster (first line of postmaster.pid) and its children. */
  private async pids(): Promise<number[]> {
    const postmaster = Number(
      (await readFile(path.join(this.dataDir, "postmaster.pid"), "utf8")).split("\n")[0],
    );
    const { stdout } = await run("ps", ["-o", "pid=", "--ppid", String(postmaster)]).catch(() => ({
      stdout: "",
    }));
    const children = stdout.split(/\s+/).filter(Boolean).map(Number);
    return [postmaster, ...children];
  }
}

async function asPostgres(program: string, args: string[]): Promise<void> {
  await run("runuser", ["-u", "postgres", "--", path.join(PG_BIN, program), ...args], {
    cwd: "/tmp",
    timeout: 60_000,
  });
}

async function uidOf(user: string): Promise<number> {
  return Number((await run("id", ["-u", user])).stdout.trim());
}

async function gidOf(user: string): Promise<number> {
  return Number((await run("id", ["-g", user])).stdout.trim());
}

/** Switchboard as `npm start` runs it, in a child process: whether it ever exits is observable. */
export interface ServerProcess {
  child: ChildProcess;
  origin: string;
  /** Everything it printed (its log lines as JSON). */
  output(): string;
  /** The exit code and signal, once it has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
}

export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: { ...process.env, NODE_ENV: "test", LOG_LEVEL: "warn", PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let exited = false;
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      exited = true;
      resolve({ code, signal });
    }),
  );
  const deadline = Date.now() + 60_000;
  while (!output.includes("Switchboard ready at")) {
    if (exited || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the server did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    child,
    origin: `http://127.0.0.1:${port}`,
    output: () => output,
    exited: exit,
    hasExited: () => exited,
  };
}

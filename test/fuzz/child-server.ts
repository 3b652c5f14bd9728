import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export interface ChildServer {
  origin: string;
  process: ChildProcess;
  /** Set once the process has exited: its code or signal. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
  /** The last lines it wrote to stderr (a crash's message). */
  stderrTail(): string;
  /** The last lines it wrote to stdout (its error log). */
  stdoutTail(): string;
  stop(): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * `node --import tsx src/main.ts` as production runs it, in its own process, so that a crash
 * shows as an exit rather than taking the test runner with it.
 */
export async function startChildServer(env: Record<string, string>): Promise<ChildServer> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let stdout = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-8_000);
  });
  const server: ChildServer = {
    origin: "",
    process: child,
    exit: null,
    stderrTail: () => stderr,
    stdoutTail: () => stdout,
    async stop() {
      if (server.exit) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  child.once("exit", (code, signal) => (server.exit = { code, signal }));
  server.origin = await new Promise<string>((resolve, reject) => {
    let ready = false;
    const timer = setTimeout(() => reject(new Error(`no ready line in 60 s: ${stderr}`)), 60_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      // Kept short: the logs of a long run are read only for a crash's last words.
      stdout = (stdout + chunk.toString("utf8")).slice(-8_000);
      const line = ready ? null : /Switchboard ready at (http:\/\/[^/\s]+)/.exec(stdout);
      if (line) {
        ready = true;
        clearTimeout(timer);
        resolve(line[1]);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was ready: ${stderr}`));
    });
  });
  return server;
}

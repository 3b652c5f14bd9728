import { beforeEach } from "vitest";

declare module "vitest" {
  interface TaskMeta {
    database?: string;
  }
}

/** Marks every test with the database it ran on, so CI can prove the real-Postgres run happened. */
beforeEach(({ task }) => {
  task.meta.database = process.env.TEST_DB ?? "pglite";
});

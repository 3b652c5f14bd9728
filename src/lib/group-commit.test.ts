import { describe, expect, it } from "vitest";
import { GroupCommit } from "./group-commit";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("GroupCommit", () => {
  it("writes a lone call at once, and calls that arrive meanwhile together in the next batch", async () => {
    const batches: number[][] = [];
    const group = new GroupCommit<number, number>(
      async (inputs) => {
        batches.push(inputs);
        await tick();
        return inputs.map((input) => input * 10);
      },
      { maxBatch: 3, concurrency: 1 },
    );
    const outputs = await Promise.all([1, 2, 3, 4, 5].map((input) => group.submit(input)));
    expect(outputs).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
  });

  it("retries each input of a failed batch alone, so only the bad one fails", async () => {
    const group = new GroupCommit<number, number>(
      async (inputs) => {
        await tick();
        if (inputs.includes(3)) throw new Error("three is bad");
        return inputs;
      },
      { maxBatch: 10, concurrency: 1 },
    );
    const first = group.submit(0);
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map((input) => group.submit(input)));
    await first;
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "rejected",
      "fulfilled",
    ]);
  });

  it("tells onBatch the size of each batch it starts, and not of the retries alone", async () => {
    const sizes: number[] = [];
    const group = new GroupCommit<number, number>(
      async (inputs) => {
        await tick();
        if (inputs.includes(3)) throw new Error("three is bad");
        return inputs;
      },
      { maxBatch: 10, concurrency: 1, onBatch: (size) => sizes.push(size) },
    );
    await Promise.allSettled([0, 1, 2, 3, 4].map((input) => group.submit(input)));
    expect(sizes).toEqual([1, 4]);
  });
});

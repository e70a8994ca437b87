import { describe, expect, it } from "vitest";
import {
  describePullRequest,
  KeyedQueue,
  pullRequestKey,
  RecentEvaluations,
} from "../../src/github/evaluation-scheduler.js";

describe("pull request keys", () => {
  it("logs keep the case, queue keys do not", () => {
    const pr = { owner: "Acme", repo: "Shop", number: 7 };
    expect(describePullRequest(pr)).toBe("Acme/Shop#7");
    expect(pullRequestKey(pr)).toBe("acme/shop#7");
  });
});

describe("KeyedQueue", () => {
  it("runs the tasks of one key one after another, even after a failure", async () => {
    const queue = new KeyedQueue();
    const order: string[] = [];
    let release: () => void = () => undefined;
    const first = queue.run("a", async () => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      order.push("first");
      throw new Error("boom");
    });
    const second = queue.run("a", async () => {
      order.push("second");
      return 2;
    });
    const other = queue.run("b", async () => {
      order.push("other");
    });
    await other;
    release();
    await expect(first).rejects.toThrow("boom");
    await expect(second).resolves.toBe(2);
    expect(order).toEqual(["other", "first", "second"]);
  });
});

describe("RecentEvaluations", () => {
  it("remembers a PR's head", () => {
    const recent = new RecentEvaluations();
    recent.add("acme/shop#7", "abc");
    expect(recent.has("acme/shop#7", "abc")).toBe(true);
    expect(recent.has("acme/shop#7", "def")).toBe(false);
  });
});

/**
 * The process's life: work in flight counted until it settles (either way), refused once shutting
 * down; shutdown waits for the work (at most its timeout, saying what was abandoned), then runs
 * the close hooks in reverse order, each one even when another fails.
 */
import { describe, expect, it } from "vitest";
import { Lifecycle, ShuttingDownError } from "../../src/github/lifecycle.js";

function gate() {
  let open: () => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("Lifecycle.track", () => {
  it("counts work in flight until it settles, resolved or rejected, and returns its result", async () => {
    const lifecycle = new Lifecycle();
    const a = gate();
    const b = gate();
    const first = lifecycle.track(async () => {
      await a.promise;
      return "done";
    });
    const second = lifecycle.track(() => b.promise);
    expect(lifecycle.inFlight).toBe(2);
    a.open();
    expect(await first).toBe("done");
    await settle();
    expect(lifecycle.inFlight).toBe(1);
    const boom = new Error("boom");
    b.fail(boom);
    await expect(second).rejects.toBe(boom);
    await settle();
    expect(lifecycle.inFlight).toBe(0);
  });

  it("refuses work once shutting down, without running it (503)", async () => {
    const lifecycle = new Lifecycle();
    expect(lifecycle.draining).toBe(false);
    await lifecycle.shutdown(100);
    expect(lifecycle.draining).toBe(true);
    let ran = false;
    const refused = lifecycle.track(async () => {
      ran = true;
    });
    await expect(refused).rejects.toBeInstanceOf(ShuttingDownError);
    await expect(refused).rejects.toMatchObject({ status: 503 });
    expect(ran).toBe(false);
  });
});

describe("Lifecycle.shutdown", () => {
  it("waits for the work in flight, then closes in reverse order of registration", async () => {
    const lifecycle = new Lifecycle();
    const events: string[] = [];
    const work = gate();
    void lifecycle.track(async () => {
      await work.promise;
      events.push("work done");
    });
    lifecycle.onClose(() => void events.push("close timers"));
    lifecycle.onClose(async () => {
      events.push("close pool");
    });
    const shutdown = lifecycle.shutdown(5_000);
    await settle();
    expect(events).toEqual([]);
    work.open();
    expect(await shutdown).toEqual({ finished: true, abandoned: 0 });
    expect(events).toEqual(["work done", "close pool", "close timers"]);
  });

  it("waits for every piece of work, not only the first to finish", async () => {
    const lifecycle = new Lifecycle();
    const first = gate();
    const second = gate();
    void lifecycle.track(() => first.promise);
    void lifecycle.track(() => second.promise);
    let done = false;
    const shutdown = lifecycle.shutdown(5_000).then((result) => {
      done = true;
      return result;
    });
    first.open();
    await settle();
    expect(done).toBe(false);
    expect(lifecycle.inFlight).toBe(1);
    second.open();
    expect(await shutdown).toEqual({ finished: true, abandoned: 0 });
  });

  it("gives up after the timeout, saying how much work it abandoned, and still closes", async () => {
    const lifecycle = new Lifecycle();
    void lifecycle.track(() => new Promise(() => undefined));
    void lifecycle.track(() => new Promise(() => undefined));
    let closed = false;
    lifecycle.onClose(() => {
      closed = true;
    });
    const started = Date.now();
    expect(await lifecycle.shutdown(50)).toEqual({ finished: false, abandoned: 2 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(closed).toBe(true);
  });

  it("runs every close hook even when one fails", async () => {
    const lifecycle = new Lifecycle();
    const closed: string[] = [];
    lifecycle.onClose(() => void closed.push("first"));
    lifecycle.onClose(() => {
      throw new Error("cannot close");
    });
    lifecycle.onClose(async () => {
      closed.push("last");
      throw new Error("cannot close either");
    });
    expect(await lifecycle.shutdown(100)).toEqual({ finished: true, abandoned: 0 });
    expect(closed).toEqual(["last", "first"]);
  });
});

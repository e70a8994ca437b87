/**
 * The process's life: the work in flight (deliveries, including those Probot already answered
 * with 202 after 9 s and the sweeps), whether it is shutting down, and what to close at the end.
 * On shutdown: refuse new deliveries (503, so GitHub records them as failed and they can be
 * redelivered), wait for the work in flight, then run the close hooks (timers, database pool).
 */

export class ShuttingDownError extends Error {
  override name = "ShuttingDownError";
  /** Probot answers the delivery with this status. */
  readonly status = 503;
  constructor() {
    super("cost-value is shutting down: this delivery was not processed (redeliver it)");
  }
}

export class Lifecycle {
  #draining = false;
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #closers: (() => Promise<void> | void)[] = [];

  get draining(): boolean {
    return this.#draining;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Run a piece of work, counted as in flight; refused once shutting down. */
  track<T>(work: () => Promise<T>): Promise<T> {
    if (this.#draining) return Promise.reject(new ShuttingDownError());
    const promise = work();
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    this.#inFlight.add(settled);
    void settled.then(() => this.#inFlight.delete(settled));
    return promise;
  }

  /** Something to close at the end (in reverse order of registration). */
  onClose(close: () => Promise<void> | void): void {
    this.#closers.push(close);
  }

  /**
   * Stop taking work, wait for what is in flight (at most `timeoutMs`; what is cut off stays in the
   * durable queue for the next process), then close. Returns whether everything finished.
   */
  async shutdown(timeoutMs: number): Promise<{ finished: boolean; abandoned: number }> {
    this.#draining = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    let finished = true;
    while (this.#inFlight.size > 0 && finished) {
      finished = await Promise.race([Promise.all([...this.#inFlight]).then(() => true), timeout]);
    }
    clearTimeout(timer);
    const abandoned = this.#inFlight.size;
    for (const close of [...this.#closers].reverse()) {
      try {
        await close();
      } catch {
        // closing is best effort: the process exits next
      }
    }
    return { finished, abandoned };
  }
}

/**
 * The app's metrics, in Prometheus text format at `GET /metrics` (prom-client, a registry of our
 * own so several app instances in one process, as in tests, never share counters).
 */
import client from "prom-client";
import type { CallOutcome } from "./resilience.js";

export type DeliveryOutcome = "ok" | "failed" | "rejected";

export class Metrics {
  readonly registry = new client.Registry();
  readonly #deliveries: client.Counter<"event" | "outcome">;
  readonly #evaluation: client.Histogram<"outcome">;
  readonly #apiCalls: client.Counter<"outcome">;
  readonly #rateLimit: client.Gauge;
  #rateLimitReported = false;
  readonly #limiterWait: client.Histogram;
  readonly #dbErrors: client.Counter;
  #pendingCount: (() => Promise<number>) | undefined;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.#deliveries = new client.Counter({
      name: "cost_value_deliveries_total",
      help: "Webhook deliveries handled, by event (event.action) and outcome (ok, failed: answered 5xx, rejected: while shutting down)",
      labelNames: ["event", "outcome"],
      registers,
    });
    this.#evaluation = new client.Histogram({
      name: "cost_value_evaluation_duration_seconds",
      help: "Time of one PR evaluation inside the app (GitHub reads and writes, core, database), by outcome",
      labelNames: ["outcome"],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.#apiCalls = new client.Counter({
      name: "cost_value_github_api_calls_total",
      help: "GitHub API requests (each attempt), by outcome: ok, rate-limited, server-error, timeout, network-error (no HTTP answer: DNS, connection refused or reset), client-error",
      labelNames: ["outcome"],
      registers,
    });
    // registered on the first response that carries x-ratelimit-remaining: an unlabelled gauge
    // reads 0 until set, and 0 before any request looks like an exhausted limit (and fires alerts)
    this.#rateLimit = new client.Gauge({
      name: "cost_value_github_rate_limit_remaining",
      help: "x-ratelimit-remaining of the last GitHub response that carried it (absent until one did)",
      registers: [],
    });
    this.#limiterWait = new client.Histogram({
      name: "cost_value_github_limiter_wait_seconds",
      help: "Time a GitHub request attempt waited for its installation's pacing slot (writes 1 s apart, points per minute, rate-limit pauses) before it was sent; not part of its timeout",
      buckets: [0.001, 0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    this.#dbErrors = new client.Counter({
      name: "cost_value_database_errors_total",
      help: "Database operations that failed (the delivery was answered 5xx)",
      registers,
    });
    const pendingOf = () => this.#pendingCount;
    new client.Gauge({
      name: "cost_value_evaluations_pending",
      help: "Pull requests waiting in the durable evaluation queue",
      registers,
      async collect() {
        const count = pendingOf();
        if (count === undefined) return;
        try {
          this.set(await count());
        } catch {
          // the database is down: /readyz says so; keep the last value
        }
      },
    });
    if (options.defaultMetrics === true) {
      client.collectDefaultMetrics({ register: this.registry, prefix: "cost_value_" });
    }
  }

  delivery(event: string, outcome: DeliveryOutcome): void {
    this.#deliveries.inc({ event, outcome });
  }

  evaluation(seconds: number, outcome: "published" | "failed"): void {
    this.#evaluation.observe({ outcome }, seconds);
  }

  apiCall(outcome: CallOutcome, rateLimitRemaining?: number, queuedMs?: number): void {
    this.#apiCalls.inc({ outcome });
    if (rateLimitRemaining !== undefined) {
      if (!this.#rateLimitReported) {
        this.registry.registerMetric(this.#rateLimit);
        this.#rateLimitReported = true;
      }
      this.#rateLimit.set(rateLimitRemaining);
    }
    if (queuedMs !== undefined) this.#limiterWait.observe(queuedMs / 1000);
  }

  databaseError(): void {
    this.#dbErrors.inc();
  }

  pendingFrom(count: () => Promise<number>): void {
    this.#pendingCount = count;
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/**
 * What one evaluation measures about itself: the time per phase (`PhaseClock`) and the GitHub API
 * requests it makes (`countRequests`, a wrapper around the API object), so the steps themselves
 * neither time nor count anything.
 */
import type { RestApi } from "./rest-api.js";
import type { GraphqlFn } from "./snapshot.js";

type GitHubApi = RestApi & { graphql: GraphqlFn };

/**
 * Milliseconds spent per phase of one evaluation: `read` and `publish` wait on GitHub, `evaluate`
 * is the pure core (value statement, trailer parsing, pricing, verdict), `render` the check's
 * markdown, `ledger` the database (and the rollup it may post).
 */
export interface EvaluationTimings {
  read: number;
  evaluate: number;
  render: number;
  publish: number;
  ledger: number;
}

export class PhaseClock {
  readonly timings: EvaluationTimings = { read: 0, evaluate: 0, render: 0, publish: 0, ledger: 0 };

  async time<T>(phase: keyof EvaluationTimings, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.timings[phase] += performance.now() - start;
    }
  }

  timeSync<T>(phase: keyof EvaluationTimings, fn: () => T): T {
    const start = performance.now();
    try {
      return fn();
    } finally {
      this.timings[phase] += performance.now() - start;
    }
  }
}

/**
 * The API with every request counted: each `graphql` and `request` call is one request to GitHub
 * (answered or failed; the retries inside Octokit are not requests of the evaluation's own).
 */
export function countRequests(api: GitHubApi): { api: GitHubApi; count: () => number } {
  let requests = 0;
  return {
    api: {
      graphql: (query, variables) => {
        requests++;
        return api.graphql(query, variables);
      },
      request: (route, params) => {
        requests++;
        return api.request(route, params);
      },
    },
    count: () => requests,
  };
}

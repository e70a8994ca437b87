/**
 * The part of `EvaluationScheduler` the event handlers call, recorded: `evaluate(request)` and
 * `recentlyEvaluated(pr, sha)` (answered by `recent`).
 */
import type {
  EvaluationRequest,
  EvaluationScheduler,
} from "../../src/github/evaluation-scheduler.js";

export function recordingScheduler(
  recent: (pr: { owner: string; repo: string; number: number }, sha: string) => boolean = () =>
    false,
) {
  const requests: EvaluationRequest[] = [];
  const asked: { pr: { owner: string; repo: string; number: number }; sha: string }[] = [];
  const scheduler = {
    evaluate: async (request: EvaluationRequest) => {
      requests.push(request);
    },
    recentlyEvaluated: (pr: { owner: string; repo: string; number: number }, sha: string) => {
      asked.push({ pr, sha });
      return recent(pr, sha);
    },
  } as unknown as EvaluationScheduler;
  return { scheduler, requests, asked };
}

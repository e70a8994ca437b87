/** The problems of one commit's cost trailers, capped per commit. */
import { type Problem, quoteInput } from "../problem.js";
import type { Trailer } from "../trailers.js";
import type { Failure } from "./values.js";

/** Problems kept per commit; the rest are counted in one last problem. */
export const MAX_PROBLEMS_PER_COMMIT = 50;

/** A commit's problems, at most `MAX_PROBLEMS_PER_COMMIT`: past that they are only counted. */
export class CommitProblems {
  readonly list: Problem[] = [];
  dropped = 0;

  constructor(readonly shortSha: string) {}

  where(t: Trailer): string {
    return `commit ${this.shortSha} line ${t.line}`;
  }

  quote(t: Trailer): string {
    return quoteInput(`${t.key}: ${t.value}`.slice(0, 200));
  }

  report(problem: Problem): void {
    if (this.list.length < MAX_PROBLEMS_PER_COMMIT) this.list.push(problem);
    else this.dropped++;
  }

  /**
   * Whether the list is full, counting the problem the caller will then not build (a problem
   * past the cap is only counted: a megabyte of bad lines built 30,000).
   */
  full(): boolean {
    if (this.list.length < MAX_PROBLEMS_PER_COMMIT) return false;
    this.dropped++;
    return true;
  }

  malformed(t: Trailer, what: string, failure: Failure): void {
    if (this.full()) return;
    this.report({
      code: "cost.malformed",
      severity: "warning",
      message: `\`${quoteInput(t.key, 40)}\` ${what}: ${failure.reason}.`,
      fix: failure.fix,
      where: this.where(t),
      quote: this.quote(t),
    });
  }

  /** The list, with one problem for those past the cap. */
  finish(): Problem[] {
    if (this.dropped > 0) {
      this.list.push({
        code: "cost.malformed",
        severity: "warning",
        message: `${this.dropped} more cost trailers in commit ${this.shortSha} could not be read.`,
        fix: "Fix the trailers listed above the same way.",
        where: `commit ${this.shortSha}`,
      });
    }
    return this.list;
  }
}

/** A commit as the core sees it: what GitHub's API or `git log` gives us. */
export interface CommitAuthor {
  name?: string;
  email?: string;
  /** GitHub login when known (GitHub side only). */
  login?: string;
}

export interface CommitInput {
  sha: string;
  message: string;
  author: CommitAuthor;
  /** Author and committer dates (ISO 8601), when known: the engineering estimate reads them. */
  authoredAt?: string;
  committedAt?: string;
}

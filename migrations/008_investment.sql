-- Total investment (docs/investment.md): each PR's investment lines — agents, engineering, review,
-- ci, coordination — recomputed with the PR like its models. Hours and money belong to the PR:
-- nothing here names a person.

-- One line per kind. `minutes`: human or CI time (NULL for agents); `amount_micros`: money in
-- `currency` (the PR's, or GitHub's USD for CI when the rates are in USD: then shown, not added),
-- NULL when the line is not priced (hours without an hourly rate: never 0).
CREATE TABLE pull_request_investment (
  installation_id bigint NOT NULL,
  repository_id   bigint NOT NULL,
  number          integer NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('agents', 'engineering', 'review', 'ci', 'coordination')),
  basis           text NOT NULL CHECK (basis IN ('measured', 'declared', 'estimated')),
  minutes         integer CHECK (minutes >= 0),
  amount_micros   bigint CHECK (amount_micros >= 0),
  currency        text NOT NULL,
  detail          text NOT NULL DEFAULT '',
  PRIMARY KEY (installation_id, repository_id, number, kind),
  FOREIGN KEY (installation_id, repository_id, number)
    REFERENCES pull_requests (installation_id, repository_id, number) ON DELETE CASCADE
);

-- What the review and CI events need to re-price a PR's lines without reading GitHub (0 API
-- calls per event): the PR's changed lines and the investment settings of its last evaluation.
ALTER TABLE pull_requests ADD COLUMN changed_lines integer;
-- `investment_settings`: the config's `investment` section and currency, as the evaluation read it.
ALTER TABLE pull_requests ADD COLUMN investment_settings jsonb;

-- Reviews submitted on a PR (the evaluation's read and `pull_request_review` events). No names:
-- `reviewer_key` is an opaque digest, used only to count a PR's distinct reviewers.
CREATE TABLE pull_request_reviews (
  repository_id    bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  number           integer NOT NULL,
  review_id        bigint NOT NULL,
  reviewer_key     text NOT NULL,
  declared_minutes integer CHECK (declared_minutes >= 0),
  submitted_at     timestamptz,
  PRIMARY KEY (repository_id, number, review_id)
);

-- CI jobs from `workflow_job` completed events (payload only), by head commit: a PR's CI is the
-- jobs on its commits (through pull_request_commits). Billed minutes are GitHub's: each job
-- rounded up to a whole minute. `runner`: the rate's runner type (linux, windows, macos,
-- self-hosted, or a larger runner's label).
CREATE TABLE ci_jobs (
  repository_id  bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  job_id         bigint NOT NULL,
  head_sha       text NOT NULL,
  runner         text NOT NULL,
  billed_minutes integer NOT NULL CHECK (billed_minutes >= 0),
  completed_at   timestamptz NOT NULL,
  PRIMARY KEY (repository_id, job_id)
);
CREATE INDEX ci_jobs_sha ON ci_jobs (repository_id, head_sha);
CREATE INDEX ci_jobs_completed ON ci_jobs (repository_id, completed_at);

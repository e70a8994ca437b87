-- The ledger: one row per evaluated pull request, recomputed and upserted from the source on every
-- evaluation (never incremented). Natural keys use GitHub's numeric ids (repositories get renamed).
-- Money is integer micro-units (bigint) of `currency`; never floats.

CREATE TABLE installations (
  id            bigint PRIMARY KEY,
  account_login text NOT NULL DEFAULT '',
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE repositories (
  id              bigint PRIMARY KEY,
  installation_id bigint NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
  owner           text NOT NULL,
  name            text NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX repositories_installation ON repositories (installation_id);

CREATE TABLE milestones (
  repository_id   bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  number          integer NOT NULL,
  title           text NOT NULL,
  state           text NOT NULL CHECK (state IN ('open', 'closed')),
  due_on          timestamptz,
  -- from a `Budget: $5,000` line in the milestone description
  budget_micros   bigint CHECK (budget_micros >= 0),
  budget_currency text,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (repository_id, number)
);

CREATE TABLE pull_requests (
  installation_id  bigint NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
  repository_id    bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  number           integer NOT NULL,
  github_id        bigint,
  title            text NOT NULL DEFAULT '',
  author           text NOT NULL DEFAULT '',
  state            text NOT NULL CHECK (state IN ('open', 'merged', 'closed')),
  draft            boolean NOT NULL DEFAULT false,
  milestone_number integer,
  head_sha         text NOT NULL,
  currency         text NOT NULL,
  -- the value statement (NULL fields: not stated); *_origin: 'pr' or 'owner/repo#123'
  value_complete   boolean NOT NULL DEFAULT false,
  value_type       text,
  worth_micros     bigint CHECK (worth_micros >= 0),
  budget_micros    bigint CHECK (budget_micros >= 0),
  worth_origin     text,
  budget_origin    text,
  -- the work item: the statement's issue (absolute reference)
  issue_owner      text,
  issue_repo       text,
  issue_number     integer,
  -- cost, in `currency`; foreign-currency amounts are not in it
  cost_micros      bigint NOT NULL DEFAULT 0 CHECK (cost_micros >= 0),
  tokens_input        bigint NOT NULL DEFAULT 0,
  tokens_output       bigint NOT NULL DEFAULT 0,
  tokens_cache_read   bigint NOT NULL DEFAULT 0,
  tokens_cache_write  bigint NOT NULL DEFAULT 0,
  tokens_unspecified  bigint NOT NULL DEFAULT 0,
  commit_count               integer NOT NULL DEFAULT 0,
  commits_with_cost          integer NOT NULL DEFAULT 0,
  agent_commits_without_cost integer NOT NULL DEFAULT 0,
  unpriced_models  text[] NOT NULL DEFAULT '{}',
  conclusion       text NOT NULL,
  check_run_id     bigint,
  evaluated_at     timestamptz NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (installation_id, repository_id, number)
);
CREATE INDEX pull_requests_milestone ON pull_requests (repository_id, milestone_number);
CREATE INDEX pull_requests_issue ON pull_requests (installation_id, lower(issue_owner), lower(issue_repo), issue_number);

-- per-model usage of a PR (recomputed with the PR)
CREATE TABLE pull_request_models (
  installation_id bigint NOT NULL,
  repository_id   bigint NOT NULL,
  number          integer NOT NULL,
  model           text NOT NULL,
  priced          boolean NOT NULL,
  cost_micros     bigint,
  tokens_input        bigint NOT NULL DEFAULT 0,
  tokens_output       bigint NOT NULL DEFAULT 0,
  tokens_cache_read   bigint NOT NULL DEFAULT 0,
  tokens_cache_write  bigint NOT NULL DEFAULT 0,
  tokens_unspecified  bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (installation_id, repository_id, number, model),
  FOREIGN KEY (installation_id, repository_id, number)
    REFERENCES pull_requests (installation_id, repository_id, number) ON DELETE CASCADE
);

-- commits by (repository, sha), and which PRs contain them
CREATE TABLE commits (
  repository_id      bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  sha                text NOT NULL,
  cost_source        text NOT NULL,
  cost_micros        bigint NOT NULL DEFAULT 0,
  agent              text,
  agent_without_cost boolean NOT NULL DEFAULT false,
  PRIMARY KEY (repository_id, sha)
);

CREATE TABLE pull_request_commits (
  installation_id bigint NOT NULL,
  repository_id   bigint NOT NULL,
  number          integer NOT NULL,
  sha             text NOT NULL,
  position        integer NOT NULL,
  PRIMARY KEY (installation_id, repository_id, number, sha),
  FOREIGN KEY (installation_id, repository_id, number)
    REFERENCES pull_requests (installation_id, repository_id, number) ON DELETE CASCADE
);

-- every issue linked to a PR (closing keywords, the sidebar, the Issue: field)
CREATE TABLE pull_request_issues (
  installation_id bigint NOT NULL,
  repository_id   bigint NOT NULL,
  number          integer NOT NULL,
  issue_owner     text NOT NULL,
  issue_repo      text NOT NULL,
  issue_number    integer NOT NULL,
  PRIMARY KEY (installation_id, repository_id, number, issue_owner, issue_repo, issue_number),
  FOREIGN KEY (installation_id, repository_id, number)
    REFERENCES pull_requests (installation_id, repository_id, number) ON DELETE CASCADE
);

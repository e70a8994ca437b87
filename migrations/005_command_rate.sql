-- Answered `/cost-value` commands, counted for their rate limit (COMMAND_RATE_LIMITS): one row per
-- answer, kept for the limit's window (older rows are deleted on the next count). In the database,
-- so every app instance sharing it counts the same answers. Rows go with their installation.
CREATE TABLE command_rate (
  installation_id bigint NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
  repository_id   bigint NOT NULL,
  issue_number    integer NOT NULL,
  user_id         bigint NOT NULL,
  at              timestamptz NOT NULL
);

-- the count: answers on one issue (and by one user there) since the window began
CREATE INDEX command_rate_issue ON command_rate (installation_id, repository_id, issue_number, at);
-- the prune: rows older than the window
CREATE INDEX command_rate_at ON command_rate (at);

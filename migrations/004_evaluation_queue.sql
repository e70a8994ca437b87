-- The durable evaluation queue: one row per pull request that has been asked to be evaluated.
-- Every webhook that asks bumps `requested`; an evaluation that finishes records the `requested`
-- value it started from in `completed`. A row with completed < requested is pending work: it
-- survives a crash or restart and is picked up again (its lease expired). At most one process
-- evaluates a PR at a time (the lease), so two evaluations never race on its check run.
CREATE TABLE evaluation_queue (
  installation_id bigint NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
  repository_id   bigint NOT NULL,
  number          integer NOT NULL,
  owner           text NOT NULL,
  repo            text NOT NULL,
  head_sha        text NOT NULL,
  requested       integer NOT NULL DEFAULT 1,
  completed       integer NOT NULL DEFAULT 0,
  lease_owner     text,
  lease_until     timestamptz,
  attempts        integer NOT NULL DEFAULT 0,
  not_before      timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  last_delivery   text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (installation_id, repository_id, number)
);

CREATE INDEX evaluation_queue_pending ON evaluation_queue (not_before)
  WHERE completed < requested;

-- Writes GitHub counts against an installation's content-creating limit (about 80 a minute, 500
-- an hour), so the app writes only what changed.
--
-- 1. The check run: a hash of the output last written to the PR's run (name, conclusion, title,
--    summary, text). A re-evaluation of the same head commit whose output hashes the same writes
--    nothing, unless a user asked for a re-run. NULL: unknown (write).
ALTER TABLE pull_requests ADD COLUMN check_output_sha256 text;

-- A re-run asked for on GitHub (check_run / check_suite `rerequested`): the evaluation that covers
-- it writes the check even when its output is unchanged.
ALTER TABLE evaluation_queue ADD COLUMN rerun boolean NOT NULL DEFAULT false;

-- 2. Rollups: a milestone whose rollup must be brought up to date. Evaluations mark it (in the
--    same statement that records the PR); the rollup comment is edited once the milestone has been
--    quiet for a moment, or at the latest some time after the first mark, so a burst of N
--    evaluations edits it a few times instead of N. A mark survives a crash or restart (the sweep
--    finds it due); `requested` counts marks so a refresh that ran while a new mark arrived leaves
--    the newer one pending.
CREATE TABLE rollup_refresh (
  installation_id    bigint NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
  repository_id      bigint NOT NULL,
  milestone_number   integer NOT NULL,
  owner              text NOT NULL,
  repo               text NOT NULL,
  -- from the config of the last evaluation that marked it
  currency           text NOT NULL,
  fixed_issue        integer,
  requested          integer NOT NULL DEFAULT 1,
  first_requested_at timestamptz NOT NULL DEFAULT now(),
  last_requested_at  timestamptz NOT NULL DEFAULT now(),
  lease_owner        text,
  lease_until        timestamptz,
  attempts           integer NOT NULL DEFAULT 0,
  not_before         timestamptz NOT NULL DEFAULT now(),
  last_error         text,
  PRIMARY KEY (installation_id, repository_id, milestone_number)
);

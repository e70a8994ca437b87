-- Where each milestone's rollup is posted: the rollup issue and its comment, edited in place.
-- body_sha256 lets an update be skipped when nothing changed.
CREATE TABLE rollup_posts (
  installation_id  bigint NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
  repository_id    bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  milestone_number integer NOT NULL,
  issue_number     integer NOT NULL,
  comment_id       bigint,
  body_sha256      text,
  final_posted     boolean NOT NULL DEFAULT false,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (repository_id, milestone_number)
);

/**
 * The sizes GitHub accepts, and the margins the app keeps under them, in one place. The renderers
 * measure in UTF-8 bytes, which is never less than the character count GitHub limits, so a text
 * within a byte limit here is within GitHub's character limit too.
 */

/**
 * A check run's `output.summary` and `output.text`: GitHub takes up to 65,535 characters each
 * (https://docs.github.com/rest/checks/runs#create-a-check-run); the app stays at 65,000 bytes.
 */
export const CHECK_RUN_OUTPUT_LIMIT_BYTES = 65_000;

/**
 * An issue or pull-request comment's body: GitHub takes up to 65,536 characters; the app stays
 * at 65,000 bytes (the milestone rollup comment).
 */
export const COMMENT_BODY_LIMIT_BYTES = 65_000;

/** A check run's `output.title`: one line, cut at 200 UTF-16 units (the app's own cap). */
export const CHECK_RUN_TITLE_LIMIT_CHARS = 200;

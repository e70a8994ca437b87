/**
 * The `prepare-commit-msg` git hook that `cost-value hook install` writes: a POSIX sh script that
 * appends the trailers printed by `cost-value usage` to the commit message, the way
 * `git interpret-trailers` places them. Pure: renders the script and recognises it; the files are
 * written by src/cli/hook-command.ts.
 *
 * What the script does, in order:
 * 1. runs the hook that was there before (moved to `prepare-commit-msg.cost-value-chained`) with
 *    the same arguments; its failure is the hook's failure, as before;
 * 2. stops on merge and squash messages, while git replays commits (rebase, cherry-pick, revert),
 *    and when the message already has an `Agent-Cost`/`Agent-Usage`/`Agent-Tokens` trailer
 *    (`--amend`, `-c`, `--trailer`);
 * 3. runs `cost-value usage` (the node and script it was installed with, else
 *    `npx --no-install cost-value`) with a timeout, and adds what it printed with
 *    `git interpret-trailers --in-place --if-exists addIfDifferent`.
 * Any cost-value failure prints one warning line on stderr and ends `exit 0`: the commit goes on.
 */

export const HOOK_NAME = "prepare-commit-msg";
/** Where an existing, foreign `prepare-commit-msg` is moved; ours runs it first. */
export const CHAINED_HOOK_NAME = "prepare-commit-msg.cost-value-chained";
export const HOOK_VERSION = 1;
export const HOOK_MARKER = `# cost-value hook v${HOOK_VERSION}`;
/** Seconds `cost-value usage` may take before the hook gives up (COST_VALUE_HOOK_TIMEOUT). */
export const DEFAULT_HOOK_TIMEOUT_SECONDS = 5;

/** Any version's marker, on one of the first lines. */
const MARKER_PATTERN = /^# cost-value hook v\d+[ \t]*$/;

/** True when `text` is a hook written by `cost-value hook install` (any version). */
export function isCostValueHook(text: string): boolean {
  return text.split("\n", 5).some((line) => MARKER_PATTERN.test(line.replace(/\r$/, "")));
}

/** `value` as one sh word, in single quotes. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export interface HookScriptOptions {
  /** Absolute path of the node that runs the CLI (`process.execPath` at install time). */
  node: string;
  /** Absolute path of the CLI's script (`bin/cost-value.js`). */
  bin: string;
  /** Default timeout of `cost-value usage`, in whole seconds. */
  timeoutSeconds?: number;
}

/** The hook's text. The same options give the same text, so installing twice changes nothing. */
export function renderHookScript(options: HookScriptOptions): string {
  const node = shellQuote(options.node);
  const bin = shellQuote(options.bin);
  const timeout = Math.max(1, Math.floor(options.timeoutSeconds ?? DEFAULT_HOOK_TIMEOUT_SECONDS));
  return `#!/bin/sh
${HOOK_MARKER}
# Written by \`cost-value hook install\`; \`cost-value hook uninstall\` removes it (and puts back
# the hook that was here before, if any). It appends the agent-cost trailers printed by
# \`cost-value usage\` to the commit message. It never blocks a commit: when cost-value fails,
# it prints a warning and the commit goes on without them.
# Environment: COST_VALUE_HOOK=off skips it; COST_VALUE_HOOK_TIMEOUT=SECONDS (default ${timeout});
# COST_VALUE_USAGE_COMMAND="..." runs that shell command instead of \`cost-value usage\`.

# 1. The hook that was here before cost-value: first, with the same arguments, as before.
chained="$(dirname -- "$0")/${CHAINED_HOOK_NAME}"
if [ -f "$chained" ] && [ -x "$chained" ]; then
  "$chained" "$@" || exit $?
fi

# 2. Not on merge or squash messages, not while git replays commits, not twice.
case "\${2:-}" in merge | squash) exit 0 ;; esac
[ "\${COST_VALUE_HOOK:-}" = off ] && exit 0
msg="\${1:-}"
{ [ -n "$msg" ] && [ -f "$msg" ]; } || exit 0
git rev-parse --git-path rebase-merge --git-path rebase-apply --git-path CHERRY_PICK_HEAD \\
  --git-path REVERT_HEAD 2>/dev/null | while IFS= read -r state; do
  [ ! -e "$state" ] || exit 1
done || exit 0
if git interpret-trailers --parse -- "$msg" 2>/dev/null |
  grep -Eiq '^(agent|ai)-(cost|usage|tokens):'; then
  exit 0
fi

warn() {
  printf 'cost-value: could not record agent cost (%s); committing without it\\n' "$1" >&2
  exit 0
}

# 3. The trailers of the agent work since the previous commit, as \`cost-value usage\` prints them.
if [ -n "\${COST_VALUE_USAGE_COMMAND:-}" ]; then
  set -- sh -c "$COST_VALUE_USAGE_COMMAND"
elif [ -x ${node} ] && [ -f ${bin} ]; then
  set -- ${node} ${bin} usage
elif command -v npx >/dev/null 2>&1; then
  set -- npx --no-install cost-value usage
else
  warn "cost-value not found: neither "${node}" nor npx"
fi
timeout="\${COST_VALUE_HOOK_TIMEOUT:-${timeout}}"
case "$timeout" in '' | 0 | *[!0-9]*) timeout=${timeout} ;; esac
out="$(mktemp "\${TMPDIR:-/tmp}/cost-value-usage.XXXXXX")" || warn "mktemp failed"
err="$(mktemp "\${TMPDIR:-/tmp}/cost-value-usage.XXXXXX")" || { rm -f "$out"; warn "mktemp failed"; }
trap 'rm -f "$out" "$err" "$out.timeout"' EXIT
"$@" >"$out" 2>"$err" </dev/null &
pid=$!
(
  sleep "$timeout" &
  sleeper=$!
  trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
  wait "$sleeper" && : >"$out.timeout" && kill "$pid" 2>/dev/null
) >/dev/null 2>&1 </dev/null &
watchdog=$!
wait "$pid" 2>/dev/null # (no "Terminated" from the shell)
status=$?
kill "$watchdog" 2>/dev/null
if [ "$status" -ne 0 ]; then
  [ -e "$out.timeout" ] && warn "cost-value usage timed out after \${timeout}s"
  reason="$(grep -v '^[[:space:]]*$' "$err" | head -n 1 | cut -c 1-200)"
  warn "cost-value usage failed with exit code $status\${reason:+: $reason}"
fi

# 4. Add them as git does, after the message's other trailers; none printed, nothing to do.
cr="$(printf '\\r')"
set --
while IFS= read -r line || [ -n "$line" ]; do
  line="\${line%"$cr"}"
  case "$line" in
    '') ;;
    [A-Za-z0-9]*:*) set -- "$@" --trailer "$line" ;;
    *) warn "cost-value usage printed a line that is not a trailer: $(printf '%s' "$line" | cut -c 1-80)" ;;
  esac
done <"$out"
[ $# -eq 0 ] && exit 0
if ! git interpret-trailers --in-place --if-exists addIfDifferent "$@" -- "$msg" 2>"$err"; then
  warn "git interpret-trailers failed: $(head -n 1 "$err")"
fi
exit 0
`;
}

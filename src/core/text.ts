/** Small wording helpers for the messages the app and the CLI write. */

/** `1 commit`, `2 commits`; `many` for irregular plurals (`repository`, `repositories`). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Text helpers of the value statement: how keys, headings and types are compared, and lists in
 * messages. All linear, no regular expressions over untrusted text.
 */

/** The characters `collapse` turns into spaces (and drops at the start). */
export function isSeparator(code: number): boolean {
  return code === 32 || code === 9 || code === 45 || code === 95 || code === 0xa0;
}

/** Lower case, `-`/`_`/whitespace runs → one space, trimmed. */
export function collapse(text: string): string {
  let out = "";
  let pendingSpace = false;
  for (const c of text.toLowerCase()) {
    if (c === " " || c === "\t" || c === "-" || c === "_" || c === "\u00A0") {
      pendingSpace = out !== "";
    } else {
      if (pendingSpace) out += " ";
      out += c;
      pendingSpace = false;
    }
  }
  return out;
}

/** Remove emphasis or code wrapping a whole text: `**x**`, `__x__`, `*x*`, `_x_`, `` `x` ``. */
export function unwrap(text: string): string {
  let s = text.trim();
  for (let round = 0; round < 3; round++) {
    let changed = false;
    for (const mark of ["**", "__", "`", "*", "_"]) {
      if (s.length > 2 * mark.length && s.startsWith(mark) && s.endsWith(mark)) {
        s = s.slice(mark.length, -mark.length).trim();
        changed = true;
        break;
      }
    }
    if (!changed) break;
  }
  return s;
}

export function stripColon(text: string): string {
  const s = text.trimEnd();
  return s.endsWith(":") ? s.slice(0, -1).trimEnd() : s;
}

/**
 * Edit distance counting a swap of neighbours as one edit (`tpye` → `type`), for short strings
 * (the caller bounds the lengths).
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}

export function plainList(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

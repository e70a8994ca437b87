/**
 * The real commit corpus (test/fixtures/corpus/*.commits, copied from two public repositories):
 * `git log --format='%H%x00%B%x00'` output, i.e. `SHA NUL MESSAGE NUL` records with a newline
 * between records.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface CorpusCommit {
  readonly repository: string;
  readonly sha: string;
  readonly message: string;
}

export const CORPUS_DIR = join(import.meta.dirname, "..", "fixtures", "corpus");

export function readCorpusFile(file: string): CorpusCommit[] {
  const repository = file.replace(/\.commits$/, "");
  const fields = readFileSync(join(CORPUS_DIR, file), "utf8").split("\0");
  const commits: CorpusCommit[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const sha = (fields[i] ?? "").replace(/^\n/, "");
    const message = fields[i + 1] ?? "";
    if (!/^[0-9a-f]{40}$/.test(sha)) throw new Error(`corpus ${file}: bad sha at record ${i / 2}`);
    commits.push({ repository, sha, message });
  }
  return commits;
}

/** Every commit of every corpus file, in file order. */
export function readCorpus(): CorpusCommit[] {
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith(".commits"))
    .sort()
    .flatMap(readCorpusFile);
}

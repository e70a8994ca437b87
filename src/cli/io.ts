/** What a CLI command may touch, passed in so tests run commands in-process. */
export interface CliIo {
  /** All of standard input, as bytes. */
  readStdin: () => Promise<Buffer>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Standard error is a terminal (notes may use colour unless NO_COLOR is set). Default false. */
  isTTY?: boolean;
  /** Standard output is a terminal (`check` may use colour unless NO_COLOR is set). Default false. */
  stdoutIsTTY?: boolean;
}

/** Exit codes of every command (documented in the README). */
export const EXIT = {
  ok: 0,
  /** `check`: the verdict is `failure`. */
  failure: 1,
  /** Bad usage, unreadable input or a broken config file. */
  usage: 2,
} as const;

export function nodeIo(): CliIo {
  return {
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    isTTY: process.stderr.isTTY === true,
    stdoutIsTTY: process.stdout.isTTY === true,
  };
}

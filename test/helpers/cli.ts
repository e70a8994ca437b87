/** Running the CLI in-process for tests: a CliIo that captures stdout and stderr. */
import type { CliIo } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/run.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CaptureOptions {
  cwd: string;
  env?: Readonly<Record<string, string | undefined>>;
  stdin?: string | Buffer;
  isTTY?: boolean;
  stdoutIsTTY?: boolean;
}

/** A CliIo whose output is kept; `output()` returns what was written so far. */
export function captureIo(options: CaptureOptions): CliIo & { output: () => Omit<CliRun, "code"> } {
  let stdout = "";
  let stderr = "";
  const stdin = options.stdin ?? "";
  return {
    readStdin: async () => (typeof stdin === "string" ? Buffer.from(stdin) : stdin),
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    cwd: options.cwd,
    env: options.env ?? {},
    ...(options.isTTY !== undefined ? { isTTY: options.isTTY } : {}),
    ...(options.stdoutIsTTY !== undefined ? { stdoutIsTTY: options.stdoutIsTTY } : {}),
    output: () => ({ stdout, stderr }),
  };
}

/** `cost-value ARGS`, in-process. */
export async function runCliCaptured(
  args: readonly string[],
  options: CaptureOptions,
): Promise<CliRun> {
  const io = captureIo(options);
  const code = await runCli(args, io);
  return { code, ...io.output() };
}

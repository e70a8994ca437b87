/** The `cost-value` executable: wires the real process to the CLI. No logic here. */
import { nodeIo } from "./io.js";
import { runCli } from "./run.js";

process.exitCode = await runCli(process.argv.slice(2), nodeIo());

/** `npm start`: see src/github/start.ts. */
import { startServer } from "./github/start.js";

await startServer();

/** `npm start`: Probot's server (reads .env, offers the manifest set-up without APP_ID). */
import { run } from "probot";
import { costValueApp } from "./github/app.js";

await run(costValueApp);

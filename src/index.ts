/** The Probot app (`probot run`, `npm start`): see src/github/app.ts. */
import { costValueApp } from "./github/app.js";

export default costValueApp;

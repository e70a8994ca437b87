/**
 * The config for events that do not read a pull request (milestones, comments): the repository's
 * file, else the owner's `.github` one, then `_extends`; 1 to 2 requests plus one per hop.
 */
import { CONFIG_PATH, fetchConfigFile, resolveConfig } from "./config-files.js";
import type { ConfigResolution, GraphqlFn } from "./snapshot.js";

export async function readRepositoryConfig(
  graphql: GraphqlFn,
  owner: string,
  repo: string,
): Promise<ConfigResolution> {
  const primary = await fetchConfigFile(graphql, { owner, repo, path: CONFIG_PATH });
  const ownerFile =
    primary.text === undefined && repo !== ".github"
      ? await fetchConfigFile(graphql, { owner, repo: ".github", path: CONFIG_PATH })
      : undefined;
  return (await resolveConfig(graphql, primary, ownerFile)).resolution;
}

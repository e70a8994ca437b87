/**
 * The REST half of an installation's Octokit, as the app calls it: one `request(route, params)`.
 * Check runs, issue comments and issues all go through it; tests and the bench pass a recording
 * fake (see `evaluationApiOf` in github-api.ts for the real one).
 */
export interface RestApi {
  request: (route: string, params: Record<string, unknown>) => Promise<{ data: unknown }>;
}

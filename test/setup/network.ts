/**
 * Every test file runs with the network closed: GitHub is answered by nock, anything else that
 * tries to leave the machine fails loudly. Local servers (127.0.0.1) stay reachable.
 */
import nock from "nock";
import { afterEach } from "vitest";

nock.disableNetConnect();
nock.enableNetConnect((host) => host.startsWith("127.0.0.1") || host.startsWith("localhost"));

afterEach(() => {
  nock.cleanAll();
});

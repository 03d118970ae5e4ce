// withCassettes is an UpstreamClient too (STYLE.md #14): the shared contract suite runs over it in
// record mode (on the simulator) and in replay mode (from what that recorded). Replay passes every
// check: the no-credentials 401 is its own answer, the other answers come from the cassette.
import { Ledger } from "../../src/accounting/ledger.ts";
import { withCassettes } from "../../src/cassettes/recorder.ts";
import { loadConfig } from "../../src/config/load.ts";
import { ManualClock } from "../../src/shared/clock.ts";
import { sequentialIds } from "../../src/shared/ids.ts";
import { createLogger } from "../../src/shared/logger.ts";
import { createSimulator } from "../../src/upstream/mock/simulator.ts";
import { createTeamDirectory } from "../../src/upstream/mock/teams.ts";
import type { Credentials, UpstreamClient } from "../../src/upstream/types.ts";
import { cassetteOptions, tempDir } from "../helpers/cassettes.ts";
import { HAIKU3, TEAM, TEAMS } from "../upstream/mock/harness.ts";
import { CONTRACT_UNKNOWN_MODEL, contractRequest, upstreamContract } from "../upstream/upstream-contract.ts";

const credentials: Credentials = { teamId: TEAM.team_id, apiToken: TEAM.api_token, teamField: "team_id" };

function simulator(): UpstreamClient {
  const { config } = loadConfig({ implicitFile: false, env: {}, overrides: { mock: { teams: TEAMS } } });
  const clock = new ManualClock();
  return createSimulator({
    config,
    clock,
    ids: sequentialIds(),
    budget: new Ledger(config.mock.teams, clock),
    teams: createTeamDirectory(config.mock.teams),
    logger: createLogger("silent"),
  });
}

upstreamContract("withCassettes record (over the simulator)", () => ({
  client: withCassettes(simulator(), cassetteOptions(tempDir(), "record")),
  credentials,
  model: HAIKU3,
}));

upstreamContract("withCassettes replay (of a recording)", async () => {
  const dir = tempDir();
  const recorder = withCassettes(simulator(), cassetteOptions(dir, "record"));
  for (const model of [HAIKU3, CONTRACT_UNKNOWN_MODEL])
    await recorder.invoke(contractRequest(model), { credentials, requestId: "req_record" });
  await recorder.close();
  const offline: UpstreamClient = {
    invoke: () => Promise.reject(new Error("replay called the upstream")),
    close: () => Promise.resolve(),
  };
  return { client: withCassettes(offline, cassetteOptions(dir, "replay")), credentials, model: HAIKU3 };
});

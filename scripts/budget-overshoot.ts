// How far calls in flight together overshoot a budget (README "Budget: checked before, charged after").
// The simulator, like the proxy, checks the budget on arrival and charges on answer: N concurrent calls
// all pass the check. Prints one JSON line per concurrency level.
//   node scripts/budget-overshoot.ts
import { startGateway } from "../src/server/gateway.ts";

const BUDGET = 0.001;
const TEAM = { team_id: "budget", api_token: "tok-budget-bench", budget_limit: BUDGET };
const gw = await startGateway({
  port: 0,
  mode: "mock",
  server: { log_level: "silent" } as never,
  mock: { teams: [TEAM], latency: { base_ms: 200, per_output_token_ms: 0 } } as never,
});
const body = JSON.stringify({
  team_id: TEAM.team_id,
  api_token: TEAM.api_token,
  model: "us.anthropic.claude-3-haiku-20240307-v1:0",
  messages: [{ role: "user", content: "Tell me about ships" }],
  max_tokens: 200,
});
const post = (path: string, text: string) =>
  fetch(`${gw.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: text });

for (const concurrent of [1, 10, 50]) {
  await post("/admin/reset", "{}");
  let quota: { llm_cost: number } | undefined;
  // Waves of `concurrent` calls until the budget refuses one: the last wave is what overshoots.
  while (quota === undefined) {
    const answers = await Promise.all(Array.from({ length: concurrent }, () => post("/prod/invoke", body)));
    for (const res of answers) {
      const json = (await res.json()) as { remaining_quota?: { llm_cost: number } };
      if (res.status === 429) quota = json.remaining_quota;
    }
  }
  const overshoot = quota.llm_cost - BUDGET;
  console.log(
    JSON.stringify({
      concurrent,
      budget: BUDGET,
      llm_cost: quota.llm_cost,
      overshoot_pct: Math.round((overshoot / BUDGET) * 100),
    }),
  );
}
await gw.close();

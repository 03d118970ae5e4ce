// Budget alerts (CONTRACT §6): when a team's budget_usage_percent reaches a threshold (alerts.thresholds,
// default 50/80/95), one warning log line, one entry in the list the dashboard shows, and — with
// alerts.webhook_url — one JSON POST. Each threshold fires once per team; it re-arms only when usage
// falls below it again (POST /admin/reset). The webhook is fire-and-forget: a slow or failing receiver
// is logged and never holds up the request that crossed the line.
import type { Config } from "../config/types.ts";
import type { Clock } from "../shared/clock.ts";
import type { Logger } from "../shared/logger.ts";
import type { RemainingQuota } from "../shared/remaining-quota.ts";

/** The event logged, listed and POSTed (snake_case: it is a wire format). */
export interface BudgetAlert {
  type: "budget_alert";
  team_id: string;
  threshold_percent: number;
  budget_usage_percent: number;
  total_cost: number;
  budget_limit: number;
  remaining_budget: number;
  /** Where the figure comes from: the simulator's ledger, or what the real proxy last reported. */
  source: "simulator" | "proxy";
  at: string;
}

/** POST `body` as JSON to `url`; resolves with the status. Injected by tests. */
export type WebhookPoster = (url: string, body: string, timeoutMs: number) => Promise<number>;

export interface BudgetAlertsOptions {
  config: Readonly<Config["alerts"]>;
  clock: Clock;
  logger: Logger;
  source: BudgetAlert["source"];
  post?: WebhookPoster;
}

/** Alerts kept for the dashboard, newest last. */
const MAX_KEPT = 100;

/** The undici request, loaded on the first webhook (most gateways never send one). */
const undiciPost: WebhookPoster = async (url, body, timeoutMs) => {
  const { request } = await import("undici");
  const response = await request(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.body.dump();
  return response.statusCode;
};

/** The webhook's origin only: its path and query often carry a secret (Slack-style hook URLs). */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "(invalid url)";
  }
}

export class BudgetAlerts {
  readonly #options: BudgetAlertsOptions;
  readonly #thresholds: number[];
  readonly #fired = new Map<string, Set<number>>();
  readonly #recent: BudgetAlert[] = [];
  readonly #inFlight = new Set<Promise<void>>();

  constructor(options: BudgetAlertsOptions) {
    this.#options = options;
    this.#thresholds = options.config.enabled ? [...options.config.thresholds].sort((a, b) => a - b) : [];
  }

  /** Check a team's quota; `silent` marks thresholds already passed without alerting (state restored at start-up). */
  observe(teamId: string, quota: RemainingQuota, silent = false): void {
    if (this.#thresholds.length === 0) return;
    let fired = this.#fired.get(teamId);
    for (const threshold of this.#thresholds) {
      const reached = quota.budget_usage_percent >= threshold;
      if (!reached) {
        fired?.delete(threshold); // re-armed: usage fell back (a reset)
        continue;
      }
      if (fired?.has(threshold) === true) continue;
      if (fired === undefined) {
        fired = new Set();
        this.#fired.set(teamId, fired);
      }
      fired.add(threshold);
      if (!silent) this.#raise(teamId, threshold, quota);
    }
  }

  /** Alerts raised so far (at most the last 100), oldest first. */
  recent(): BudgetAlert[] {
    return [...this.#recent];
  }

  /** Wait for webhook posts in flight (shutdown, tests). */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  #raise(teamId: string, threshold: number, quota: RemainingQuota): void {
    const alert: BudgetAlert = {
      type: "budget_alert",
      team_id: teamId,
      threshold_percent: threshold,
      budget_usage_percent: quota.budget_usage_percent,
      total_cost: quota.total_cost,
      budget_limit: quota.budget_limit,
      remaining_budget: quota.remaining_budget,
      source: this.#options.source,
      at: new Date(this.#options.clock.now()).toISOString(),
    };
    this.#recent.push(alert);
    if (this.#recent.length > MAX_KEPT) this.#recent.shift();
    this.#options.logger.warn(
      { alert: { team_id: teamId, threshold_percent: threshold, usage: quota.budget_usage_percent } },
      `budget alert: team ${teamId} has used ${quota.budget_usage_percent.toFixed(1)}% of its budget (threshold ${threshold}%)`,
    );
    const url = this.#options.config.webhook_url;
    if (url !== null) this.#send(url, alert);
  }

  #send(url: string, alert: BudgetAlert): void {
    const post = this.#options.post ?? undiciPost;
    const { logger, config } = this.#options;
    const sending = post(url, JSON.stringify(alert), config.webhook_timeout_ms)
      .then((status) => {
        if (status < 200 || status >= 300)
          logger.warn({ webhook: originOf(url), status }, "budget alert webhook refused the alert");
      })
      .catch((error: unknown) => {
        logger.warn(
          { webhook: originOf(url), error: error instanceof Error ? error.message : String(error) },
          "budget alert webhook failed",
        );
      })
      .finally(() => this.#inFlight.delete(sending));
    this.#inFlight.add(sending);
  }
}

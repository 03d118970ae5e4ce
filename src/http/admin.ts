// /admin/*: the simulator's controls (GET /admin/teams, POST /admin/reset, GET /admin/clock,
// POST /admin/clock/advance). They answer loopback callers, or anyone presenting `X-Admin-Key` equal to
// `server.admin_key` (compared in constant time). X-Forwarded-For is never trusted.
import { Router, type Request } from "express";
import type { AccountingAdmin } from "../accounting/types.ts";
import { forbidden, invalidRequest } from "../shared/errors.ts";
import { matchesSecret, secretDigest } from "../shared/secrets.ts";

export interface AdminRouterDeps {
  admin: AccountingAdmin;
  /** `server.admin_key`; null = loopback callers only. */
  adminKey: string | null;
  /** Where the request came from (default: the socket's peer address). Injected by tests. */
  remoteAddress?: (req: Request) => string | undefined;
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped IPv6 forms. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  return address === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** The /admin gate: loopback callers, or a valid `X-Admin-Key` (constant-time compare). */
export function adminGuard(deps: Pick<AdminRouterDeps, "adminKey" | "remoteAddress">): Router {
  const router = Router();
  const remote = deps.remoteAddress ?? ((req: Request) => req.socket.remoteAddress);
  const expected = deps.adminKey === null || deps.adminKey === "" ? undefined : secretDigest(deps.adminKey);

  router.use("/admin", (req, _res, next) => {
    if (isLoopback(remote(req))) return next();
    const presented = req.get("x-admin-key");
    if (expected !== undefined && presented !== undefined && matchesSecret(presented, expected))
      return next();
    next(
      forbidden(
        "Admin routes answer only loopback callers or requests with a valid X-Admin-Key header (server.admin_key).",
        "admin_forbidden",
      ),
    );
  });
  return router;
}

export function adminRouter(deps: AdminRouterDeps): Router {
  const router = Router();
  router.use(adminGuard(deps));

  router.get("/admin/teams", (_req, res) => {
    res.json({ object: "list", data: deps.admin.teams(), clock: deps.admin.clock() });
  });
  router.post("/admin/reset", (req, res) => {
    const body: unknown = req.body;
    let teamId: string | undefined;
    if (
      body !== undefined &&
      body !== null &&
      !(typeof body === "object" && Object.keys(body).length === 0)
    ) {
      const teamField =
        typeof body === "object" && !Array.isArray(body)
          ? (body as Record<string, unknown>).team_id
          : undefined;
      if (typeof teamField !== "string" || teamField === "") {
        throw invalidRequest(
          'Send {"team_id": "<team>"} to reset one team, or an empty body to reset every team.',
          "team_id",
        );
      }
      teamId = teamField;
    }
    res.json({ reset: deps.admin.reset(teamId) });
  });
  router.get("/admin/clock", (_req, res) => {
    res.json(deps.admin.clock());
  });
  router.post("/admin/clock/advance", (req, res) => {
    const body: unknown = req.body;
    const seconds =
      typeof body === "object" && body !== null && !Array.isArray(body)
        ? (body as Record<string, unknown>).seconds
        : undefined;
    res.json(deps.admin.advanceClock(seconds));
  });
  return router;
}

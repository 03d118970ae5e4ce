// The dashboard (CONTRACT §6): GET / and /dashboard serve one static page, its script, its stylesheet
// and the chart library (uPlot, from node_modules) — nothing from another host, which the page's
// Content-Security-Policy also forbids. The page reads only the JSON routes below, all admin routes
// (loopback callers or X-Admin-Key, like /admin/teams), documented in src/dashboard/README.md:
//   GET  /admin/budget                         every team's budget, GPU notebooks, spend per model, alerts
//   GET  /admin/budget/history[?team=ID]       spend over time per team (bounded; persisted with mock.state)
//   GET  /admin/cassettes                      cassettes with entry counts and their live cost
//   POST /admin/gpu/{team}/{name}/stop|start, DELETE /admin/gpu/{team}/{name}   (simulator only)
// The recent-requests panel reads the request journal, GET /admin/requests, where it exists.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { Router, type Request, type Response } from "express";
import type { GpuService } from "../accounting/types.ts";
import type { BudgetBoard } from "../budget/types.ts";
import type { CassettesView } from "../budget/cassettes.ts";
import { adminOnly } from "../http/admin.ts";
import { notFound } from "../shared/errors.ts";

export interface DashboardDeps {
  board: BudgetBoard;
  cassettes: () => Promise<CassettesView>;
  /** The simulator's notebooks; absent when the real proxy answers (no GPU buttons). */
  gpu?: GpuService;
  /** `server.admin_key`. */
  adminKey: string | null;
  remoteAddress?: (req: Request) => string | undefined;
}

interface Asset {
  file: URL | string;
  type: string;
}

const require = createRequire(import.meta.url);
const page = (name: string): URL => new URL(`./page/${name}`, import.meta.url);

/** Everything the page loads: its own files, and uPlot as the package ships it. */
const ASSETS: Record<string, Asset> = {
  "/dashboard/assets/app.js": { file: page("app.js"), type: "text/javascript; charset=utf-8" },
  "/dashboard/assets/style.css": { file: page("style.css"), type: "text/css; charset=utf-8" },
  "/dashboard/assets/uPlot.iife.min.js": {
    file: require.resolve("uplot/dist/uPlot.iife.min.js"),
    type: "text/javascript; charset=utf-8",
  },
  "/dashboard/assets/uPlot.min.css": {
    file: require.resolve("uplot/dist/uPlot.min.css"),
    type: "text/css; charset=utf-8",
  },
};
const INDEX: Asset = { file: page("index.html"), type: "text/html; charset=utf-8" };

/** Only this gateway's own files and routes; no framing (the page has buttons that spend and stop). */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function dashboardRouter(deps: DashboardDeps): Router {
  const router = Router();
  // Read once, on first use: most gateways never serve the page.
  const loaded = new Map<Asset, Promise<Buffer>>();
  const send = (asset: Asset) => async (_req: Request, res: Response) => {
    let body = loaded.get(asset);
    if (body === undefined) {
      body = readFile(asset.file);
      loaded.set(asset, body);
      body.catch(() => loaded.delete(asset));
    }
    res.setHeader("Content-Security-Policy", CSP);
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Cache-Control", "no-cache");
    res.type(asset.type).send(await body);
  };
  router.get(["/", "/dashboard"], send(INDEX));
  for (const [path, asset] of Object.entries(ASSETS)) router.get(path, send(asset));

  const admin = adminOnly(deps.adminKey, deps.remoteAddress);
  router.get("/admin/budget", admin, (_req, res) => {
    res.json(deps.board.view());
  });
  router.get("/admin/budget/history", admin, (req, res) => {
    const team = typeof req.query.team === "string" && req.query.team !== "" ? req.query.team : undefined;
    res.json(deps.board.history(team));
  });
  router.get("/admin/cassettes", admin, async (_req, res) => {
    res.json(await deps.cassettes());
  });
  const gpu = deps.gpu;
  if (gpu !== undefined) {
    // The team comes from the URL here, not from credentials: an unknown one is a 404, never a GpuService call.
    const ids = (req: Request) => {
      const team = String(req.params.team);
      if (!deps.board.view().teams.some((t) => t.team_id === team))
        throw notFound(`Unknown team "${team.slice(0, 64)}".`, "unknown_team");
      return [team, String(req.params.name)] as const;
    };
    router.post("/admin/gpu/:team/:name/stop", admin, (req, res) => {
      res.json(gpu.stop(...ids(req)));
    });
    router.post("/admin/gpu/:team/:name/start", admin, (req, res) => {
      res.json(gpu.start(...ids(req)));
    });
    router.delete("/admin/gpu/:team/:name", admin, (req, res) => {
      res.json(gpu.delete(...ids(req)));
    });
  }
  return router;
}

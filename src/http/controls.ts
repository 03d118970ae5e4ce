// The agent-test controls (CONTRACT §5): run-time stubs (/admin/stubs), the request journal
// (/admin/requests) and the unused-recordings report (/admin/cassettes/unused), behind the /admin gate.
// The journal and the report are served in every mode; stubs where the simulator answers.
import { Router, type Request } from "express";
import { notFound } from "../shared/errors.ts";
import type { StubRegistry } from "../upstream/stubs.ts";
import { adminOnly, type AdminRouterDeps } from "./admin.ts";
import type { JournalFilter, RequestJournal } from "./journal.ts";

export interface ControlsRouterDeps extends Pick<AdminRouterDeps, "adminKey" | "remoteAddress"> {
  journal: RequestJournal;
  /** Absent when no simulator answers (live, replay, record/auto on the real proxy). */
  stubs?: StubRegistry;
  /** The recordings no request used so far, per cassette (replay and auto). */
  unusedRecordings?: () => Promise<unknown>;
}

function query(req: Request, name: string): string | undefined {
  const value: unknown = req.query[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function journalFilter(req: Request): JournalFilter {
  const filter: JournalFilter = {};
  const cassette = query(req, "cassette");
  const face = query(req, "face");
  const limit = Number(query(req, "limit"));
  if (cassette !== undefined) filter.cassette = cassette;
  if (face !== undefined) filter.face = face;
  if (Number.isInteger(limit) && limit > 0) filter.limit = limit;
  return filter;
}

const NO_STUBS =
  "Run-time stubs answer where the simulator does: mode mock, or record/auto with upstream.kind mock.";

export function controlsRouter(deps: ControlsRouterDeps): Router {
  const router = Router();
  router.use("/admin", adminOnly(deps.adminKey, deps.remoteAddress));

  const stubs = (): StubRegistry => {
    if (deps.stubs === undefined) throw notFound(NO_STUBS, "stubs_unavailable");
    return deps.stubs;
  };
  // One stub, or a list of them (added in order, so the last is tried first).
  router.post("/admin/stubs", (req, res) => {
    const body: unknown = req.body;
    const registry = stubs();
    if (Array.isArray(body)) res.status(201).json({ object: "list", data: body.map((d) => registry.add(d)) });
    else res.status(201).json(registry.add(body));
  });
  router.get("/admin/stubs", (_req, res) => {
    res.json({ object: "list", data: stubs().list() });
  });
  router.delete("/admin/stubs", (req, res) => {
    res.json({ deleted: stubs().clear(query(req, "cassette")) });
  });
  router.delete("/admin/stubs/:id", (req, res) => {
    const id = req.params.id ?? "";
    if (!stubs().remove(id)) throw notFound(`No stub has the id "${id.slice(0, 64)}".`, "stub_not_found");
    res.json({ deleted: 1 });
  });

  router.get("/admin/requests", (req, res) => {
    res.json({ object: "list", data: deps.journal.list(journalFilter(req)) });
  });
  router.delete("/admin/requests", (req, res) => {
    res.json({ deleted: deps.journal.clear(query(req, "cassette")) });
  });

  router.get("/admin/cassettes/unused", async (_req, res) => {
    if (deps.unusedRecordings === undefined)
      throw notFound("The unused-recordings report exists in replay and auto modes.", "not_replaying");
    res.json(await deps.unusedRecordings());
  });
  return router;
}

// bpg_face_requests_total: requests per face, counted as the face's handler starts (after the browser
// guard and the API-key check let the request in). The face label is the route's `face` name (else its
// `label`, else its first path) — so a face added to server/surfaces.ts is counted without a line here.
import type { TalliedCounter } from "../shared/metrics.ts";
import type { HotRoute } from "./exchange.ts";

export function countFaceRequests(routes: readonly HotRoute[], counter: TalliedCounter<"face">): HotRoute[] {
  return routes.map((route) => {
    const face = route.face ?? route.label ?? route.paths[0] ?? "unnamed";
    const labels = () => ({ face });
    return {
      ...route,
      handle(x) {
        counter.inc(face, labels);
        return route.handle(x);
      },
    };
  });
}

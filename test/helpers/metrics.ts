// Reading one sample of a gateway's /metrics, so tests wait on what the server itself reports (requests
// in flight, counters) instead of sleeping for a guessed time.

/** The value of `name` (with exactly these labels, if any) in the Prometheus text of `baseUrl/metrics`. */
export async function metricValue(baseUrl: string, name: string, labels = ""): Promise<number | undefined> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const sample = labels === "" ? name : `${name}{${labels}}`;
  const line = text.split("\n").find((l) => l.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}

/** Inference handlers still working on `baseUrl` (bpg_inference_in_flight). */
export function inferenceInFlight(baseUrl: string): Promise<number | undefined> {
  return metricValue(baseUrl, "bpg_inference_in_flight");
}

// V8 sizes the young generation from the machine's memory: on a 24 GiB box its semi-spaces grow to
// 64 MiB under a request flood (≈ +100 MiB RSS, bench/README.md) without a measurable throughput gain
// over the 8–16 MiB start-up leaves them at. The cap (--max-semi-space-size) is read only from the
// command line, which `bpg`, `npm start` and `npx` users don't write; the growth factor is read at run
// time. So once the server is up, the young generation keeps the size start-up gave it — unless the
// user sized it on the command line themselves.
import { setFlagsFromString } from "node:v8";

const USER_SIZED = /--(max|min)-semi-space-size|--max-heap-size|--semi-space-growth-factor/;

export function keepYoungGenerationSize(
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): boolean {
  if (USER_SIZED.test(`${execArgv.join(" ")} ${nodeOptions ?? ""}`)) return false;
  setFlagsFromString("--semi-space-growth-factor=1");
  return true;
}

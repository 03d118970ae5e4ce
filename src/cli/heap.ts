// How big V8 lets the young generation grow. V8 sizes it from the machine's memory: on a 24 GiB box its
// semi-spaces grow to 64 MiB under a request flood (≈ +100 MiB RSS) and to 8 MiB during start-up alone,
// with no measurable throughput gain past 8 MiB (bench/README.md). The size flags
// (--max-semi-space-size) are read only from the command line, which `bpg`, `npm start` and `npx` users
// don't write; the growth factor is read at run time. So:
// - the process starts with growth off (the young generation stays at its 1 MiB minimum: idle RSS
//   ~9 MiB lower),
// - a serving gateway grows it under load up to NEW_SPACE_CAP, and again after V8 shrank it while idle,
// - other commands (one-shot CLI work on big cassettes) get V8's default growth back.
// A user who sizes the heap on the command line or in NODE_OPTIONS is left alone.
import { PerformanceObserver } from "node:perf_hooks";
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";

const USER_SIZED = /--(max|min)-semi-space-size|--max-heap-size|--semi-space-growth-factor/;
/** Both semi-spaces together: 8 MiB each, where throughput stops improving. */
export const NEW_SPACE_CAP = 16 * 1024 * 1024;
const V8_DEFAULT_GROWTH = 2;

let managed = false;

function growth(factor: number): void {
  setFlagsFromString(`--semi-space-growth-factor=${factor}`);
}

function newSpaceSize(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_size ?? 0;
}

/** At process start: keep the young generation small, unless the user sized the heap. */
export function holdYoungGeneration(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  managed = !USER_SIZED.test(`${execArgv.join(" ")} ${nodeOptions ?? ""}`);
  if (managed) growth(1);
  return managed;
}

/** One-shot commands: V8's own growth again. */
export function releaseYoungGeneration(): void {
  if (managed) growth(V8_DEFAULT_GROWTH);
}

/**
 * Decides the growth factor after each garbage collection: grow while new space is under the cap, stop
 * at it. Kept on for the life of the server because V8 shrinks an idle young generation again (its
 * memory reducer); a server that stopped steering after the first cap would serve every later burst
 * from a 1 MiB young generation: ~10× the scavenges, ~35% more CPU per request (bench/README.md).
 */
export class YoungGenerationSteering {
  private growing: boolean | null = null;
  private readonly cap: number;
  private readonly measure: () => number;
  private readonly setGrowth: (factor: number) => void;

  constructor(cap: number, measure: () => number, setGrowth: (factor: number) => void) {
    this.cap = cap;
    this.measure = measure;
    this.setGrowth = setGrowth;
  }

  /** Call after each garbage collection (and once at the start). */
  steer(): void {
    const grow = this.measure() < this.cap;
    if (grow === this.growing) return;
    this.growing = grow;
    this.setGrowth(grow ? V8_DEFAULT_GROWTH : 1);
  }
}

/**
 * A serving gateway: let the young generation grow with the load, up to NEW_SPACE_CAP, after every
 * garbage collection for as long as the process serves.
 */
export function capYoungGeneration(cap = NEW_SPACE_CAP): void {
  if (!managed) return;
  const steering = new YoungGenerationSteering(cap, newSpaceSize, growth);
  steering.steer();
  new PerformanceObserver(() => steering.steer()).observe({ entryTypes: ["gc"] });
}

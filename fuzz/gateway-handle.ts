// The harness's side of the gateway process (gateway-process.ts): fork it with the flags `npm start`
// uses (plus --expose-gc, for the last-resort GC before a memory reading), wait for its URL, ask it
// for readings, and hear its stalls and crashes as they happen. A gateway that exits before it is
// told to is a crash.
import { fork, type ChildProcess } from "node:child_process";
import type { FromGateway, Memory, ToGateway } from "./gateway-ipc.ts";
import type { Offender } from "./stalls.ts";

type Figures = Extract<FromGateway, { type: "figures" }>;

export class GatewayProcess {
  readonly url: string;
  /** Crashes the process reported (uncaught errors it survived) or died of. */
  crashes = 0;
  readonly #child: ChildProcess;
  #finished = false;
  #waiting: ((message: FromGateway) => void) | undefined;

  private constructor(child: ChildProcess, url: string, onStall: (offender: Offender) => void) {
    this.#child = child;
    this.url = url;
    child.on("message", (message: FromGateway) => {
      if (message.type === "stall") onStall(message.offender);
      else if (message.type === "crash") this.crashes++;
      else this.#waiting?.(message);
    });
    child.once("exit", (code, signal) => {
      if (this.#finished) return;
      this.crashes++;
      this.#waiting?.({ type: "crash", message: `gateway process exited (${String(code ?? signal)})` });
    });
  }

  static start(onStall: (offender: Offender) => void): Promise<GatewayProcess> {
    const child = fork(new URL("./gateway-process.ts", import.meta.url), {
      execArgv: ["--max-semi-space-size=8", "--expose-gc"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: { ...process.env, ...JSON.parse(process.env.FUZZ_GATEWAY_ENV ?? "{}") },
    });
    return new Promise((resolve, reject) => {
      child.once("message", (message: FromGateway) => {
        if (message.type === "ready") resolve(new GatewayProcess(child, message.url, onStall));
        else reject(new Error(`gateway process said ${message.type} before it was ready`));
      });
      child.once("exit", (code) =>
        reject(new Error(`gateway process exited (${String(code)}) before it was ready`)),
      );
    });
  }

  /** Full GC, then the memory it holds; the loop is measured from here (again). */
  measure(): Promise<Memory> {
    return this.#memory({ type: "measure" });
  }

  /** The loop no longer measured; full GC, then the memory it holds. */
  pause(): Promise<Memory> {
    return this.#memory({ type: "pause" });
  }

  /** Its figures; then it closes the gateway and exits. */
  async finish(): Promise<Figures> {
    this.#finished = true;
    const answer = await this.#ask({ type: "finish" });
    if (answer.type !== "figures") throw new Error(`gateway process answered ${answer.type} to finish`);
    await new Promise((resolve) =>
      this.#child.exitCode === null ? this.#child.once("exit", resolve) : resolve(0),
    );
    return answer;
  }

  /** End it whatever its state (a failed pass must not leave a gateway running). */
  kill(): void {
    this.#finished = true;
    this.#child.kill("SIGKILL");
  }

  async #memory(message: ToGateway): Promise<Memory> {
    const answer = await this.#ask(message);
    if (answer.type !== "memory")
      throw new Error(`gateway process answered ${answer.type} to ${message.type}`);
    return answer.memory;
  }

  #ask(message: ToGateway): Promise<FromGateway> {
    return new Promise((resolve) => {
      this.#waiting = (answer) => {
        this.#waiting = undefined;
        resolve(answer);
      };
      this.#child.send(message);
    });
  }
}

// A gateway started through an npm script (`npm start`, `npm run bpg -- …`) runs under `sh -c`. npm
// passes a SIGTERM on to that shell, and the shell exits without passing it on: in a CI script,
// `npm run bpg -- --mode record … &` then `kill %1` would leave the gateway running, orphaned, still
// holding its port and its cassettes. Such a gateway watches for its launcher going away and stops
// as if signalled. (Elsewhere — `node dist/cli.js`, Docker, systemd — nothing is watched.)

/**
 * Call `onOrphaned` once when this process's parent changes (the launcher exited and the process was
 * re-parented), checking every `intervalMs`; only when started by an npm script. Returns a canceller.
 */
export function stopWhenOrphaned(
  env: Readonly<Record<string, string | undefined>>,
  onOrphaned: () => void,
  intervalMs = 500,
  parentOf: () => number = () => process.ppid,
): () => void {
  if (env.npm_lifecycle_event === undefined) return () => undefined;
  const launcher = parentOf();
  const timer = setInterval(() => {
    if (parentOf() === launcher) return;
    clearInterval(timer);
    onOrphaned();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/* global process */
// Preloaded into every benchmark child (`node --import bench/servers/guard.mjs …`): the child exits
// when its stdin closes, which happens when the benchmark runner dies for any reason, even SIGKILL,
// so no server is left orphaned. Plain JavaScript on purpose: a .ts preload would load Node's type
// stripper (~17 MiB RSS) into a gateway that is otherwise run as built JavaScript.
process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();
// Do not keep the child alive by itself: a server that has closed must still exit normally (that is
// when --cpu-prof writes its profile).
process.stdin.unref();

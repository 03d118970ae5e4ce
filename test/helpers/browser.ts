// Headless Chromium for browser tests: Debian's `chromium` package (.ci/run installs it when missing),
// driven by playwright-core, which downloads no browser of its own. Where no Chromium is installed the
// browser tests skip with a message — except under CI=true, where a missing browser is a failure
// (CONTRACT §1), as with the Python clients.
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

/** Flags for a quiet, offline, container-friendly headless run (no update checks, no sandbox as root). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];

export type BrowserProbe =
  { executable: string; skip?: undefined } | { executable?: undefined; skip: string };

/** The Chromium to use (`BPG_CHROMIUM` overrides), or why there is none. Throws under CI=true. */
export function findChromium(): BrowserProbe {
  const chosen = [process.env.BPG_CHROMIUM, ...CANDIDATES].find(
    (path): path is string => path !== undefined && path !== "" && existsSync(path),
  );
  if (chosen !== undefined) return { executable: chosen };
  const skip =
    "no Chromium found (install Debian's chromium package: apt-get install -y chromium): the browser tests are skipped";
  if (process.env.CI === "true") throw new Error(skip);
  console.warn(`[skip] ${skip}`);
  return { skip };
}

export function launchChromium(executable: string): Promise<Browser> {
  return chromium.launch({ executablePath: executable, headless: true, args: CHROMIUM_ARGS });
}

// The package version, read once from package.json (two levels up from both src/shared and dist/shared).
import { readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  name: string;
  version: string;
};

export const PACKAGE_NAME: string = pkg.name;
export const VERSION: string = pkg.version;

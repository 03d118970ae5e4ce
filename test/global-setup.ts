// Once per test run, before any test file: the Python client venv (test/helpers/python.ts), so test
// files running in parallel do not each start the same pip install.
import { pythonClients } from "./helpers/python.ts";

export default function setup(): void {
  pythonClients();
}

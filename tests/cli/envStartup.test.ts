/**
 * What every `npm run env` verb pays before it does anything: loading the developer CLI. It
 * never needs the Pulumi SDK (it runs `pulumi stack output` instead), whose loading took 0.8 s of
 * each sync after an edit (components/config/schema.ts's ConfigError is a pulumi.RunError, so
 * the CLI takes the compute classes from components/compute/classes.ts, which imports nothing).
 */
import * as assert from "assert/strict";
import { execFileSync } from "child_process";
import { REPO_ROOT } from "../support/stack";

/** The packages a fresh node loads with `cli/env.ts` (required, so its main does not run). */
function packagesLoadedBy(entry: string): string[] {
  const script = [
    `require(${JSON.stringify(entry)});`,
    "const names = Object.keys(require.cache)",
    "  .filter((file) => file.includes('/node_modules/'))",
    "  .map((file) => file.split('/node_modules/').pop().split('/'))",
    "  .map((parts) => (parts[0].startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/'));",
    "process.stdout.write(JSON.stringify([...new Set(names)].sort()));",
  ].join("\n");
  const out = execFileSync(process.execPath, ["--import", "tsx", "-e", script], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  return JSON.parse(out) as string[];
}

describe("the developer CLI's start", function () {
  this.timeout(20_000);

  it("loads no Pulumi SDK, gRPC or protobuf: of the packages, only yaml", () => {
    // tsx and the esbuild it drives are the TypeScript loader every entry point runs under.
    const loaded = packagesLoadedBy("./cli/env.ts").filter(
      (name) => !["esbuild", "get-tsconfig", "tsx"].includes(name),
    );
    assert.deepEqual(loaded, ["yaml"]);
  });
});

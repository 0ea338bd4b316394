/**
 * `npm run up`, `npm run preview`, `npm run down`: Pulumi on the stack (default dev), created when
 * absent, on PULUMI_BACKEND_URL or the project's own file backend. Every rule lives in
 * workspace/up.ts and workspace/pulumi.ts; this file only wires the real process in.
 *
 *   npm run up -- [--stack <name>] [pulumi flags...]
 */
import * as path from "path";
import { UpMode } from "../workspace/args";
import { pingEngine } from "../workspace/engine";
import { spawnRunner } from "../workspace/process";
import { upMain } from "../workspace/up";

const MODES: readonly UpMode[] = ["up", "preview", "destroy"];

if (require.main === module) {
  const [mode, ...argv] = process.argv.slice(2);
  if (!MODES.includes(mode as UpMode)) {
    process.stderr.write(`tools/up.ts: first argument must be one of ${MODES.join(", ")}\n`);
    process.exitCode = 2;
  } else {
    upMain(mode as UpMode, argv, {
      run: spawnRunner,
      env: process.env,
      projectDir: path.resolve(__dirname, ".."),
      out: process,
      pingEngine,
    }).then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        process.stderr.write(
          `${mode}: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        process.exitCode = 1;
      },
    );
  }
}

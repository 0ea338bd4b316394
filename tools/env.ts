/**
 * `npm run env -- <verb>`: status, sync, run, output, shell on a stack's environment (see
 * `npm run env -- --help`). Every rule lives in workspace/; this file only wires the real
 * process in.
 */
import * as path from "path";
import { envMain } from "../workspace/env";
import { spawnRunner } from "../workspace/process";

if (require.main === module) {
  envMain(process.argv.slice(2), {
    run: spawnRunner,
    env: process.env,
    projectDir: path.resolve(__dirname, ".."),
    out: process,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`env: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

/**
 * `npm run env -- <verb>`: status, sync, run, output, shell on a stack's environment (see
 * `npm run env -- --help`). Every rule lives in workspace/; this file only wires the real
 * process in.
 */
import * as fs from "fs";
import { envMain } from "./workspace/env";
import { CliError, spawnRunner } from "./workspace/process";
import { findProjectDir } from "./workspace/pulumi";

if (require.main === module) {
  Promise.resolve()
    .then(() =>
      envMain(process.argv.slice(2), {
        run: spawnRunner,
        env: process.env,
        projectDir: findProjectDir(process.cwd(), fs.existsSync),
        out: process,
      }),
    )
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        // One line, never a stack trace: what went wrong is in the message.
        process.stderr.write(`env: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = error instanceof CliError ? error.exitCode : 1;
      },
    );
}

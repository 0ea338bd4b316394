/**
 * `npm run up`, `npm run preview`, `npm run down`: Pulumi on the stack (default dev), created when
 * absent, on PULUMI_BACKEND_URL or the project's own file backend. Every rule lives in
 * workspace/up.ts and workspace/pulumi.ts; this file only wires the real process in.
 *
 *   npm run up -- [--stack <name>] [pulumi flags...]
 */
import * as fs from "fs";
import { UpMode } from "./workspace/args";
import { pingEngine } from "./workspace/engine";
import { CliError, spawnRunner } from "./workspace/process";
import { findProjectDir } from "./workspace/pulumi";
import { upMain } from "./workspace/up";

const MODES: Record<string, UpMode> = { up: "up", preview: "preview", destroy: "destroy" };

async function main(argv: string[]): Promise<number> {
  const [modeName, ...rest] = argv;
  const mode = MODES[modeName];
  if (mode === undefined) {
    throw new CliError(`the first argument must be one of ${Object.keys(MODES).join(", ")}`, 2);
  }
  return upMain(mode, rest, {
    run: spawnRunner,
    env: process.env,
    projectDir: findProjectDir(process.cwd(), fs.existsSync),
    out: process,
    pingEngine,
  });
}

if (require.main === module) {
  const name = process.argv[2] === "destroy" ? "down" : (process.argv[2] ?? "up");
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // One line, never a stack trace: what went wrong is in the message.
      process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = error instanceof CliError ? error.exitCode : 1;
    },
  );
}

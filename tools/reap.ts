/**
 * Destroys expired developer stacks and removes them from the backend.
 *
 *   npm run reap -- [--dry-run] [--now <iso>] [--grace 1h] [--dir <path>]
 *
 * Every rule lives in lifecycle/reaper.ts; this file only adapts the Automation API's LocalWorkspace
 * (the Pulumi CLI, on the backend that PULUMI_BACKEND_URL or `pulumi login` selects) to the
 * reaper's ReapWorkspace.
 */

import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { reapMain, type ReapWorkspace } from "../lifecycle/reaper";
import { NO_PULUMI, findExecutable } from "../workspace/process";

/** The reaper's view of the Pulumi project in `dir` (default: the current directory). */
export async function openLocalWorkspace(dir: string | undefined): Promise<ReapWorkspace> {
  const workspace = await LocalWorkspace.create({ workDir: dir ?? process.cwd() });
  return {
    listStacks: async () => (await workspace.listStacks()).map((summary) => summary.name),
    getAllConfig: (stack) => workspace.getAllConfig(stack),
    destroy: async (stack) => {
      const selected = await Stack.select(stack, workspace);
      // Streamed so that a CI log shows the destroy as it happens.
      await selected.destroy({
        onOutput: (text) => process.stdout.write(text),
        onError: (text) => process.stderr.write(text),
      });
    },
    removeStack: (stack) => workspace.removeStack(stack),
  };
}

if (require.main === module) {
  // Checked first: the Automation API would otherwise fail with `spawn pulumi ENOENT`.
  if (findExecutable("pulumi", process.env) === undefined) {
    process.stderr.write(`reap: ${NO_PULUMI}\n`);
    process.exitCode = 1;
  } else {
    reapMain(process.argv.slice(2), openLocalWorkspace, process).then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        process.stderr.write(`reap: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      },
    );
  }
}

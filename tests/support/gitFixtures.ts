/** Temporary file trees and the real git, for the tests that compare the manifest with git. */
import * as childProcess from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

// Git must see only its defaults (core.quotePath=true above all), whatever the machine's config.
export const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: os.devNull, GIT_CONFIG_NOSYSTEM: "1" };

export function git(cwd: string, args: readonly string[], input?: Buffer): Buffer {
  const result = childProcess.spawnSync("git", args, { cwd, env: GIT_ENV, input });
  if (result.status !== 0) {
    throw new Error(`git ${args.join(" ")} failed: ${result.stderr.toString()}`);
  }
  return result.stdout;
}

/** Path → content, an executable file, or a symlink. */
export type Fixture = Record<
  string,
  string | { content: string; mode: number } | { symlinkTo: string }
>;

/**
 * Writes the files (creating parent directories) into a fresh temporary directory; with `mtime`,
 * every file and symlink is dated then.
 */
export function makeTree(files: Fixture, options: { prefix?: string; mtime?: Date } = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), options.prefix ?? "manifest-test-"));
  for (const [relative, spec] of Object.entries(files)) {
    const file = path.join(root, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (typeof spec === "string") {
      fs.writeFileSync(file, spec, { mode: 0o644 });
    } else if ("symlinkTo" in spec) {
      fs.symlinkSync(spec.symlinkTo, file);
    } else {
      fs.writeFileSync(file, spec.content);
      // chmod, because the mode given to writeFileSync is filtered by the umask.
      fs.chmodSync(file, spec.mode);
    }
    if (options.mtime) {
      fs.lutimesSync(file, options.mtime, options.mtime);
    }
  }
  return root;
}

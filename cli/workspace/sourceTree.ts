/**
 * The tag `output --push` pushes under: the git tree id of the source as `sync` copies it (the
 * tracked and untracked files git does not ignore, as they are in the work tree now, committed or
 * not). Two checkouts with the same files give the same id, whatever their commits or dirtiness,
 * and a change to any synced file changes it.
 *
 * Computed without touching the repository: a copy of its index in a temporary directory
 * (GIT_INDEX_FILE, so the stat cache of the real index still spares rehashing unchanged files),
 * `git add -A -- .` of the directory into it and `git write-tree`, with new objects written to a
 * temporary object directory (GIT_OBJECT_DIRECTORY, the repository's own objects read through
 * GIT_ALTERNATE_OBJECT_DIRECTORIES), all removed afterwards. For a subdirectory of a checkout the
 * id is that subdirectory's tree (`write-tree --prefix`). `.dockerignore` and `sync --exclude`
 * are not applied: the id names the source, not one sync of it.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CliError, firstLine } from "./process";

function git(dir: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync("git", args, {
    cwd: dir,
    env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 1 << 26,
  }).trim();
}

function gitFailure(error: unknown): string {
  const stderr = (error as { stderr?: string | Buffer }).stderr;
  return firstLine(String(stderr ?? "")) || (error as Error).message.split("\n")[0];
}

/**
 * The tree id (40 hex digits, 64 in a SHA-256 repository) of `dir` as described above.
 *
 * @param dir an existing directory inside a git work tree.
 * @throws CliError (exit 2) when `dir` is not in a git work tree or holds nothing git would
 *   add, naming `--tag` as the way out; (exit 1) when git fails.
 */
export function sourceTreeId(dir: string): string {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new CliError(`output --push: --source ${dir} is not a directory`, 2);
  }
  let prefix: string;
  let index: string;
  let objects: string;
  try {
    if (git(dir, ["rev-parse", "--is-inside-work-tree"]) !== "true") throw new Error("bare");
    prefix = git(dir, ["rev-parse", "--show-prefix"]);
    index = path.resolve(dir, git(dir, ["rev-parse", "--git-path", "index"]));
    objects = path.resolve(dir, git(dir, ["rev-parse", "--git-path", "objects"]));
  } catch {
    throw new CliError(
      `output --push: ${dir} is not in a git work tree, so it has no source tree id to tag the output with; give the tag with --tag <tag>`,
      2,
    );
  }
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-tree-"));
  try {
    const tempIndex = path.join(temp, "index");
    if (fs.existsSync(index)) {
      fs.copyFileSync(index, tempIndex);
    }
    const tempObjects = path.join(temp, "objects");
    fs.mkdirSync(tempObjects);
    const alternates = [objects, process.env.GIT_ALTERNATE_OBJECT_DIRECTORIES]
      .filter((d) => d)
      .join(path.delimiter);
    const env = {
      ...process.env,
      GIT_INDEX_FILE: tempIndex,
      GIT_OBJECT_DIRECTORY: tempObjects,
      GIT_ALTERNATE_OBJECT_DIRECTORIES: alternates,
    };
    try {
      git(dir, ["add", "-A", "--", "."], env);
    } catch (error) {
      throw new CliError(
        `output --push: cannot read the source tree of ${dir}: git add failed (${gitFailure(error)})`,
      );
    }
    try {
      return git(dir, ["write-tree", ...(prefix === "" ? [] : [`--prefix=${prefix}`])], env);
    } catch (error) {
      if (prefix !== "") {
        // write-tree finds no subtree for a directory git holds nothing of.
        throw new CliError(
          `output --push: ${dir} holds no file git would sync, so it has no source tree id; give the tag with --tag <tag>`,
          2,
        );
      }
      throw new CliError(
        `output --push: cannot read the source tree of ${dir}: git write-tree failed (${gitFailure(error)})`,
      );
    }
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

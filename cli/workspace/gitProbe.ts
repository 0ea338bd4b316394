/**
 * git's two answers a sync needs, from one process: the checkout's listing (`git ls-files
 * --cached --others --exclude-standard`) and what changed since the sync index (`git diff-files`
 * against it), run side by side by one `sh`. Each process node starts costs it some 5 ms of
 * fork, which a one-file edit of a large tree feels.
 */
import { execFile, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

/**
 * Settings that make `diff-files` compare every stat field whatever the user's config says
 * (core.checkStat, core.trustctime, core.filemode), read symlinks as links, and ask no fsmonitor
 * hook (git-config(1) "core.*").
 */
const DIFF_SETTINGS = [
  "core.checkStat=default",
  "core.trustctime=true",
  "core.filemode=true",
  "core.symlinks=true",
  "core.fsmonitor=false",
  "core.preloadIndex=true",
].flatMap((setting) => ["-c", setting]);

/**
 * $1 the index ("" for none), $2 the private git directory, $3 the work tree, then the settings.
 * diff-files writes to fd 3 and runs beside ls-files; the exit status is 1 when the listing
 * failed (not a work tree) plus 2 when diff-files did. The user's GIT_* variables are unset for
 * diff-files only (`unset` is given their names), so its index and repository are the sync's.
 */
function script(unset: readonly string[]): string {
  return [
    "index=$1 gitdir=$2 worktree=$3; shift 3; d=0",
    'if [ -n "$index" ]; then',
    `  (${unset.length ? `unset ${unset.join(" ")}; ` : ""}GIT_INDEX_FILE=$index GIT_DIR=$gitdir GIT_WORK_TREE=$worktree exec git "$@" diff-files -z --name-only) >&3 2>/dev/null &`,
    "  p=$!",
    "fi",
    "git ls-files -z --cached --others --exclude-standard -- . 2>/dev/null; l=$?",
    'if [ -n "$index" ]; then wait "$p" || d=2; fi',
    '[ "$l" -eq 0 ] || l=1',
    "exit $((l + d))",
  ].join("\n");
}

/** The environment without the user's GIT_* variables, for git on the sync's own repository. */
function withoutGitVariables(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("GIT_")));
}

/** `git ls-files` of the checkout by itself; undefined outside a work tree (or without git). */
function gitListing(dir: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      "git",
      ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
      { cwd: dir, encoding: "utf8", maxBuffer: 1 << 30 },
      (error, stdout) => resolve(error ? undefined : stdout),
    );
  });
}

export interface GitProbe {
  /** git's listing of the checkout, NUL-separated; undefined outside a work tree (or without git). */
  listing: string | undefined;
  /** The paths diff-files reported against the index; undefined without one, or when it failed. */
  changed: Set<string> | undefined;
}

/**
 * Lists the checkout `dir` and, given the sync index, what changed since it, through `gitDir`,
 * a private empty repository (made on first use) so that the checkout's own is never read.
 */
export function probeCheckout(
  dir: string,
  index?: { file: string; gitDir: string },
): Promise<GitProbe> {
  if (index !== undefined) {
    // sh runs in the checkout: relative paths would be taken from there.
    index = { file: path.resolve(index.file), gitDir: path.resolve(index.gitDir) };
  }
  if (index !== undefined && !fs.existsSync(path.join(index.gitDir, "HEAD"))) {
    try {
      // SHA-1 whatever the user's init.defaultObjectFormat or GIT_DEFAULT_HASH: the index's
      // object names are git blob ids as the manifest has them.
      execFileSync("git", ["init", "--bare", "-q", "--object-format=sha1", index.gitDir], {
        stdio: "ignore",
        env: withoutGitVariables(),
      });
    } catch {
      index = undefined;
    }
  }
  const unset = Object.keys(process.env).filter((key) => /^GIT_[A-Z0-9_]+$/.test(key));
  const args = ["-c", script(unset), "sh", index?.file ?? "", index?.gitDir ?? "", dir];
  return new Promise((resolve) => {
    const child = spawn("sh", [...args, ...DIFF_SETTINGS], {
      cwd: dir,
      stdio: ["ignore", "pipe", "ignore", "pipe"],
    });
    const listing: Buffer[] = [];
    const changed: Buffer[] = [];
    child.stdout!.on("data", (chunk: Buffer) => listing.push(chunk));
    (child.stdio[3] as NodeJS.ReadableStream).on("data", (chunk: Buffer) => changed.push(chunk));
    // No `sh` (a Windows machine without Git's shell on PATH): git's listing alone, so what is
    // synced is still what git does not ignore; without diff-files every path is looked at.
    child.on("error", () =>
      resolve(gitListing(dir).then((listing) => ({ listing, changed: undefined }))),
    );
    child.on("close", (code) => {
      const status = code ?? 3;
      resolve({
        listing: status & 1 ? undefined : Buffer.concat(listing).toString("utf8"),
        changed:
          index === undefined || status & 2
            ? undefined
            : new Set(
                Buffer.concat(changed)
                  .toString("utf8")
                  .split("\0")
                  .filter((p) => p !== ""),
              ),
      });
    });
  });
}

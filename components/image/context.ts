/**
 * The staged build context: a copy of exactly the manifest's files with normalised modes and
 * mtimes, which is what docker-build builds from. It makes the content tag the only thing that
 * decides a rebuild. pulumi-docker-build's Diff re-hashes the whole build context on every
 * preview and up, with each file's permission bits (pulumi/pulumi-docker-build v0.0.22
 * `provider/internal/context.go:192-193`, `hashFile` writes the path and `fileMode.String()`;
 * `image.go:1026-1036` turns a different hash into an update, which rebuilds and pushes under the
 * same tag; upstream issue #222). A checkout made with umask 002 (group-writable files) and one
 * made with umask 022 hash differently although git, and so the manifest, sees the same commit;
 * files in the context that are not inputs (editor backups, build leftovers) change the hash too.
 * The staged copy holds only manifest entries, each 0644 or 0755 (the manifest's own mode, from
 * the owner-executable bit as git records it), every file and directory with the same fixed
 * mtime, so the provider's hash and the image layers depend on the manifest alone. And since the
 * build sees nothing else, the manifest is complete by construction.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ManifestEntry, gitBlobHash } from "./manifest";

/**
 * Where staged contexts live, relative to the project directory. Beside the manifest's stat
 * cache; never an input (config refuses inputs that would cover it).
 */
export const STAGE_ROOT = "node_modules/.cache/buildenv/image-context";

/** Bumped whenever the layout or the normalisation of a staged context changes. */
export const STAGE_VERSION = 1;

/** The mtime of every staged file and directory: any fixed instant will do. */
export const STAGED_MTIME = new Date("2000-01-01T00:00:00Z");

/** The build context and Dockerfile, relative to the project directory (`buildenv:buildImage`). */
export interface ContextPaths {
  context: string;
  dockerfile: string;
}

/** The paths docker-build is given, POSIX, relative to the project directory. */
export interface StagedContext {
  /** The staged copy of the whole manifest: `<STAGE_ROOT>/v<version>-<tag>`. */
  directory: string;
  /** The build context inside it. */
  context: string;
  /** The Dockerfile inside it. */
  dockerfile: string;
}

/**
 * Where the context of an image with this tag is staged. The same strings on every machine and
 * in every checkout (they are provider inputs, compared as strings by the provider's Diff,
 * `image.go:955` and `:961-964`), and they change exactly when the tag does.
 */
export function stagedContextPaths(config: ContextPaths, tag: string): StagedContext {
  const directory = `${STAGE_ROOT}/v${STAGE_VERSION}-${tag}`;
  return {
    directory,
    context: path.posix.join(directory, config.context),
    dockerfile: path.posix.join(directory, config.dockerfile),
  };
}

/**
 * Copies the manifest entries from `root` into the staged directory for `tag` (unless a complete
 * one is already there: it is written to a temporary directory and renamed into place, so one
 * that exists is whole) and returns its paths.
 *
 * @param root the project directory the entries' paths are relative to.
 * @param entries the manifest entries the tag was computed from.
 * @param config the context and Dockerfile, relative to the project directory.
 * @param tag the content tag of those entries.
 * @throws Error when a file no longer has the content the manifest recorded (it changed since
 *   the tag was computed: run again), or cannot be read.
 */
export function stageBuildContext(
  root: string,
  entries: readonly ManifestEntry[],
  config: ContextPaths,
  tag: string,
): StagedContext {
  const staged = stagedContextPaths(config, tag);
  const final = path.join(root, staged.directory);
  if (fs.existsSync(final)) {
    return staged;
  }
  fs.mkdirSync(path.dirname(final), { recursive: true });
  const temp = `${final}.tmp-${process.pid}-${crypto.randomBytes(6).toString("hex")}`;
  try {
    writeStagedTree(root, temp, entries, config);
    try {
      fs.renameSync(temp, final);
    } catch (error) {
      // Another run staged the same tag meanwhile: its copy is the same, keep it.
      if (!fs.existsSync(final)) {
        throw error;
      }
    }
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
  return staged;
}

function writeStagedTree(
  root: string,
  target: string,
  entries: readonly ManifestEntry[],
  config: ContextPaths,
): void {
  const directories = new Set<string>([target, path.join(target, config.context)]);
  for (const entry of entries) {
    const source = path.join(root, entry.path);
    const destination = path.join(target, entry.path);
    for (let dir = path.dirname(destination); dir.startsWith(target); dir = path.dirname(dir)) {
      directories.add(dir);
    }
    fs.mkdirSync(path.dirname(destination), { recursive: true });
    if (entry.mode === "120000") {
      const link = fs.readlinkSync(source, "buffer");
      assertUnchanged(entry, link);
      fs.symlinkSync(link, destination);
      // Linux ignores a symlink's own permission bits (always 0777); macOS keeps the umask's,
      // which the provider's hash would include.
      const lchmod = (fs as { lchmodSync?: (p: string, m: number) => void }).lchmodSync;
      lchmod?.(destination, 0o777);
      fs.lutimesSync(destination, STAGED_MTIME, STAGED_MTIME);
    } else {
      const content = fs.readFileSync(source);
      assertUnchanged(entry, content);
      fs.writeFileSync(destination, content);
      // chmod, unlike the mode given to open, is not filtered by the umask.
      fs.chmodSync(destination, entry.mode === "100755" ? 0o755 : 0o644);
      fs.utimesSync(destination, STAGED_MTIME, STAGED_MTIME);
    }
  }
  for (const dir of directories) {
    fs.mkdirSync(dir, { recursive: true });
  }
  // Deepest first: creating an entry in a directory moves that directory's mtime.
  for (const dir of [...directories].sort((a, b) => b.length - a.length)) {
    fs.chmodSync(dir, 0o755);
    fs.utimesSync(dir, STAGED_MTIME, STAGED_MTIME);
  }
}

function assertUnchanged(entry: ManifestEntry, content: Buffer): void {
  if (gitBlobHash(content) !== entry.sha1) {
    throw new Error(
      `build image input "${entry.path}" changed while its build context was staged; run again`,
    );
  }
}

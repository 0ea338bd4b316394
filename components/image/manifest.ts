/**
 * The content manifest of the build image, and the image tag derived from it (the approach eksctl
 * uses for its build image): the tag is the git blob hash of a text that lists every input file
 * exactly as `git ls-tree -r --full-tree HEAD -- <inputs>` prints it, followed by the build
 * arguments. Anyone can recompute the tag of a clean checkout with git alone
 * (`git ls-tree ... | git hash-object --stdin`, plus the build-arg lines), while this module needs
 * no git at all, so it also works on exported source trees and uncommitted edits.
 */

import * as fs from "fs";
import * as path from "path";
import { compareUtf8, gitBlobHash, hashOpenFile, quotePath, type ManifestEntry } from "./gitFormat";
import { StatCache } from "./statCache";

export { compareUtf8, gitBlobHash, quotePath, type ManifestEntry } from "./gitFormat";
export { STAT_CACHE_VERSION, type StatCacheEntry, type StatCacheFile } from "./statCache";

/** The manifest text, its tag and the file entries it lists. */
export interface ImageTag {
  manifest: string;
  tag: string;
  entries: ManifestEntry[];
}

/**
 * The platform an image is built for unless configured: what a VCH (x86_64) and most engines
 * pull. The manifest names the platform only when it is another one, so the default manifest
 * stays exactly git's listing.
 */
export const DEFAULT_PLATFORM = "linux/amd64";

const BUILD_ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why a build argument name is unusable, or undefined when it is fine (`[A-Za-z_][A-Za-z0-9_]*`). */
export function validateBuildArgName(name: string): string | undefined {
  return BUILD_ARG_NAME.test(name)
    ? undefined
    : `build argument name "${name}" must match ${BUILD_ARG_NAME.source}`;
}

/**
 * Why a build argument value is unusable, or undefined when it is fine. A line break would let a
 * value forge further manifest lines, so two different argument sets could share one tag.
 */
export function validateBuildArgValue(value: string): string | undefined {
  return /[\n\r]/.test(value) ? "build argument value must not contain line breaks" : undefined;
}

/**
 * Lists the files under the given inputs exactly as `git ls-tree -r --full-tree HEAD -- <inputs>`
 * would for a clean checkout of `root` with everything committed, without needing git: modes
 * 100644 / 100755 (owner-executable bit, as git with core.fileMode) / 120000 (symlink, not
 * followed; its blob is the link target), git blob hashes, git's order (full paths sorted by UTF-8
 * bytes), overlapping inputs listed once, `.git` entries skipped (in any letter case, since git
 * refuses to store them), empty directories contributing nothing.
 *
 * @param root directory the inputs are relative to.
 * @param inputs files or directories relative to `root`, POSIX separators; `.` means all of it.
 *   A trailing slash only matches a directory, as in git.
 * @throws Error naming the input when it does not exist, is absolute, leaves `root`, goes through
 *   a symlink or into a `.git` directory; Error when there are no inputs or a file name is not
 *   valid UTF-8.
 */
export function listInputEntries(root: string, inputs: readonly string[]): ManifestEntry[] {
  return collectInputEntries(root, inputs, undefined);
}

function collectInputEntries(
  root: string,
  inputs: readonly string[],
  cacheFile: string | undefined,
): ManifestEntry[] {
  if (inputs.length === 0) {
    // Git would list the whole tree for no paths at all; an empty list is far likelier a mistake.
    throw new Error(`build image inputs must name at least one file or directory under ${root}`);
  }
  const rootDir = path.resolve(root);
  const resolved = outermostInputs(inputs.map((input) => resolveInput(root, rootDir, input)));
  // A cache inside the inputs would list itself (and its temporary file) as an input.
  const cache =
    cacheFile === undefined || isInsideInputs(path.resolve(cacheFile), rootDir, resolved)
      ? undefined
      : StatCache.load(path.resolve(cacheFile), rootDir);
  try {
    const entries: ManifestEntry[] = [];
    for (const input of resolved) {
      collectEntries(rootDir, input.relative, input.stats, entries, cache);
    }
    cache?.save();
    return sortAndDeduplicate(entries);
  } finally {
    cache?.discard();
  }
}

/**
 * The manifest text: one `<mode> blob <sha1>\t<path>` line per entry, the path quoted as git does
 * with core.quotePath=true (so the lines equal `git ls-tree` output byte for byte), then one
 * `build-arg <NAME>=<value>` line per build argument, sorted by name, then `platform <platform>`
 * unless the platform is DEFAULT_PLATFORM.
 *
 * @param entries in the order they should appear (listInputEntries already returns git's order).
 * @param buildArgs default none; names and values must pass validateBuildArgName/Value.
 * @param platform default DEFAULT_PLATFORM; `<os>/<arch>`.
 * @throws Error for an invalid build argument name or value, or a platform that is not `<os>/<arch>`.
 */
export function formatManifest(
  entries: readonly ManifestEntry[],
  buildArgs: Readonly<Record<string, string>> = {},
  platform: string = DEFAULT_PLATFORM,
): string {
  const lines = entries.map(
    (entry) => `${entry.mode} blob ${entry.sha1}\t${quotePath(entry.path)}\n`,
  );
  for (const name of Object.keys(buildArgs).sort(compareUtf8)) {
    const value = buildArgs[name];
    const problem = validateBuildArgName(name) ?? validateBuildArgValue(value);
    if (problem !== undefined) {
      throw new Error(`${problem} (build argument "${name}")`);
    }
    lines.push(`build-arg ${name}=${value}\n`);
  }
  if (platform !== DEFAULT_PLATFORM) {
    if (!/^[a-z0-9]+\/[a-z0-9]+$/.test(platform)) {
      throw new Error(`platform "${platform}" is not <os>/<arch>`);
    }
    lines.push(`platform ${platform}\n`);
  }
  return lines.join("");
}

/** How computeImageTag may avoid work; none of it changes the result. */
export interface ImageTagOptions {
  /**
   * File to keep a stat cache in between runs, as git keeps its index: a file whose lstat (size,
   * mtime, ctime, inode, mode) is unchanged since it was hashed is not read again. Default: none,
   * every file is read. A relative path is relative to the working directory. A missing,
   * corrupted, outdated or foreign cache is ignored and rewritten, one that cannot be written is
   * simply not written, and one that would lie inside the inputs is not used at all.
   */
  cacheFile?: string;
}

/**
 * The manifest of the inputs and build arguments, and the image tag: the git blob hash of the
 * manifest (what `git hash-object` prints for a file holding it).
 *
 * @param root directory the inputs are relative to.
 * @param inputs files or directories relative to `root` (see listInputEntries).
 * @param buildArgs default none (see formatManifest).
 * @param options default none: no cache.
 * @param platform default DEFAULT_PLATFORM (see formatManifest).
 */
export function computeImageTag(
  root: string,
  inputs: readonly string[],
  buildArgs: Readonly<Record<string, string>> = {},
  options: ImageTagOptions = {},
  platform: string = DEFAULT_PLATFORM,
): ImageTag {
  const entries = collectInputEntries(root, inputs, options.cacheFile);
  const manifest = formatManifest(entries, buildArgs, platform);
  return { manifest, tag: gitBlobHash(manifest), entries };
}
interface ResolvedInput {
  /** Normalised POSIX path relative to the root, "" for the root itself. */
  relative: string;
  stats: fs.Stats;
}

function resolveInput(root: string, rootDir: string, input: string): ResolvedInput {
  const outside = new Error(`build image input "${input}" must be a relative path inside ${root}`);
  const missing = new Error(`build image input "${input}" does not exist under ${root}`);
  if (input === "" || path.posix.isAbsolute(input) || path.win32.isAbsolute(input)) {
    throw outside;
  }
  const normalized = path.posix.normalize(input);
  if (normalized === ".." || normalized.startsWith("../")) {
    throw outside;
  }
  const relative = normalized.replace(/\/+$/, "").replace(/^\.$/, "");
  const components = relative === "" ? [] : relative.split("/");
  if (components.some(isDotGit)) {
    throw new Error(
      `build image input "${input}" is inside a .git directory, which git never lists`,
    );
  }
  // The root itself may well be reached through a symlink (/tmp on macOS); only what lies
  // below it has to be something git would store.
  let stats = fs.statSync(rootDir, { throwIfNoEntry: false });
  for (let i = 0; i < components.length && stats !== undefined; i++) {
    if (stats.isSymbolicLink()) {
      // Git stores the link itself and never what lies behind it.
      const link = components.slice(0, i).join("/");
      throw new Error(
        `build image input "${input}" goes through the symlink "${link}" under ${root}; git does not follow symlinks`,
      );
    }
    if (!stats.isDirectory()) {
      throw missing;
    }
    stats = fs.lstatSync(path.join(rootDir, ...components.slice(0, i + 1)), {
      throwIfNoEntry: false,
    });
  }
  // As in git, "dir/" names a directory only.
  const wantsDirectory = /\/\.?$/.test(input);
  if (stats === undefined || (wantsDirectory && !stats.isDirectory())) {
    throw missing;
  }
  return { relative, stats };
}

function isDotGit(name: string): boolean {
  return name.length === 4 && name.toLowerCase() === ".git";
}

/** Drops inputs that another input already covers (equal to it or inside it). */
function outermostInputs(inputs: readonly ResolvedInput[]): ResolvedInput[] {
  const sorted = [...inputs].sort((a, b) => compareUtf8(a.relative, b.relative));
  const kept: ResolvedInput[] = [];
  for (const input of sorted) {
    const covered = kept.some(
      (outer) =>
        outer.relative === "" ||
        input.relative === outer.relative ||
        input.relative.startsWith(outer.relative + "/"),
    );
    if (!covered) {
      kept.push(input);
    }
  }
  return kept;
}

function collectEntries(
  rootDir: string,
  relative: string,
  stats: fs.Stats,
  entries: ManifestEntry[],
  cache: StatCache | undefined,
): void {
  const absolute = relative === "" ? rootDir : path.join(rootDir, relative);
  if (stats.isSymbolicLink()) {
    entries.push(symlinkEntry(absolute, relative, cache));
  } else if (stats.isFile()) {
    entries.push(fileEntry(absolute, relative, cache));
  } else if (stats.isDirectory()) {
    collectDirectory(rootDir, absolute, relative, entries, cache);
  }
  // Sockets, FIFOs and devices cannot be committed, so git would list nothing for them.
}

function collectDirectory(
  rootDir: string,
  absolute: string,
  relative: string,
  entries: ManifestEntry[],
  cache: StatCache | undefined,
): void {
  const prefix = relative === "" ? "" : relative + "/";
  for (const dirent of fs.readdirSync(absolute, { withFileTypes: true })) {
    const name = dirent.name;
    if (isDotGit(name)) {
      continue;
    }
    if (name.includes("\uFFFD")) {
      assertUtf8Name(absolute, name);
    }
    const childRelative = prefix + name;
    const childAbsolute = absolute + path.sep + name;
    if (dirent.isFile()) {
      entries.push(fileEntry(childAbsolute, childRelative, cache));
    } else if (dirent.isDirectory()) {
      collectDirectory(rootDir, childAbsolute, childRelative, entries, cache);
    } else if (dirent.isSymbolicLink()) {
      entries.push(symlinkEntry(childAbsolute, childRelative, cache));
    }
  }
}

function fileEntry(
  absolute: string,
  relative: string,
  cache: StatCache | undefined,
): ManifestEntry {
  const cached = cache?.lookup(absolute, relative);
  if (cached !== undefined) {
    return cached;
  }
  cache?.beforeHashing();
  // One open for both the mode and the content, so they describe the same file; the stats are
  // taken before the content is read, so a change while reading shows in the next lstat.
  const fd = fs.openSync(absolute, "r");
  try {
    const stats = fs.fstatSync(fd);
    const entry: ManifestEntry = {
      mode: (stats.mode & 0o100) !== 0 ? "100755" : "100644",
      sha1: hashOpenFile(fd, stats.size),
      path: relative,
    };
    cache?.remember(relative, stats, entry.sha1);
    return entry;
  } finally {
    fs.closeSync(fd);
  }
}

function symlinkEntry(
  absolute: string,
  relative: string,
  cache: StatCache | undefined,
): ManifestEntry {
  const cached = cache?.lookup(absolute, relative);
  if (cached !== undefined) {
    return cached;
  }
  cache?.beforeHashing();
  // A link cannot be rewritten in place, only replaced (a new inode and ctime), so stats taken
  // before reading it describe this target or an older link.
  const stats = cache === undefined ? undefined : fs.lstatSync(absolute);
  const sha1 = gitBlobHash(fs.readlinkSync(absolute, "buffer"));
  if (stats?.isSymbolicLink()) {
    cache?.remember(relative, stats, sha1);
  }
  return { mode: "120000", sha1, path: relative };
}
/**
 * Node decodes file names as UTF-8 and replaces invalid bytes with U+FFFD, which would hash
 * and quote a different path than git's. A real U+FFFD in a name is fine.
 */
function assertUtf8Name(directory: string, name: string): void {
  const encoded = Buffer.from(name, "utf8");
  const invalid = fs
    .readdirSync(directory, { encoding: "buffer" })
    .some((raw) => raw.toString("utf8") === name && !raw.equals(encoded));
  if (invalid) {
    throw new Error(`file name "${name}" in ${directory} is not valid UTF-8`);
  }
}

function sortAndDeduplicate(entries: ManifestEntry[]): ManifestEntry[] {
  entries.sort((a, b) => compareUtf8(a.path, b.path));
  return entries.filter((entry, i) => i === 0 || entry.path !== entries[i - 1].path);
}

function isInsideInputs(file: string, rootDir: string, inputs: readonly ResolvedInput[]): boolean {
  return inputs.some((input) => {
    const fromInput = path.relative(path.join(rootDir, input.relative), file);
    return (
      !fromInput.startsWith(`..${path.sep}`) && fromInput !== ".." && !path.isAbsolute(fromInput)
    );
  });
}

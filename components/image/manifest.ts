/**
 * The content manifest of the build image, and the image tag derived from it (the approach eksctl
 * uses for its build image): the tag is the git blob hash of a text that lists every input file
 * exactly as `git ls-tree -r --full-tree HEAD -- <inputs>` prints it, followed by the build
 * arguments. Anyone can recompute the tag of a clean checkout with git alone
 * (`git ls-tree ... | git hash-object --stdin`, plus the build-arg lines), while this module needs
 * no git at all, so it also works on exported source trees and uncommitted edits.
 */

import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

/** One file of the manifest, as a line of `git ls-tree -r` describes it. */
export interface ManifestEntry {
  /** Regular file, executable file (owner-executable bit set) or symbolic link. */
  mode: "100644" | "100755" | "120000";
  /** Git blob hash of the content (of the link target text for a symlink). */
  sha1: string;
  /** Path relative to the root, POSIX separators, not quoted. */
  path: string;
}

/** The manifest text, its tag and the file entries it lists. */
export interface ImageTag {
  manifest: string;
  tag: string;
  entries: ManifestEntry[];
}

/**
 * The object name `git hash-object` prints for this content: sha1 of `blob <length>\0<content>`.
 * A string is hashed as its UTF-8 bytes.
 */
export function gitBlobHash(content: Buffer | string): string {
  const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  return crypto.createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
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

/**
 * Quotes a path the way git's quote_c_style does with core.quotePath=true: a path holding `"`,
 * `\`, a control character or any non-ASCII byte is wrapped in double quotes, with C escapes
 * for \a \b \t \n \v \f \r \" \\ and three-digit octal for every other such byte (each UTF-8 byte
 * of a non-ASCII character). Anything else, spaces included, is printed as is.
 */
export function quotePath(filePath: string): string {
  if (!needsQuoting(filePath)) {
    return filePath;
  }
  let quoted = '"';
  for (const byte of Buffer.from(filePath, "utf8")) {
    const escape = C_ESCAPES[byte];
    if (escape !== undefined) {
      quoted += escape;
    } else if (byte < 0x20 || byte >= 0x7f) {
      quoted += "\\" + byte.toString(8).padStart(3, "0");
    } else {
      quoted += String.fromCharCode(byte);
    }
  }
  return quoted + '"';
}

function needsQuoting(filePath: string): boolean {
  for (let i = 0; i < filePath.length; i++) {
    const code = filePath.charCodeAt(i);
    if (code < 0x20 || code >= 0x7f || code === 0x22 || code === 0x5c) {
      return true;
    }
  }
  return false;
}

const C_ESCAPES: Readonly<Record<number, string>> = {
  0x07: "\\a",
  0x08: "\\b",
  0x09: "\\t",
  0x0a: "\\n",
  0x0b: "\\v",
  0x0c: "\\f",
  0x0d: "\\r",
  0x22: '\\"',
  0x5c: "\\\\",
};

/**
 * Orders strings by their UTF-8 bytes, the order git keeps tree entries (and full paths) in,
 * without encoding them. UTF-16 order differs from UTF-8 (and code point) order only where a
 * surrogate meets a character from U+E000 to U+FFFF, so those are moved into the right order.
 */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      return codePointOrder(x) - codePointOrder(y);
    }
  }
  return a.length - b.length;
}

function codePointOrder(codeUnit: number): number {
  if (codeUnit >= 0xe000) {
    return codeUnit - 0x800;
  }
  return codeUnit >= 0xd800 ? codeUnit + 0x2000 : codeUnit;
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

/** Above this size a file is hashed in chunks rather than read into one buffer. */
const WHOLE_FILE_LIMIT = 64 * 1024 * 1024;

/**
 * Reused for every file up to its size, so that hashing thousands of small files allocates
 * nothing per file (garbage collection was a tenth of the time otherwise).
 */
let scratch = Buffer.allocUnsafe(64 * 1024);
const SCRATCH_LIMIT = 1024 * 1024;

/**
 * Hashes `size` bytes of an open file as a git blob. Like git, trusts the size from stat: bytes
 * appended meanwhile are not read, and a file truncated meanwhile is hashed as it is now.
 */
function hashOpenFile(fd: number, size: number): string {
  if (size > WHOLE_FILE_LIMIT) {
    return hashOpenFileInChunks(fd, size);
  }
  // Reading right behind the blob header makes the hash a single call over a single buffer.
  const header = `blob ${size}\0`;
  const length = header.length + size;
  if (length > scratch.length && length <= SCRATCH_LIMIT) {
    scratch = Buffer.allocUnsafe(Math.max(length, scratch.length * 2));
  }
  const buffer = length <= scratch.length ? scratch : Buffer.allocUnsafe(length);
  let end = buffer.write(header, "latin1");
  while (end < length) {
    const read = fs.readSync(fd, buffer, end, length - end, end - header.length);
    if (read === 0) {
      return gitBlobHash(buffer.subarray(header.length, end));
    }
    end += read;
  }
  return crypto.hash("sha1", buffer.subarray(0, length));
}

function hashOpenFileInChunks(fd: number, size: number): string {
  const hash = crypto.createHash("sha1").update(`blob ${size}\0`);
  const chunk = Buffer.allocUnsafe(1024 * 1024);
  let length = 0;
  while (length < size) {
    const read = fs.readSync(fd, chunk, 0, Math.min(chunk.length, size - length), length);
    if (read === 0) {
      // The header already promised `size` bytes: start over with the length there is now.
      return hashOpenFile(fd, length);
    }
    hash.update(chunk.subarray(0, read));
    length += read;
  }
  return hash.digest("hex");
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

/** Bumped whenever the layout of StatCacheFile or the meaning of a field changes. */
export const STAT_CACHE_VERSION = 1;

/**
 * The stat cache file, JSON. Like git's index it trusts that a file whose lstat is unchanged
 * still has the content it had when hashed, which holds because any later change gives the file
 * an mtime at or after that moment. A change in the same clock tick as the stats were taken
 * would keep the mtime, git's "racily clean" problem, so an entry whose mtime is not strictly
 * older than `racyFromMs` is hashed again. Like git, this trusts the wall clock not to be set back.
 *
 * Times are st_mtime and st_ctime in milliseconds as node reports them, doubles with about a
 * quarter of a microsecond of resolution: exact nanoseconds (BigInt stats) made a warm run a
 * third slower, and the coarser clock is as safe, since the racy check uses the same doubles.
 */
export interface StatCacheFile {
  /** STAT_CACHE_VERSION of the writer; any other version is ignored. */
  version: number;
  /** Absolute root the entries are relative to; a cache of another root is ignored. */
  root: string;
  /** The mtime the file system gave a file created before any entry of this cache was hashed. */
  racyFromMs: number;
  /** By path relative to the root (POSIX separators), the files and symlinks of the last run. */
  entries: Record<string, StatCacheEntry>;
}

/**
 * What lstat said about a file (or symlink) before it was read, and its git blob hash. A tuple
 * rather than an object because a warm run spends a fifth of its time parsing the cache, and
 * tuples parse in half the time of objects repeating six keys.
 */
export type StatCacheEntry = [
  size: number,
  mtimeMs: number,
  ctimeMs: number,
  ino: number,
  /** st_mode: file type and permission bits. */
  mode: number,
  sha1: string,
];

const SHA1_HEX = /^[0-9a-f]{40}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The stat cache of one run: reads the previous cache once, answers lookups from it, collects
 * the entries of this run and writes them back atomically when anything differs. Never throws
 * for the cache's sake: an unusable cache file counts as empty, a failed write is dropped.
 */
class StatCache {
  /** The entries of this run, hits and fresh hashes alike. */
  private readonly current = new Map<string, StatCacheEntry>();
  private hits = 0;
  private hashed = 0;
  /** Created before the first hash, so its mtime bounds the stats of every entry hashed after. */
  private temp: { file: string; fd: number; racyFromMs: number } | undefined;
  /** Set once creating the temporary file failed: this run writes nothing. */
  private unwritable = false;

  private constructor(
    private readonly file: string,
    private readonly rootDir: string,
    /** The previous entries, or undefined when the file was missing or unusable. */
    private readonly previous: Record<string, unknown> | undefined,
    private readonly previousCount: number,
    /** Entries with an mtime at or after this may have changed unseen after they were hashed. */
    private readonly racyFromMs: number,
  ) {}

  static load(file: string, rootDir: string): StatCache {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
      return new StatCache(file, rootDir, undefined, 0, -Infinity);
    }
    if (
      !isRecord(parsed) ||
      parsed.version !== STAT_CACHE_VERSION ||
      parsed.root !== rootDir ||
      typeof parsed.racyFromMs !== "number" ||
      !Number.isFinite(parsed.racyFromMs) ||
      !isRecord(parsed.entries)
    ) {
      return new StatCache(file, rootDir, undefined, 0, -Infinity);
    }
    const entries = parsed.entries;
    return new StatCache(file, rootDir, entries, Object.keys(entries).length, parsed.racyFromMs);
  }

  /**
   * The manifest entry of a file or symlink from the cache, when its lstat equals the cached one
   * and its mtime is older than the cache; undefined otherwise (then it has to be hashed). Reads
   * nothing but the lstat, and only for a path the cache holds.
   */
  lookup(absolute: string, relative: string): ManifestEntry | undefined {
    if (this.previous === undefined || !Object.hasOwn(this.previous, relative)) {
      return undefined;
    }
    const cached = this.previous[relative];
    const stats = fs.lstatSync(absolute, { throwIfNoEntry: false });
    if (
      stats === undefined ||
      !(stats.mtimeMs < this.racyFromMs) ||
      !Array.isArray(cached) ||
      cached.length !== 6 ||
      cached[0] !== stats.size ||
      cached[1] !== stats.mtimeMs ||
      cached[2] !== stats.ctimeMs ||
      cached[3] !== stats.ino ||
      cached[4] !== stats.mode ||
      typeof cached[5] !== "string" ||
      !SHA1_HEX.test(cached[5])
    ) {
      return undefined;
    }
    let mode: ManifestEntry["mode"];
    if (stats.isSymbolicLink()) {
      mode = "120000";
    } else if (stats.isFile()) {
      mode = (stats.mode & 0o100) !== 0 ? "100755" : "100644";
    } else {
      return undefined;
    }
    // Every element was just compared, so the parsed tuple can be written back as it is.
    this.current.set(relative, cached as StatCacheEntry);
    this.hits++;
    return { mode, sha1: cached[5], path: relative };
  }

  /**
   * To be called before a file is read: creates the temporary file the cache will be written to
   * and takes its mtime as the cache's racyFromMs. Taking the moment before any stats of this
   * run (rather than when writing, as git does) also covers a file changed between being hashed
   * and the cache being written, within one clock tick.
   */
  beforeHashing(): void {
    if (this.temp !== undefined || this.unwritable) {
      return;
    }
    const temp = `${this.file}.${process.pid}.${crypto.randomBytes(6).toString("hex")}.tmp`;
    let fd: number | undefined;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fd = fs.openSync(temp, "wx", 0o644);
      this.temp = { file: temp, fd, racyFromMs: fs.fstatSync(fd).mtimeMs };
    } catch {
      this.unwritable = true;
      if (fd !== undefined) {
        closeAndRemove(fd, temp);
      }
    }
  }

  /** Records the stats a file had before it was read, and the hash of what was read. */
  remember(relative: string, stats: fs.Stats, sha1: string): void {
    this.current.set(relative, entryFromStats(stats, sha1));
    this.hashed++;
  }

  /**
   * Writes this run's entries (and so drops those of files no longer listed) unless the file
   * already holds exactly them: atomically, through the temporary file and a rename.
   */
  save(): void {
    const unchanged =
      this.previous !== undefined && this.hashed === 0 && this.hits === this.previousCount;
    if (unchanged) {
      return;
    }
    // With nothing hashed, every entry is a hit older than the previous cache, so a later moment
    // is as safe as that one.
    this.beforeHashing();
    if (this.temp === undefined) {
      return;
    }
    const { file, fd, racyFromMs } = this.temp;
    this.temp = undefined;
    const content: StatCacheFile = {
      version: STAT_CACHE_VERSION,
      root: this.rootDir,
      racyFromMs,
      entries: Object.fromEntries(this.current),
    };
    try {
      fs.writeFileSync(fd, JSON.stringify(content));
      // Synced before the rename publishes it: a crash must not leave an empty cache file.
      fs.fsyncSync(fd);
      fs.closeSync(fd);
    } catch {
      closeAndRemove(fd, file);
      return;
    }
    try {
      fs.renameSync(file, this.file);
    } catch {
      removeQuietly(file);
    }
  }

  /** Removes the temporary file if it was not saved (the run failed). */
  discard(): void {
    if (this.temp !== undefined) {
      closeAndRemove(this.temp.fd, this.temp.file);
      this.temp = undefined;
    }
  }
}

function entryFromStats(stats: fs.Stats, sha1: string): StatCacheEntry {
  return [stats.size, stats.mtimeMs, stats.ctimeMs, stats.ino, stats.mode, sha1];
}

function closeAndRemove(fd: number, file: string): void {
  try {
    fs.closeSync(fd);
  } catch {
    // Already closed after a failed write; the file is removed all the same.
  }
  removeQuietly(file);
}

function removeQuietly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // A leftover temporary file is harmless: it is never read.
  }
}

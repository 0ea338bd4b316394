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
  if (inputs.length === 0) {
    // Git would list the whole tree for no paths at all; an empty list is far likelier a mistake.
    throw new Error(`build image inputs must name at least one file or directory under ${root}`);
  }
  const rootDir = path.resolve(root);
  const entries: ManifestEntry[] = [];
  for (const input of outermostInputs(inputs.map((input) => resolveInput(root, rootDir, input)))) {
    collectEntries(rootDir, input.relative, input.stats, entries);
  }
  return sortAndDeduplicate(entries);
}

/**
 * The manifest text: one `<mode> blob <sha1>\t<path>` line per entry, the path quoted as git does
 * with core.quotePath=true (so the lines equal `git ls-tree` output byte for byte), then one
 * `build-arg <NAME>=<value>` line per build argument, sorted by name.
 *
 * @param entries in the order they should appear (listInputEntries already returns git's order).
 * @param buildArgs default none; names and values must pass validateBuildArgName/Value.
 * @throws Error for an invalid build argument name or value.
 */
export function formatManifest(
  entries: readonly ManifestEntry[],
  buildArgs: Readonly<Record<string, string>> = {},
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
  return lines.join("");
}

/**
 * The manifest of the inputs and build arguments, and the image tag: the git blob hash of the
 * manifest (what `git hash-object` prints for a file holding it).
 *
 * @param root directory the inputs are relative to.
 * @param inputs files or directories relative to `root` (see listInputEntries).
 * @param buildArgs default none (see formatManifest).
 */
export function computeImageTag(
  root: string,
  inputs: readonly string[],
  buildArgs: Readonly<Record<string, string>> = {},
): ImageTag {
  const entries = listInputEntries(root, inputs);
  const manifest = formatManifest(entries, buildArgs);
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
): void {
  const absolute = relative === "" ? rootDir : path.join(rootDir, relative);
  if (stats.isSymbolicLink()) {
    entries.push({
      mode: "120000",
      sha1: gitBlobHash(fs.readlinkSync(absolute, "buffer")),
      path: relative,
    });
  } else if (stats.isFile()) {
    entries.push(fileEntry(absolute, relative));
  } else if (stats.isDirectory()) {
    collectDirectory(rootDir, absolute, relative, entries);
  }
  // Sockets, FIFOs and devices cannot be committed, so git would list nothing for them.
}

function collectDirectory(
  rootDir: string,
  absolute: string,
  relative: string,
  entries: ManifestEntry[],
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
      entries.push(fileEntry(childAbsolute, childRelative));
    } else if (dirent.isDirectory()) {
      collectDirectory(rootDir, childAbsolute, childRelative, entries);
    } else if (dirent.isSymbolicLink()) {
      const target = fs.readlinkSync(childAbsolute, "buffer");
      entries.push({ mode: "120000", sha1: gitBlobHash(target), path: childRelative });
    }
  }
}

function fileEntry(absolute: string, relative: string): ManifestEntry {
  // One open for both the mode and the content, so they describe the same file.
  const fd = fs.openSync(absolute, "r");
  try {
    const stats = fs.fstatSync(fd);
    const executable = (stats.mode & 0o100) !== 0;
    return {
      mode: executable ? "100755" : "100644",
      sha1: hashOpenFile(fd, stats.size),
      path: relative,
    };
  } finally {
    fs.closeSync(fd);
  }
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

/**
 * What git itself defines and the manifest reuses: the blob object name, git's path quoting and
 * its path order, and hashing an open file as a blob. Kept apart from the manifest so that
 * anything comparing trees the way git does (the source sync's volume manifest too) shares them.
 */

import * as crypto from "crypto";
import * as fs from "fs";

/** One file of the manifest, as a line of `git ls-tree -r` describes it. */
export interface ManifestEntry {
  /** Regular file, executable file (owner-executable bit set) or symbolic link. */
  mode: "100644" | "100755" | "120000";
  /** Git blob hash of the content (of the link target text for a symlink). */
  sha1: string;
  /** Path relative to the root, POSIX separators, not quoted. */
  path: string;
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
export function hashOpenFile(fd: number, size: number): string {
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

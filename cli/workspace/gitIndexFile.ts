/**
 * The git index file (version 2) as the sync index writes and reads it: only what git needs to
 * compare a work tree with it (no extensions, stage 0, no split or sparse index), laid out as
 * Documentation/gitformat-index.adoc describes it at git/git 1a3e64c ("Index entry": ten 32-bit
 * stat fields, the object name, 16-bit flags with the name's length, the name, 1-8 NULs to a
 * multiple of eight bytes; the SHA-1 of everything before it as the last 20 bytes).
 */
import { createHash } from "crypto";
import * as fs from "fs";
import { compareUtf8 } from "../../components/image/gitFormat";

/** One entry as the index holds it (gitformat-index.adoc "Index entry", git/git 1a3e64c). */
export interface IndexEntry {
  /** Relative to the checkout, `/`-separated. */
  path: string;
  /** 0o100644, 0o100755 or 0o120000. */
  mode: number;
  sha1: string;
  ctimeSec: number;
  ctimeNsec: number;
  mtimeSec: number;
  mtimeNsec: number;
  dev: number;
  ino: number;
  uid: number;
  gid: number;
  /** st_size truncated to 32 bits; 0 for a smudged entry. */
  size: number;
}

/** Offsets of the fields SyncIndex reads in place. */
export const ENTRY = { mode: 24, size: 36, sha1: 40 } as const;

const SIGNATURE = "DIRC";
const VERSION = 2;
/** ctime, mtime (seconds and nanoseconds), dev, ino, mode, uid, gid, size: ten 32-bit fields. */
const STAT_BYTES = 40;
const FIXED_BYTES = STAT_BYTES + 20 + 2;
const NAME_MASK = 0xfff;

const u32 = (value: bigint | number) => Number(BigInt(value) & 0xffffffffn);

const NS = 1_000_000_000n;
/** Whole seconds of a time in nanoseconds, rounded down (before 1970 too, as stat(2) splits it). */
const seconds = (ns: bigint) => (ns >= 0n || ns % NS === 0n ? ns / NS : ns / NS - 1n);
/** The nanoseconds past those seconds, 0 to 999,999,999. */
const nanos = (ns: bigint) => Number(ns - seconds(ns) * NS);

/** The entry of a file from its lstat (taken before it was read) and the hash of what was read. */
export function indexEntryOf(relative: string, stats: fs.BigIntStats, sha1: string): IndexEntry {
  const mode = stats.isSymbolicLink()
    ? 0o120000
    : (stats.mode & 0o100n) !== 0n
      ? 0o100755
      : 0o100644;
  return {
    path: relative,
    mode,
    sha1,
    ctimeSec: u32(seconds(stats.ctimeNs)),
    ctimeNsec: nanos(stats.ctimeNs),
    mtimeSec: u32(seconds(stats.mtimeNs)),
    mtimeNsec: nanos(stats.mtimeNs),
    dev: u32(stats.dev),
    ino: u32(stats.ino),
    uid: u32(stats.uid),
    gid: u32(stats.gid),
    size: u32(stats.size),
  };
}

/**
 * Whether git accepts `relative` as an index path (read-cache.c verify_path: no empty, `.`,
 * `..` or `.git` component); other paths are never cached, so they are looked at every time.
 */
export function indexablePath(relative: string): boolean {
  return !UNINDEXABLE.test(relative);
}

/** An empty, `.`, `..` or `.git` component (a regular expression: this runs once per file). */
const UNINDEXABLE = /(?:^|\/)(?:\.{0,2}|\.git)(?:\/|$)/i;

/** The bytes of one entry: its fields, name, and 1-8 NULs to a multiple of eight bytes. */
export function encodeEntry(entry: IndexEntry): Buffer {
  const name = Buffer.from(entry.path, "utf8");
  const out = Buffer.alloc((FIXED_BYTES + name.length + 8) & ~7);
  const fields = [
    entry.ctimeSec,
    entry.ctimeNsec,
    entry.mtimeSec,
    entry.mtimeNsec,
    entry.dev,
    entry.ino,
    entry.mode,
    entry.uid,
    entry.gid,
    entry.size,
  ];
  fields.forEach((value, k) => out.writeUInt32BE(value, 4 * k));
  out.write(entry.sha1, STAT_BYTES, "hex");
  out.writeUInt16BE(Math.min(name.length, NAME_MASK), STAT_BYTES + 20);
  name.copy(out, FIXED_BYTES);
  return out;
}

/**
 * The index file of the encoded entries by path: sorted by the bytes of their paths (compareUtf8
 * is that order), then git's SHA-1 checksum of all that precedes it.
 */
export function formatIndex(entries: ReadonlyMap<string, Buffer>): Buffer {
  const header = Buffer.alloc(12);
  header.write(SIGNATURE, 0, "latin1");
  header.writeUInt32BE(VERSION, 4);
  header.writeUInt32BE(entries.size, 8);
  const paths = [...entries.keys()].sort(compareUtf8);
  const body = Buffer.concat([header, ...paths.map((p) => entries.get(p)!)]);
  return Buffer.concat([body, createHash("sha1").update(body).digest()]);
}

/** An index file as read: where each path's entry starts, found without decoding its fields. */
export interface IndexFile {
  data: Buffer;
  starts: Map<string, number>;
}

/** The entries of an index file this module wrote, or undefined when it is not one. */
export function readIndex(data: Buffer): IndexFile | undefined {
  if (data.length < 32 || data.toString("latin1", 0, 4) !== SIGNATURE) return undefined;
  if (data.readUInt32BE(4) !== VERSION) return undefined;
  const bodyEnd = data.length - 20;
  const checksum = createHash("sha1").update(data.subarray(0, bodyEnd)).digest();
  if (!checksum.equals(data.subarray(bodyEnd))) return undefined;
  const count = data.readUInt32BE(8);
  const starts = new Map<string, number>();
  let offset = 12;
  for (let i = 0; i < count; i++) {
    if (offset + FIXED_BYTES > bodyEnd) return undefined;
    const flags = data.readUInt16BE(offset + STAT_BYTES + 20);
    const nameStart = offset + FIXED_BYTES;
    const nameEnd =
      (flags & NAME_MASK) === NAME_MASK
        ? data.indexOf(0, nameStart)
        : nameStart + (flags & NAME_MASK);
    if (nameEnd < nameStart || nameEnd >= bodyEnd || (flags & ~NAME_MASK) !== 0) return undefined;
    starts.set(data.toString("utf8", nameStart, nameEnd), offset);
    offset += (FIXED_BYTES + (nameEnd - nameStart) + 8) & ~7;
  }
  return offset === bodyEnd ? { data, starts } : undefined;
}

/** The bytes of the entry at `start`, as readIndex found it. */
export function entryBytes(data: Buffer, start: number): Buffer {
  const flags = data.readUInt16BE(start + STAT_BYTES + 20);
  const nameLength =
    (flags & NAME_MASK) === NAME_MASK
      ? data.indexOf(0, start + FIXED_BYTES) - start - FIXED_BYTES
      : flags & NAME_MASK;
  return data.subarray(start, start + ((FIXED_BYTES + nameLength + 8) & ~7));
}

/** The decoded entry at `start` (for tests and for a reader of the fields). */
export function decodeEntry(data: Buffer, start: number, entryPath: string): IndexEntry {
  const field = (k: number) => data.readUInt32BE(start + 4 * k);
  return {
    path: entryPath,
    ctimeSec: field(0),
    ctimeNsec: field(1),
    mtimeSec: field(2),
    mtimeNsec: field(3),
    dev: field(4),
    ino: field(5),
    mode: field(6),
    uid: field(7),
    gid: field(8),
    size: field(9),
    sha1: data.toString("hex", start + STAT_BYTES, start + STAT_BYTES + 20),
  };
}

/** Where the entry of `relative` starts in `data`, found by its name alone; undefined if not once. */
export function findEntry(data: Buffer, relative: string): number | undefined {
  const name = Buffer.from(relative, "utf8");
  let found: number | undefined;
  for (let at = data.indexOf(name, 12); at !== -1; at = data.indexOf(name, at + 1)) {
    const start = at - FIXED_BYTES;
    // Entries start 12 bytes in and are multiples of 8 bytes long; the flags hold the name's length.
    if (
      start >= 12 &&
      (start - 12) % 8 === 0 &&
      data.readUInt16BE(start + STAT_BYTES + 20) === Math.min(name.length, NAME_MASK) &&
      data[at + name.length] === 0
    ) {
      if (found !== undefined) return undefined;
      found = start;
    }
  }
  return found;
}

/**
 * The checkout's side of `sync`: its entries (through the stat cache, hashing only what must be
 * compared) and the tar stream of what is sent, hashed as it is read.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { gitBlobHash, hashOpenFile } from "../../components/image/gitFormat";
import {
  TAR_END,
  TarEntry,
  pad,
  paddedLength,
  tarHeader,
  tarHeaderLength,
  writeTarHeader,
} from "./archive";
import { CliError } from "./process";
import { Progress } from "./progress";
import { SyncIndex } from "./syncIndex";
import { EMPTY_TREE, LocalEntry, SyncEntry } from "./syncManifest";

/**
 * The checkout's entries: from the stat cache where a file's lstat is unchanged; hashed now where
 * the volume has the path (to tell an edit from a touch); left unhashed where it is sent anyway,
 * with its lstat in `scanned` for the archive.
 */
export function scanCheckout(
  dir: string,
  files: readonly string[],
  known: ReadonlyMap<string, SyncEntry>,
  cache: SyncIndex,
  scanned?: Map<string, fs.BigIntStats>,
): LocalEntry[] {
  const entries: LocalEntry[] = [];
  for (const relative of files) {
    const hit = cache.lookup(relative);
    if (hit !== undefined) {
      // The index holds st_size in 32 bits; the volume's manifest has the whole size.
      const remote = known.get(relative);
      entries.push({
        ...hit,
        path: relative,
        size: remote?.sha1 === hit.sha1 ? remote.size : hit.size,
      });
      continue;
    }
    cache.beforeHashing();
    const absolute = path.join(dir, relative);
    const stats = fs.lstatSync(absolute, { bigint: true, throwIfNoEntry: false });
    if (stats === undefined) continue;
    if (stats.isDirectory()) {
      entries.push({ mode: "040000", sha1: EMPTY_TREE, size: 0, path: relative });
      continue;
    }
    const mode = stats.isSymbolicLink()
      ? "120000"
      : (stats.mode & 0o100n) !== 0n
        ? "100755"
        : "100644";
    if (!stats.isSymbolicLink() && !stats.isFile()) continue;
    const size = Number(stats.size);
    if (!known.has(relative)) {
      scanned?.set(relative, stats);
      entries.push({ mode, size, path: relative });
      continue;
    }
    let sha1: string;
    if (stats.isSymbolicLink()) {
      sha1 = gitBlobHash(fs.readlinkSync(absolute, "buffer"));
    } else {
      const fd = fs.openSync(absolute, "r");
      try {
        sha1 = hashOpenFile(fd, size);
      } finally {
        fs.closeSync(fd);
      }
    }
    cache.remember(relative, stats, sha1);
    entries.push({ mode, sha1, size, path: relative });
  }
  return entries;
}

export function parentsOf(paths: Iterable<string>): Set<string> {
  const dirs = new Set<string>();
  for (const p of paths) {
    for (let i = p.indexOf("/"); i !== -1; i = p.indexOf("/", i + 1)) dirs.add(p.slice(0, i));
  }
  return dirs;
}

/**
 * The mtime a sent entry gets on the volume: exact (a PAX record of nanoseconds) when `exact`,
 * else whole seconds rounded up, so a file never looks older on the volume than it is and make
 * rebuilds. Exact is better for a build right after the sync (an object made in the second of
 * its source's rounded-up mtime would look older than it, and be compiled again), but costs a
 * kilobyte of PAX header per entry, which a first sync of many small files would feel.
 */
function mtimeOf(stats: fs.BigIntStats, exact: boolean): { mtime: number; mtimeNanos?: number } {
  if (!exact) return { mtime: Number((stats.mtimeNs + 999_999_999n) / 1_000_000_000n) };
  const nanos = Number(stats.mtimeNs % 1_000_000_000n);
  const mtime = Number(stats.mtimeNs / 1_000_000_000n);
  return nanos === 0 ? { mtime } : { mtime, mtimeNanos: nanos };
}

/**
 * A file of `text`. The records (`unique`) get a random sub-second mtime: the engine's stat of
 * them, which tells a machine whether the volume's records are still those it wrote, would
 * otherwise be the same for two syncs from two machines in one second with records of one size.
 */
export function memoryEntry(name: string, text: string, unique = false): Buffer {
  const data = Buffer.from(text, "utf8");
  const header = tarHeader({
    name,
    type: "file",
    mode: 0o644,
    mtime: Math.floor(Date.now() / 1000),
    ...(unique ? { mtimeNanos: crypto.randomInt(1, 1_000_000_000) } : {}),
    size: data.length,
  });
  return Buffer.concat([header, pad(data)]);
}

/** The size of the buffers the archive is written in and handed to the request. */
const CHUNK = 256 << 10;
/** Files up to this size are read whole into the archive's buffer and hashed in one call. */
const WHOLE_FILE = 16 << 20;

/**
 * The archive's bytes, written straight into large buffers (a file is read in place behind its
 * header): a first sync of 20,000 small files made 60,000 buffers and copied each once more.
 */
class ArchiveBuffers {
  private buffer = Buffer.allocUnsafe(CHUNK);
  /** Bytes of `buffer` written. */
  used = 0;
  readonly ready: Buffer[] = [];

  /** Makes `bytes` contiguous bytes free at `used`, handing on what is written before. */
  reserve(bytes: number): Buffer {
    if (this.used + bytes > this.buffer.length) {
      this.flush();
      if (bytes > this.buffer.length) this.buffer = Buffer.allocUnsafe(bytes);
    }
    return this.buffer;
  }

  write(data: Buffer): void {
    data.copy(this.reserve(data.length), this.used);
    this.used += data.length;
  }

  flush(): void {
    if (this.used > 0) this.ready.push(this.buffer.subarray(0, this.used));
    this.buffer = Buffer.allocUnsafe(CHUNK);
    this.used = 0;
  }

  /** The full buffers, once each: the request may hold them until they are sent. */
  take(): Buffer[] {
    return this.ready.splice(0);
  }
}

/**
 * A regular file of `size` bytes (its lstat) into the archive: header, data read in place, and
 * padding. A file that shrank while read gets the length read, a file that grew the first
 * `size` bytes: either way the hash is of what is sent. Returns the length sent and its blob id.
 */
function writeFile(
  out: ArchiveBuffers,
  fd: number,
  header: TarEntry,
): { length: number; sha1: string } | undefined {
  if (header.size > WHOLE_FILE) return undefined;
  const buffer = out.reserve(tarHeaderLength(header) + paddedLength(header.size));
  const at = out.used;
  const dataAt = at + writeTarHeader(buffer, at, header);
  let length = 0;
  while (length < header.size) {
    const read = fs.readSync(fd, buffer, dataAt + length, header.size - length, length);
    if (read === 0) break;
    length += read;
  }
  // Shrunk while read: the header (of the same length, the size is not a PAX record) says so.
  if (length < header.size) writeTarHeader(buffer, at, { ...header, size: length });
  // The blob header written just before the data makes the hash one call over bytes in place:
  // there a ustar header has only zeros (uname to its end, 265-511, which writeTarHeader leaves
  // empty), and they are zeros again after.
  const blob = `blob ${length}\0`;
  buffer.write(blob, dataAt - blob.length, "latin1");
  const sha1 = crypto.hash("sha1", buffer.subarray(dataAt - blob.length, dataAt + length));
  buffer.fill(0, dataAt - blob.length, dataAt);
  buffer.fill(0, dataAt + length, dataAt + paddedLength(length));
  out.used = dataAt + paddedLength(length);
  return { length, sha1 };
}

/** A file larger than WHOLE_FILE, in buffer-sized reads; it must keep its size while read. */
function* writeLargeFile(
  out: ArchiveBuffers,
  fd: number,
  header: TarEntry,
  relative: string,
  progress: Progress,
): Generator<Buffer[], string> {
  const headerBuffer = out.reserve(tarHeaderLength(header));
  out.used += writeTarHeader(headerBuffer, out.used, header);
  const hash = crypto.createHash("sha1").update(`blob ${header.size}\0`);
  let length = 0;
  while (length < header.size) {
    // A fresh buffer once this one is full; the full one goes to the request first.
    const buffer = out.reserve(1);
    yield out.take();
    const room = Math.min(buffer.length - out.used, header.size - length);
    const read = fs.readSync(fd, buffer, out.used, room, length);
    if (read === 0) {
      throw new CliError(`sync: ${relative} shrank while syncing; run sync again`);
    }
    hash.update(buffer.subarray(out.used, out.used + read));
    out.used += read;
    length += read;
    progress.add(read);
  }
  const padding = paddedLength(length) - length;
  out.reserve(padding).fill(0, out.used, out.used + padding);
  out.used += padding;
  return hash.digest("hex");
}

/**
 * The archive of `send` (new directories first where needed), between the `before` entries and
 * what `after` returns once every file was read; hashes what it reads into `hashed`. `scanned`
 * holds the lstats scanCheckout took of paths it did not hash, which need not be taken again.
 */
export async function* archiveOf(
  dir: string,
  send: readonly LocalEntry[],
  knownDirs: ReadonlySet<string>,
  before: Buffer[],
  after: () => Buffer[],
  hashed: Map<string, { sha1: string; size: number }>,
  cache: SyncIndex,
  progress: Progress,
  exactMtimes: boolean,
  scanned: ReadonlyMap<string, fs.BigIntStats> = new Map(),
): AsyncGenerator<Buffer> {
  const out = new ArchiveBuffers();
  for (const buffer of before) out.write(buffer);
  const madeDirs = new Set<string>();
  const header = (entry: TarEntry) => {
    const buffer = out.reserve(tarHeaderLength(entry));
    out.used += writeTarHeader(buffer, out.used, entry);
  };
  cache.beforeHashing();
  const makeParents = (relative: string) => {
    // knownDirs and madeDirs hold every parent of what they hold: one lookup is enough.
    const slash = relative.lastIndexOf("/");
    if (slash === -1) return;
    const parent = relative.slice(0, slash);
    if (knownDirs.has(parent) || madeDirs.has(parent)) return;
    makeParents(parent);
    madeDirs.add(parent);
    const stats = fs.statSync(path.join(dir, parent), { bigint: true });
    header({
      name: parent,
      type: "directory",
      mode: Number(stats.mode),
      ...mtimeOf(stats, exactMtimes),
      size: 0,
    });
  };
  for (const entry of send) {
    makeParents(entry.path);
    const absolute = path.join(dir, entry.path);
    const stats =
      scanned.get(entry.path) ?? fs.lstatSync(absolute, { bigint: true, throwIfNoEntry: false });
    const gone = () =>
      new CliError(`sync: ${entry.path} disappeared while syncing; run sync again`);
    if (stats === undefined) throw gone();
    const common = { name: entry.path, mode: Number(stats.mode), ...mtimeOf(stats, exactMtimes) };
    if (entry.mode === "040000") {
      header({ ...common, type: "directory", size: 0 });
      progress.add(0, 1);
    } else if (stats.isSymbolicLink()) {
      const link = fs.readlinkSync(absolute, "buffer");
      header({ ...common, type: "symlink", size: 0, linkname: link.toString("utf8") });
      const sha1 = gitBlobHash(link);
      hashed.set(entry.path, { sha1, size: link.length });
      cache.remember(entry.path, stats, sha1);
      progress.add(link.length, 1);
    } else {
      let fd: number;
      try {
        fd = fs.openSync(absolute, "r");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") throw gone();
        throw error;
      }
      try {
        const file: TarEntry = { ...common, type: "file", size: Number(stats.size) };
        let sent = writeFile(out, fd, file);
        if (sent === undefined) {
          const large = writeLargeFile(out, fd, file, entry.path, progress);
          let step = large.next();
          for (; !step.done; step = large.next()) yield* step.value;
          sent = { length: file.size, sha1: step.value };
          progress.add(0, 1);
        } else {
          progress.add(sent.length, 1);
        }
        hashed.set(entry.path, { sha1: sent.sha1, size: sent.length });
        if (sent.length === file.size) cache.remember(entry.path, stats, sent.sha1);
      } finally {
        fs.closeSync(fd);
      }
    }
    if (out.ready.length > 0) yield* out.take();
  }
  for (const buffer of [...after(), TAR_END]) out.write(buffer);
  out.flush();
  yield* out.take();
}

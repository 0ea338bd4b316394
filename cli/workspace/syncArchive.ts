/**
 * The checkout's side of `sync`: its entries (through the stat cache, hashing only what must be
 * compared) and the tar stream of what is sent, hashed as it is read.
 */
import { randomInt } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { gitBlobHash, hashOpenFile } from "../../components/image/gitFormat";
import { TAR_END, TarEntry, pad, tarHeader } from "./archive";
import { CliError } from "./process";
import { Progress } from "./progress";
import { SyncIndex } from "./syncIndex";
import { EMPTY_TREE, LocalEntry, SyncEntry } from "./syncManifest";

/**
 * The checkout's entries: from the stat cache where a file's lstat is unchanged; hashed now where
 * the volume has the path (to tell an edit from a touch); left unhashed where it is sent anyway.
 */
export function scanCheckout(
  dir: string,
  files: readonly string[],
  known: ReadonlyMap<string, SyncEntry>,
  cache: SyncIndex,
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
    ...(unique ? { mtimeNanos: randomInt(1, 1_000_000_000) } : {}),
    size: data.length,
  });
  return Buffer.concat([header, pad(data)]);
}

const CHUNK = 1 << 20;

/**
 * The archive of `send` (new directories first where needed), between the `before` entries and
 * what `after` returns once every file was read; hashes what it reads into `hashed`.
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
): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [...before];
  let pendingBytes = 0;
  const madeDirs = new Set<string>();
  cache.beforeHashing();
  for (const entry of send) {
    for (const parent of parentsOf([entry.path])) {
      if (knownDirs.has(parent) || madeDirs.has(parent)) continue;
      madeDirs.add(parent);
      const stats = fs.statSync(path.join(dir, parent), { bigint: true });
      pending.push(
        tarHeader({
          name: parent,
          type: "directory",
          mode: Number(stats.mode),
          ...mtimeOf(stats, exactMtimes),
          size: 0,
        }),
      );
    }
    const absolute = path.join(dir, entry.path);
    const stats = fs.lstatSync(absolute, { bigint: true, throwIfNoEntry: false });
    let header: TarEntry;
    let data: Buffer | undefined;
    if (stats === undefined) {
      throw new CliError(`sync: ${entry.path} disappeared while syncing; run sync again`);
    } else if (entry.mode === "040000") {
      header = {
        name: entry.path,
        type: "directory",
        mode: Number(stats.mode),
        ...mtimeOf(stats, exactMtimes),
        size: 0,
      };
    } else if (stats.isSymbolicLink()) {
      const link = fs.readlinkSync(absolute, "buffer");
      header = {
        name: entry.path,
        type: "symlink",
        mode: Number(stats.mode),
        ...mtimeOf(stats, exactMtimes),
        size: 0,
        linkname: link.toString("utf8"),
      };
      hashed.set(entry.path, { sha1: gitBlobHash(link), size: link.length });
      cache.remember(entry.path, stats, gitBlobHash(link));
    } else {
      data = fs.readFileSync(absolute);
      header = {
        name: entry.path,
        type: "file",
        mode: Number(stats.mode),
        ...mtimeOf(stats, exactMtimes),
        size: data.length,
      };
      const sha1 = gitBlobHash(data);
      hashed.set(entry.path, { sha1, size: data.length });
      if (data.length === Number(stats.size)) cache.remember(entry.path, stats, sha1);
    }
    pending.push(tarHeader(header));
    if (data !== undefined) pending.push(pad(data));
    pendingBytes += 512 + (data?.length ?? 0);
    progress.add(
      header.type === "symlink" ? Buffer.byteLength(header.linkname!) : (data?.length ?? 0),
      1,
    );
    if (pendingBytes >= CHUNK) {
      yield Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
    }
  }
  yield Buffer.concat([...pending, ...after(), TAR_END]);
}

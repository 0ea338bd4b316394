/**
 * The stat cache of `sync`, kept as a git index (version 2) of the checkout's files so that git
 * itself tells what changed: `git diff-files` lstats every entry on several threads (its
 * preload-index) in a fraction of the time one lstat per file costs node, and lists only the
 * paths whose stat no longer matches. A one-file edit in a tree of 20,000 files then reads one
 * file. The index lives in the sync's cache directory and is read against a private, empty git
 * directory, so the checkout's own repository, index and config are never touched (and a
 * checkout that is not a git work tree is served the same way).
 *
 * Like StatCache (components/image/statCache.ts), an entry promises only that a file whose lstat
 * is unchanged still has the hashed content. Debian's git compares times in whole seconds (no
 * USE_NSEC: statinfo.c:64-105 at git/git 1a3e64c), so a file changed again within the second of
 * its recorded mtime or ctime, its size and mtime kept, would look unchanged. An entry whose
 * mtime or ctime is less than RACY_MARGIN_SEC older than the second this run began taking stats
 * in is therefore "smudged" (its size written as 0), as git does to racily clean entries (read-cache.c
 * ce_smudge_racily_clean_entry; git checks the mtime only): git then reports it whatever its stat
 * says (ce_match_stat_basic, "Racily smudged entry?", read-cache.c:345-349), and the next run
 * hashes it again.
 */
import { createHash, randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import {
  ENTRY,
  IndexEntry,
  IndexFile,
  encodeEntry,
  entryBytes,
  findEntry,
  formatIndex,
  indexEntryOf,
  indexablePath,
  readIndex,
} from "./gitIndexFile";

/**
 * Seconds before a run's start second from which entries are smudged (SyncIndex.save): one, for
 * a checkout whose file system stamps times coarser than this machine's clock by up to a second.
 * A coarser one (FAT's two seconds) or a clock further off (a network file system's) is not
 * covered, as git's own racy check does not cover it.
 */
export const RACY_MARGIN_SEC = 1;

/** The previous index's bytes and the stat they were read with. */
export interface PreviousIndex {
  file: string;
  data: Buffer;
  stats: fs.BigIntStats;
}

/** A cached entry of an unchanged file: what sync needs of it. */
export interface IndexHit {
  mode: "100644" | "100755" | "120000";
  sha1: string;
  /** st_size truncated to 32 bits. */
  size: number;
}

/**
 * The sync's stat cache for one checkout: the previous index and what git says changed since,
 * the entries of this run, and the write of the new index (atomic, only when anything differs).
 * Never throws for the cache's sake: an unusable index counts as empty, a failed write is dropped.
 */
export class SyncIndex {
  /** Hits of this run (lookup), as the previous index held them. */
  private readonly hitBytes = new Map<string, Buffer>();
  /** Entries of this run from lstat and hash; a smudge may await them when the index is written. */
  private readonly fresh = new Map<string, IndexEntry>();
  private parsed: IndexFile | undefined;
  private temp: { file: string; fd: number } | undefined;
  /** The second this run began taking stats in (its first beforeHashing): kept for every save. */
  private racyFromSec: number | undefined;
  /** A save was needed and failed: the index on disk is not this run's. */
  private saveFailed = false;
  private unwritable = false;
  /** Whether an entry was remembered that the last write (or the previous index) lacks. */
  private dirty = false;
  /** The written index's checksum, once save wrote or kept one. */
  private savedChecksum: string | undefined;

  private constructor(
    private readonly file: string,
    /** The previous index's bytes, when git could read them. */
    private readonly previous: Buffer | undefined,
    /** What git found changed since the previous index; undefined without one. */
    readonly changed: ReadonlySet<string> | undefined,
  ) {}

  /** The previous index, read before git is asked what changed since. */
  static readPrevious(file: string): PreviousIndex | undefined {
    removeStaleTemporaries(file);
    try {
      const fd = fs.openSync(file, "r");
      try {
        return { file, data: fs.readFileSync(fd), stats: fs.fstatSync(fd, { bigint: true }) };
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      return undefined;
    }
  }

  /** The index of this run, from the previous one and what git found changed since (gitProbe.ts). */
  static open(
    file: string,
    previous: PreviousIndex | undefined,
    changed: ReadonlySet<string> | undefined,
  ): SyncIndex {
    if (previous === undefined || changed === undefined)
      return new SyncIndex(file, undefined, undefined);
    // git does not check an index's checksum when it reads one: a file torn by a crash (it is
    // written without an fsync) is refused here. git read the file again: the same file unless a
    // concurrent sync of this checkout renamed another over it (then no entry of it is trusted).
    const body = previous.data.subarray(0, Math.max(0, previous.data.length - 20));
    const sum = createHash("sha1").update(body).digest();
    if (previous.data.length < 32 || !sum.equals(previous.data.subarray(body.length))) {
      return new SyncIndex(file, undefined, undefined);
    }
    const after = fs.statSync(file, { bigint: true, throwIfNoEntry: false });
    const same =
      after !== undefined &&
      after.ino === previous.stats.ino &&
      after.mtimeNs === previous.stats.mtimeNs &&
      after.size === previous.stats.size;
    return same
      ? new SyncIndex(file, previous.data, changed)
      : new SyncIndex(file, undefined, undefined);
  }

  /** The previous index's checksum (hex), which the records copy names; undefined without one. */
  get checksum(): string | undefined {
    if (this.saveFailed) return undefined;
    return this.savedChecksum ?? this.previous?.toString("hex", this.previous.length - 20);
  }

  private entries(): IndexFile | undefined {
    if (this.parsed === undefined && this.previous !== undefined) {
      this.parsed = readIndex(this.previous);
    }
    return this.parsed;
  }

  /** The cached mode and hash of a file git found unchanged; undefined when it must be looked at. */
  lookup(relative: string): IndexHit | undefined {
    const start = this.entries()?.starts.get(relative);
    if (start === undefined || this.changed!.has(relative)) return undefined;
    const data = this.previous!;
    this.hitBytes.set(relative, entryBytes(data, start));
    const modeBits = data.readUInt32BE(start + ENTRY.mode);
    const mode = modeBits === 0o120000 ? "120000" : modeBits === 0o100755 ? "100755" : "100644";
    return {
      mode,
      sha1: data.toString("hex", start + ENTRY.sha1, start + ENTRY.sha1 + 20),
      size: data.readUInt32BE(start + ENTRY.size),
    };
  }

  /** The hash this run's index holds for `relative`, if any. */
  sha1Of(relative: string): string | undefined {
    const fresh = this.fresh.get(relative);
    if (fresh !== undefined) return fresh.sha1;
    return this.hitBytes.get(relative)?.toString("hex", ENTRY.sha1, ENTRY.sha1 + 20);
  }

  /** Before any file of this run is stat-ed for hashing: fixes the moment entries are smudged from. */
  beforeHashing(): void {
    if (this.temp !== undefined || this.unwritable) return;
    const temp = `${this.file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
    let fd: number | undefined;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fd = fs.openSync(temp, "wx", 0o644);
      this.racyFromSec ??= Number(fs.fstatSync(fd, { bigint: true }).mtimeNs / 1_000_000_000n);
      this.temp = { file: temp, fd };
    } catch {
      this.unwritable = true;
      if (fd !== undefined) closeAndRemove(fd, temp);
    }
  }

  /** Records the stats a file had before it was read, and the hash of what was read. */
  remember(relative: string, stats: fs.BigIntStats, sha1: string): void {
    if (!indexablePath(relative)) return;
    this.hitBytes.delete(relative);
    const entry = indexEntryOf(relative, stats, sha1);
    const before = this.fresh.get(relative);
    if (before === undefined || !encodeEntry(before).equals(encodeEntry(entry))) this.dirty = true;
    this.fresh.set(relative, entry);
  }

  /**
   * Writes this run's entries unless they are the previous index's: with `keep: "hits"` the
   * previous entries lookup found (the checkout was listed again), with `keep: "all"` every
   * previous entry (the listing is known to be unchanged, and nothing was looked up). Without
   * an fsync: a torn index fails the checksum SyncIndex.open checks and counts as empty, costing
   * a rehash, never a wrong answer.
   */
  save(keep: "hits" | "all"): void {
    const previousCount = this.previous === undefined ? -1 : this.previous.readUInt32BE(8);
    if (
      this.previous !== undefined &&
      !this.dirty &&
      (keep === "all" || this.hitBytes.size === previousCount)
    ) {
      return;
    }
    this.beforeHashing();
    if (this.temp === undefined || this.racyFromSec === undefined) {
      this.saveFailed = true;
      return;
    }
    const { file, fd } = this.temp;
    this.temp = undefined;
    const racyFromSec = this.racyFromSec - RACY_MARGIN_SEC;
    const encode = (entry: IndexEntry) =>
      encodeEntry(
        entry.mtimeSec >= racyFromSec || entry.ctimeSec >= racyFromSec
          ? { ...entry, size: 0 }
          : entry,
      );
    try {
      const data =
        (keep === "all" && this.patched(encode)) || formatIndex(this.entriesToWrite(keep, encode));
      fs.writeFileSync(fd, data);
      fs.closeSync(fd);
      fs.renameSync(file, this.file);
      this.savedChecksum = data.toString("hex", data.length - 20);
      this.dirty = false;
      this.saveFailed = false;
    } catch {
      closeAndRemove(fd, file);
      this.saveFailed = true;
    }
  }

  /** The previous index with the fresh entries written over theirs; undefined if one has none. */
  private patched(encode: (entry: IndexEntry) => Buffer): Buffer | undefined {
    if (this.previous === undefined) return undefined;
    const data = Buffer.from(this.previous);
    for (const [relative, entry] of this.fresh) {
      // Only a path git reported is surely in the previous index; there its entry is the one
      // match findEntry accepts. Any other path (maybe in no entry, maybe matching bytes of
      // another's fields) needs the full write.
      if (this.parsed === undefined && !this.changed?.has(relative)) return undefined;
      const start = this.parsed?.starts.get(relative) ?? findEntry(data, relative);
      if (start === undefined) return undefined;
      encode(entry).copy(data, start);
    }
    createHash("sha1")
      .update(data.subarray(0, data.length - 20))
      .digest()
      .copy(data, data.length - 20);
    return data;
  }

  private entriesToWrite(
    keep: "hits" | "all",
    encode: (entry: IndexEntry) => Buffer,
  ): Map<string, Buffer> {
    const entries = new Map<string, Buffer>();
    const previous = keep === "all" ? this.entries() : undefined;
    for (const [relative, start] of previous?.starts ?? []) {
      entries.set(relative, entryBytes(this.previous!, start));
    }
    for (const [relative, bytes] of this.hitBytes) entries.set(relative, bytes);
    for (const [relative, entry] of this.fresh) entries.set(relative, encode(entry));
    return entries;
  }

  /** Removes the temporary file if it was not saved (the run failed). */
  discard(): void {
    if (this.temp !== undefined) {
      closeAndRemove(this.temp.fd, this.temp.file);
      this.temp = undefined;
    }
  }
}

/** A temporary index older than this was left by a sync that was killed: removed. */
const STALE_TEMPORARY_MS = 3600_000;

/**
 * Removes the temporary files of `file` that killed syncs left (`<file>.<pid>.<random>.tmp`):
 * at once when no process of that pid runs here, else after STALE_TEMPORARY_MS (a pid can be
 * another machine's, on a shared home, or used again). Removing one still being written costs
 * its sync the index's save, which the next sync makes up for by hashing again.
 */
function removeStaleTemporaries(file: string): void {
  const prefix = `${path.basename(file)}.`;
  try {
    for (const name of fs.readdirSync(path.dirname(file))) {
      if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
      const temp = path.join(path.dirname(file), name);
      const pid = Number(name.slice(prefix.length).split(".")[0]);
      if (!processRuns(pid) || Date.now() - fs.statSync(temp).mtimeMs > STALE_TEMPORARY_MS) {
        fs.unlinkSync(temp);
      }
    }
  } catch {
    // Only tidying: a leftover is never read.
  }
}

/** Whether a process of `pid` runs on this machine (signal 0 checks without sending one). */
function processRuns(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

function closeAndRemove(fd: number, file: string): void {
  try {
    fs.closeSync(fd);
  } catch {
    // Already closed; the file is removed all the same.
  }
  try {
    fs.unlinkSync(file);
  } catch {
    // A leftover temporary file is never read.
  }
}

/**
 * The stat cache computeImageTag may keep between runs, as git keeps its index, so that a warm
 * run reads only the files whose lstat changed.
 */

import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { ManifestEntry } from "./gitFormat";

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
export class StatCache {
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

  /** The size lstat gave a path this run looked up or hashed. */
  sizeOf(relative: string): number | undefined {
    return this.current.get(relative)?.[0];
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

/**
 * The tree and the instruments of the stat cache tests: files dated long ago, the cache file read
 * and written as JSON, and fs wrapped to count what a run reads.
 */
import fsModule from "fs";
import * as fs from "fs";
import * as path from "path";
import * as os from "os";
import { computeImageTag } from "../../components/image/manifest";
import type { ImageTag, StatCacheEntry, StatCacheFile } from "../../components/image/manifest";
import { Fixture, makeTree as makeFixtureTree } from "./gitFixtures";

export const FIXTURE: Fixture = {
  "in/a.txt": "alpha\n",
  "in/b/c.txt": "gamma\n",
  "in/b/run.sh": { content: "#!/bin/sh\necho run\n", mode: 0o755 },
  "in/b/link": { symlinkTo: "c.txt" },
  "in/café \u{1F600}.txt": "accent\n",
  "in/__proto__": "a name that is special to JavaScript objects\n",
  "in/123": "a name that looks like an array index\n",
  "out/x.txt": "not an input\n",
};
export const INPUT_FILES = [
  "in/123",
  "in/__proto__",
  "in/a.txt",
  "in/b/c.txt",
  "in/b/link",
  "in/b/run.sh",
  "in/café \u{1F600}.txt",
];
export const REGULAR_FILES = INPUT_FILES.filter((file) => file !== "in/b/link");

/** A moment long before any cache of these tests, so that no entry is racily clean by chance. */
export const LONG_AGO = new Date("2020-01-02T03:04:05Z");

/**
 * Files dated long ago: a file written in the clock tick its cache is taken in is (rightly)
 * hashed again on the next run, which tests that count reads must rule out.
 */
export function makeTree(files: Fixture): string {
  return makeFixtureTree(files, { prefix: "manifest-cache-test-", mtime: LONG_AGO });
}

export function readCache(cacheFile: string): StatCacheFile {
  return JSON.parse(fs.readFileSync(cacheFile, "utf8")) as StatCacheFile;
}

/** Writes a cache: a string as it is, anything else as JSON. */
export function writeCache(cacheFile: string, content: unknown): void {
  fs.writeFileSync(cacheFile, typeof content === "string" ? content : JSON.stringify(content));
}

/** The cache entry a file's current lstat gives, with this hash. */
export function entryOf(file: string, sha1: string): StatCacheEntry {
  const stats = fs.lstatSync(file);
  return [stats.size, stats.mtimeMs, stats.ctimeMs, stats.ino, stats.mode, sha1];
}

export interface ReadCounts {
  /** Files opened, other than the cache file and its temporary files. */
  opened: string[];
  /** Symlinks whose target was read. */
  linksRead: string[];
  /** fs.readSync calls, on any file. */
  reads: number;
  /** Files read whole with fs.readFileSync. */
  readWhole: string[];
}

/**
 * Runs the work with fs.openSync, readSync, readlinkSync and readFileSync wrapped to record what
 * they are asked for, and restores them afterwards. Paths are reported relative to `root`.
 */
export function countingReads<T>(root: string, work: () => T): { value: T; counts: ReadCounts } {
  const counts: ReadCounts = { opened: [], linksRead: [], reads: 0, readWhole: [] };
  const relative = (file: fs.PathLike | number): string =>
    typeof file === "number" ? `fd ${file}` : path.relative(root, file.toString());
  const originals = {
    openSync: fsModule.openSync,
    readSync: fsModule.readSync,
    readlinkSync: fsModule.readlinkSync,
    readFileSync: fsModule.readFileSync,
  };
  fsModule.openSync = ((file: fs.PathLike, ...rest: unknown[]) => {
    counts.opened.push(relative(file));
    return (originals.openSync as (...args: unknown[]) => number)(file, ...rest);
  }) as typeof fs.openSync;
  fsModule.readSync = ((...args: unknown[]) => {
    counts.reads++;
    return (originals.readSync as (...args: unknown[]) => number)(...args);
  }) as typeof fs.readSync;
  fsModule.readlinkSync = ((file: fs.PathLike, ...rest: unknown[]) => {
    counts.linksRead.push(relative(file));
    return (originals.readlinkSync as (...args: unknown[]) => unknown)(file, ...rest);
  }) as typeof fs.readlinkSync;
  fsModule.readFileSync = ((file: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
    counts.readWhole.push(relative(file as fs.PathLike | number));
    return (originals.readFileSync as (...args: unknown[]) => unknown)(file, ...rest);
  }) as typeof fs.readFileSync;
  try {
    return { value: work(), counts };
  } finally {
    Object.assign(fsModule, originals);
  }
}

/**
 * The tree, cache directory and uncached tag every stat cache test starts from: made before each
 * test, removed after it. `cachedRun` computes the tag with the cache (by default `cacheFile`).
 */
export function useStatCacheTree(): {
  readonly tree: string;
  readonly cacheDir: string;
  readonly cacheFile: string;
  /** The tag without a cache; a test that changes the tree first may set it anew. */
  uncached: ImageTag;
  cachedRun(file?: string): ImageTag;
} {
  const state = {
    tree: "",
    cacheDir: "",
    cacheFile: "",
    uncached: undefined as unknown as ImageTag,
  };
  beforeEach(() => {
    state.tree = makeTree(FIXTURE);
    state.cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "manifest-cache-dir-"));
    state.cacheFile = path.join(state.cacheDir, "sub", "image-manifest.json");
    state.uncached = computeImageTag(state.tree, ["in"], { V: "1" });
  });
  afterEach(() => {
    fs.rmSync(state.tree, { recursive: true, force: true });
    fs.rmSync(state.cacheDir, { recursive: true, force: true });
  });
  return {
    get tree() {
      return state.tree;
    },
    get cacheDir() {
      return state.cacheDir;
    },
    get cacheFile() {
      return state.cacheFile;
    },
    get uncached() {
      return state.uncached;
    },
    set uncached(tag: ImageTag) {
      state.uncached = tag;
    },
    cachedRun: (file = state.cacheFile) =>
      computeImageTag(state.tree, ["in"], { V: "1" }, { cacheFile: file }),
  };
}

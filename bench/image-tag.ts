/**
 * How long computeImageTag takes over 5,000 files, against what git needs for the same tag in a
 * clean checkout (`git ls-tree -r --full-tree HEAD -- <input> | git hash-object --stdin`). Git
 * only reads its stored tree objects, so computeImageTag is timed without a cache, with an empty
 * one (reading and hashing every file, then writing the cache) and with the cache a previous run
 * left (only an lstat per file, as git's index allows); the goal is for that warm run.
 * `git hash-object --stdin-paths` over the same files is printed too, as the cost of git itself
 * reading them.
 *
 *   npx tsx bench/image-tag.ts
 */

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { computeImageTag } from "../image/manifest";
import { git } from "../tests/gitFixtures";

/** The goal: computeImageTag at most this many times as slow as git. */
export const GOAL_RATIO = 1.5;

const FILE_COUNT = 5000;
const RUNS = 9;
const INPUT = "src";

/**
 * Writes FILE_COUNT files under `src/` (10 × 10 directories of 50 files; sizes from a few bytes to
 * a few KiB; every 97th executable, every 499th a symlink) and one file outside the input.
 */
function writeTree(root: string): void {
  for (let i = 0; i < FILE_COUNT; i++) {
    const dir = path.join(root, INPUT, `pkg${i % 10}`, `mod${Math.floor(i / 10) % 10}`);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `file${i}.ts`);
    if (i % 499 === 0) {
      fs.symlinkSync(`file${i + 1}.ts`, file);
    } else {
      fs.writeFileSync(file, `export const value${i} = ${i};\n`.repeat(1 + (i % 150)));
      if (i % 97 === 0) {
        fs.chmodSync(file, 0o755);
      }
    }
  }
  fs.writeFileSync(path.join(root, "README.md"), "outside the input\n");
}

/** Lists the directory recursively and lstats every entry, returning how many there were. */
function readdirAndLstat(directory: string): number {
  let count = 0;
  for (const dirent of fs.readdirSync(directory, { withFileTypes: true })) {
    const child = path.join(directory, dirent.name);
    count += dirent.isDirectory() ? readdirAndLstat(child) : fs.lstatSync(child) ? 1 : 0;
  }
  return count;
}

function gitTag(root: string): string {
  const listing = git(root, ["ls-tree", "-r", "--full-tree", "HEAD", "--", INPUT]);
  return git(root, ["hash-object", "--stdin"], listing).toString().trim();
}

function timeMs<T>(work: () => T): { ms: number; value: T } {
  const start = process.hrtime.bigint();
  const value = work();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Medians in milliseconds and the ratio to git of one way of running computeImageTag. */
export interface ImageTagTiming {
  ours: number;
  ratio: number;
}

export interface ImageTagBench {
  git: number;
  /** No cache file at all, as before the cache existed. */
  uncached: ImageTagTiming;
  /** A cache file that does not exist yet: every file is read and the cache written. */
  cold: ImageTagTiming;
  /** A cache filled by a previous run: only lstat. Git's side is warm too, it has its objects. */
  warm: ImageTagTiming;
}

/**
 * Runs the comparison in a temporary repository (removed afterwards) and prints the medians in
 * milliseconds and their ratios to git; the goal applies to the warm cache. Throws when any tag
 * differs from git's.
 */
export async function benchImageTag(): Promise<ImageTagBench> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "bench-image-tag-"));
  // Outside the tree, so the cache is never an input (inside the input it would not be used).
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-image-tag-cache-"));
  const cacheFile = path.join(cacheDir, "image-manifest.json");
  try {
    writeTree(root);
    git(root, ["init", "-q"]);
    git(root, ["add", "-A"]);
    git(root, ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "bench"]);

    const expected = gitTag(root);
    const ways: Record<keyof Omit<ImageTagBench, "git">, () => string> = {
      uncached: () => computeImageTag(root, [INPUT]).tag,
      cold: () => {
        fs.rmSync(cacheFile, { force: true });
        return computeImageTag(root, [INPUT], {}, { cacheFile }).tag;
      },
      warm: () => computeImageTag(root, [INPUT], {}, { cacheFile }).tag,
    };
    // The first run of each warms the page cache and the JIT (and fills the cache for the warm
    // runs, since cold runs come first); it is not counted.
    for (const [way, run] of Object.entries(ways)) {
      const tag = run();
      if (tag !== expected) {
        throw new Error(`computeImageTag (${way}) gave ${tag}, git gave ${expected}`);
      }
    }
    const times: Record<keyof typeof ways | "git", number[]> = {
      uncached: [],
      cold: [],
      warm: [],
      git: [],
    };
    // Interleaved, so drift in machine load affects every side alike; the cold run comes just
    // before the warm one, which then finds the cache that run wrote.
    for (let run = 0; run < RUNS; run++) {
      for (const [way, work] of [...Object.entries(ways), ["git", () => gitTag(root)]] as const) {
        const timed = timeMs(work);
        if (timed.value !== expected) {
          throw new Error(`tag changed between runs (${way}): ${timed.value}, not ${expected}`);
        }
        times[way as keyof typeof times].push(timed.ms);
      }
    }
    const gitMedian = median(times.git);
    const timing = (way: keyof typeof ways): ImageTagTiming => {
      const ours = median(times[way]);
      return { ours, ratio: ours / gitMedian };
    };
    const result: ImageTagBench = {
      git: gitMedian,
      uncached: timing("uncached"),
      cold: timing("cold"),
      warm: timing("warm"),
    };
    const verdict = result.warm.ratio <= GOAL_RATIO ? "met" : "NOT met";
    console.log(
      `image tag over ${FILE_COUNT} files (median of ${RUNS}): ` +
        `git ls-tree + hash-object ${gitMedian.toFixed(1)} ms; same tag ${expected}`,
    );
    for (const way of ["uncached", "cold", "warm"] as const) {
      console.log(
        `  computeImageTag ${way.padEnd(8)} ${result[way].ours.toFixed(1).padStart(6)} ms, ` +
          `ratio ${result[way].ratio.toFixed(2)}x`,
      );
    }
    console.log(`goal: warm <= ${GOAL_RATIO}x git: ${verdict}`);
    // For scale only: git itself reading and hashing every file (`git add` does that).
    const regularFiles = computeImageTag(root, [INPUT])
      .entries.filter((entry) => entry.mode !== "120000")
      .map((entry) => `${entry.path}\n`)
      .join("");
    const gitReadingFiles = median(
      Array.from(
        { length: RUNS },
        () =>
          timeMs(() => git(root, ["hash-object", "--stdin-paths"], Buffer.from(regularFiles))).ms,
      ),
    );
    // For scale only: the least any stat cache needs, listing every directory and lstat-ing every
    // file, with no cache to read and nothing else done.
    const walkAndLstat = median(
      Array.from({ length: RUNS }, () => timeMs(() => readdirAndLstat(path.join(root, INPUT))).ms),
    );
    console.log(
      `for scale, git hash-object --stdin-paths reading the same files: ${gitReadingFiles.toFixed(1)} ms; ` +
        `readdir + lstat of every file alone: ${walkAndLstat.toFixed(1)} ms ` +
        `(${(walkAndLstat / gitMedian).toFixed(2)}x git)`,
    );
    return result;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchImageTag().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

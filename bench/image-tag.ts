/**
 * How long computeImageTag takes over 5,000 files, against what git needs for the same tag in a
 * clean checkout (`git ls-tree -r --full-tree HEAD -- <input> | git hash-object --stdin`). Git
 * only reads its stored tree objects while computeImageTag reads and hashes every file, so this
 * shows what going without git costs; `git hash-object --stdin-paths` over the same files is
 * printed too, as the cost of git itself reading them.
 *
 *   npx tsx bench/image-tag.ts
 */

import * as childProcess from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { computeImageTag } from "../lib/manifest";

/** The goal: computeImageTag at most this many times as slow as git. */
export const GOAL_RATIO = 1.5;

const FILE_COUNT = 5000;
const RUNS = 9;
const INPUT = "src";
const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: os.devNull, GIT_CONFIG_NOSYSTEM: "1" };

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

function git(cwd: string, args: readonly string[], input?: Buffer): Buffer {
  const result = childProcess.spawnSync("git", args, { cwd, env: GIT_ENV, input });
  if (result.status !== 0) {
    throw new Error(`git ${args.join(" ")} failed: ${result.stderr}`);
  }
  return result.stdout;
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

/**
 * Runs the comparison in a temporary repository (removed afterwards) and prints the medians in
 * milliseconds and their ratio. Throws when the two tags differ.
 */
export async function benchImageTag(): Promise<{ ours: number; git: number; ratio: number }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "bench-image-tag-"));
  try {
    writeTree(root);
    git(root, ["init", "-q"]);
    git(root, ["add", "-A"]);
    git(root, ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "bench"]);

    // The first run of each warms the page cache and the JIT; it is not counted.
    const expected = gitTag(root);
    const ourTag = computeImageTag(root, [INPUT]).tag;
    if (ourTag !== expected) {
      throw new Error(`computeImageTag gave ${ourTag}, git gave ${expected}`);
    }
    const oursMs: number[] = [];
    const gitMs: number[] = [];
    // Interleaved, so drift in machine load affects both sides alike.
    for (let run = 0; run < RUNS; run++) {
      const ours = timeMs(() => computeImageTag(root, [INPUT]).tag);
      const theirs = timeMs(() => gitTag(root));
      if (ours.value !== expected || theirs.value !== expected) {
        throw new Error(`tags changed between runs: ${ours.value}, ${theirs.value}`);
      }
      oursMs.push(ours.ms);
      gitMs.push(theirs.ms);
    }
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
    const result = { ours: median(oursMs), git: median(gitMs), ratio: 0 };
    result.ratio = result.ours / result.git;
    const verdict = result.ratio <= GOAL_RATIO ? "met" : "NOT met";
    console.log(
      `image tag over ${FILE_COUNT} files (median of ${RUNS}): computeImageTag ` +
        `${result.ours.toFixed(1)} ms, git ls-tree + hash-object ${result.git.toFixed(1)} ms, ` +
        `ratio ${result.ratio.toFixed(2)}x (goal <= ${GOAL_RATIO}x: ${verdict}); same tag ${expected}`,
    );
    console.log(
      `for scale, git hash-object --stdin-paths reading the same files: ${gitReadingFiles.toFixed(1)} ms`,
    );
    return result;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchImageTag().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

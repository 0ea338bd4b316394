/**
 * `sync` against the raw transfer it replaces (issue 18), on generated trees of 2,000 and 20,000
 * files of 10 kB and on a clone of this repository (neither has an ignored file): the first sync
 * vs `tar -c . | docker cp -` of the same tree without `.git`, directories included as sync sends
 * them, into a new volume (each making its container, in alternating order, medians of 5), and a sync after a one-file edit vs `docker cp` of that one file (medians
 * of 9), each with the goal and whether it is met. Needs BUILDENV_E2E_DOCKER_HOST and
 * BUILDENV_E2E_IMAGE (`.ci/run` starts both); says so and measures nothing without them.
 *
 *   npx tsx bench/sync.ts
 */
import { execFileSync, execSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineApi } from "../cli/workspace/engineApi";
import { holderName } from "../cli/workspace/sync";
import { DOCKER_HOST, docker, median, syncQuietly } from "./engine";
import type { EditRequest, EditTimes } from "./syncEdits";

const IMAGE = process.env.BUILDENV_E2E_IMAGE;
const EDITS = 9;
const ROUNDS = 5;

/** `files` files of `size` bytes in 100 directories, committed in a git checkout as a project's are. */
function generate(root: string, files: number, size: number): void {
  for (let i = 0; i < files; i++) {
    const dir = path.join(root, `d${i % 100}`);
    fs.mkdirSync(dir, { recursive: true });
    const data = Buffer.alloc(size, i % 251);
    data.write(`file ${i}\n`);
    fs.writeFileSync(path.join(dir, `f${i}.c`), data);
  }
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=b", "-c", "user.email=b@b", ...args], { cwd: root });
  git("init", "-q");
  git("add", ".");
  git("commit", "-qm", "generated");
}

/** Files' mtimes and ctimes past the index's racy margin, as a checkout's are (syncIndex.ts). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 2100));

async function benchTree(label: string, tree: string, edited: string): Promise<void> {
  const id = `bsyncbench-${process.pid}-${label.replace(/[^a-z0-9]/gi, "")}`;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-bench-sync-"));
  const api = new EngineApi({ dockerHost: DOCKER_HOST! });
  const made: string[][] = [];
  const run = (volume: string, cacheDir: string) =>
    syncQuietly(api, tree, volume, IMAGE!, cacheDir);
  try {
    await settle();
    const firsts: number[] = [];
    const raws: number[] = [];
    let volume = "";
    let raw = "";
    let cacheDir = "";
    // Alternating which goes first, each into new volumes: both make their container (sync its
    // holder, the raw copy one for `docker cp`), and sync starts with no cache on this machine.
    for (let round = 0; round < ROUNDS; round++) {
      volume = `${id}-${round}-source`;
      raw = `${id}-${round}-raw`;
      cacheDir = path.join(work, `cache-${round}`);
      docker(["volume", "create", "--label", "buildenv.keep=true", volume]);
      docker(["volume", "create", raw]);
      made.push(
        ["rm", "-f", `${raw}-holder`, holderName(volume)],
        ["volume", "rm", "-f", volume, raw],
      );
      const syncOnce = async () => {
        const t = performance.now();
        await run(volume, cacheDir);
        firsts.push(performance.now() - t);
      };
      const rawOnce = () => {
        const t = performance.now();
        docker([
          "create",
          "--name",
          `${raw}-holder`,
          "-v",
          `${raw}:/workspace/source`,
          IMAGE!,
          "true",
        ]);
        execSync(
          `tar -c -C ${tree} --exclude=.git . | docker cp - ${raw}-holder:/workspace/source`,
          { env: { ...process.env, DOCKER_HOST } },
        );
        raws.push(performance.now() - t);
      };
      if (round % 2 === 0) {
        await syncOnce();
        rawOnce();
      } else {
        rawOnce();
        await syncOnce();
      }
    }
    const first = median(firsts);
    const rawFirst = median(raws);
    console.log(
      `${label}: first sync ${(first / 1000).toFixed(2)} s vs tar -c . | docker cp - ${(rawFirst / 1000).toFixed(2)} s: ${(first / rawFirst).toFixed(2)}x (medians of ${ROUNDS}; goal <= 1.1x: ${first / rawFirst <= 1.1 ? "met" : "NOT met"})`,
    );
    await settle();
    const edits: EditRequest = {
      tree,
      volume,
      cacheDir,
      edited,
      copyTo: `${raw}-holder:/workspace/source/${edited}`,
      edits: EDITS,
    };
    const { syncMs: s, copyMs: c } = JSON.parse(
      execFileSync(
        process.execPath,
        ["--import", "tsx", path.join(__dirname, "syncEdits.ts"), JSON.stringify(edits)],
        { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
      ),
    ) as EditTimes;
    const ratio = s / c;
    console.log(
      `${label}: sync after a one-file edit ${s.toFixed(0)} ms vs docker cp of the file ${c.toFixed(0)} ms: ${ratio.toFixed(2)}x (medians of ${EDITS}; goal <= 1.5x and < 2 s: ${ratio <= 1.5 && s < 2000 ? "met" : "NOT met"})`,
    );
  } finally {
    api.close();
    for (const args of made) {
      try {
        docker(args);
      } catch {
        // already gone
      }
    }
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * What every `npm run env` verb costs before its work: npm, node, the TypeScript loader and the
 * CLI's modules (`help` does nothing else); a sync also asks Pulumi for the stack's outputs.
 */
function benchCliStart(): void {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    execFileSync("npm", ["run", "-s", "env", "--", "help"], {
      cwd: path.join(__dirname, ".."),
      stdio: "ignore",
    });
    times.push(performance.now() - t);
  }
  console.log(
    `the CLI's start (npm run env -- help): ${median(times).toFixed(0)} ms (median of 5)`,
  );
}

export async function benchSync(): Promise<void> {
  benchCliStart();
  if (!DOCKER_HOST || !IMAGE) {
    console.log("no engine (BUILDENV_E2E_DOCKER_HOST, BUILDENV_E2E_IMAGE): sync not measured");
    return;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-bench-trees-"));
  try {
    for (const files of [2_000, 20_000]) {
      const tree = path.join(work, `tree-${files}`);
      generate(tree, files, 10_000);
      await benchTree(`${files} files, ${((files * 10_000) / 1e6).toFixed(0)} MB`, tree, "d7/f7.c");
    }
    // This repository's own checkout, as a clone (its work tree is not touched).
    const own = path.join(work, "buildenv");
    execFileSync("git", ["clone", "-q", path.join(__dirname, ".."), own]);
    const count =
      execFileSync("git", ["ls-files"], { cwd: own, encoding: "utf8" }).split("\n").length - 1;
    await benchTree(`this repository (${count} files)`, own, "README.md");
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void benchSync();
}

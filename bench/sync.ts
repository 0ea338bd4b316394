/**
 * `sync` against the raw transfer it replaces, on a generated tree (issue 18): the first sync vs
 * `tar -c | docker cp -` of the same files into an empty volume, and a sync after a one-file edit
 * vs `docker cp` of that one file, at 2,000 and 20,000 files. Needs BUILDENV_E2E_DOCKER_HOST and
 * BUILDENV_E2E_IMAGE (`.ci/run` starts both); says so and measures nothing without them.
 *
 *   npx tsx bench/sync.ts
 */
import { execFileSync, execSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { volumeScriptArgs } from "../cli/workspace/docker";
import { EngineApi } from "../cli/workspace/engineApi";
import { spawnRunner } from "../cli/workspace/process";
import { holderName, syncTree } from "../cli/workspace/sync";

const DOCKER_HOST = process.env.BUILDENV_E2E_DOCKER_HOST;
const IMAGE = process.env.BUILDENV_E2E_IMAGE;
const EDITS = 5;

function docker(args: string[]): string {
  return execFileSync("docker", args, { env: { ...process.env, DOCKER_HOST }, encoding: "utf8" });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** `files` files of `size` bytes in 100 directories, in a git checkout (nothing committed). */
function generate(root: string, files: number, size: number): void {
  for (let i = 0; i < files; i++) {
    const dir = path.join(root, `d${i % 100}`);
    fs.mkdirSync(dir, { recursive: true });
    const data = Buffer.alloc(size, i % 251);
    data.write(`file ${i}\n`);
    fs.writeFileSync(path.join(dir, `f${i}.c`), data);
  }
  execFileSync("git", ["init", "-q"], { cwd: root });
}

async function benchTree(files: number, size: number): Promise<void> {
  const id = `bsyncbench-${process.pid}-${files}`;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-bench-sync-"));
  const tree = path.join(work, "tree");
  const volume = `${id}-source`;
  const raw = `${id}-raw`;
  const api = new EngineApi({ dockerHost: DOCKER_HOST! });
  try {
    generate(tree, files, size);
    docker(["volume", "create", volume]);
    docker(["volume", "create", raw]);
    docker(["create", "--name", `${raw}-holder`, "-v", `${raw}:/workspace/source`, IMAGE!, "true"]);
    const run = () =>
      syncTree(
        { dir: tree, exclude: [], clean: false },
        {
          api,
          dockerHost: DOCKER_HOST!,
          stack: "bench",
          volume,
          image: IMAGE!,
          cacheDir: path.join(work, "cache"),
          runScript: (script, args) =>
            spawnRunner("docker", volumeScriptArgs(IMAGE!, volume, "source", script, args), {
              env: { ...process.env, DOCKER_HOST },
              stdout: "capture",
              stderr: "capture",
            }),
          log: () => undefined,
          progress: { write: () => true },
        },
      );
    let t = performance.now();
    execSync(`tar -c -C ${tree} --exclude=.git . | docker cp - ${raw}-holder:/workspace/source`, {
      env: { ...process.env, DOCKER_HOST },
    });
    const rawFirst = performance.now() - t;
    t = performance.now();
    await run();
    const first = performance.now() - t;
    const mb = (files * size) / 1e6;
    console.log(
      `${files} files, ${mb.toFixed(0)} MB: first sync ${(first / 1000).toFixed(2)} s vs tar | docker cp ${(rawFirst / 1000).toFixed(2)} s: ${(first / rawFirst).toFixed(2)}x`,
    );
    const syncs: number[] = [];
    const copies: number[] = [];
    for (let i = 0; i < EDITS; i++) {
      const file = path.join(tree, "d7", "f7.c");
      fs.appendFileSync(file, `edit ${i}\n`);
      t = performance.now();
      const result = await run();
      syncs.push(performance.now() - t);
      if (result.sent !== 1) throw new Error(`one edit sent ${result.sent} files`);
      t = performance.now();
      docker(["cp", file, `${raw}-holder:/workspace/source/d7/f7.c`]);
      copies.push(performance.now() - t);
    }
    const s = median(syncs);
    const c = median(copies);
    console.log(
      `${files} files: sync after a one-file edit ${s.toFixed(0)} ms vs docker cp of the file ${c.toFixed(0)} ms: ${(s / c).toFixed(2)}x (median of ${EDITS})`,
    );
  } finally {
    api.close();
    for (const args of [
      ["rm", "-f", `${raw}-holder`, holderName(volume)],
      ["volume", "rm", "-f", volume, raw],
    ]) {
      try {
        docker(args);
      } catch {
        // already gone
      }
    }
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export async function benchSync(): Promise<void> {
  if (!DOCKER_HOST || !IMAGE) {
    console.log("no engine (BUILDENV_E2E_DOCKER_HOST, BUILDENV_E2E_IMAGE): sync not measured");
    return;
  }
  await benchTree(2_000, 10_000);
  await benchTree(20_000, 10_000);
}

if (require.main === module) {
  void benchSync();
}

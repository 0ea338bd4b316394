/**
 * `output --push` and `output --from` through a real registry (BUILDENV_E2E_REGISTRY, as `.ci/run`
 * starts it): a generated ~50 MB output archive (incompressible data, as build outputs mostly
 * are once compressed) pushed as an image and fetched back, with sizes, times, rates and whether
 * the fetched file is byte-identical (compared by the system's cmp). Says so and measures nothing
 * without a registry.
 *
 *   npx tsx bench/outputPush.ts
 */
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { fetchOutput, pushOutput } from "../cli/workspace/outputRegistry";
import { formatBytes } from "../cli/workspace/process";

const SIZE = 50 * 1000 * 1000;

export interface OutputPushBench {
  archiveBytes: number;
  pushMs: number;
  fetchMs: number;
  identical: boolean;
}

export async function benchOutputPush(): Promise<OutputPushBench | undefined> {
  const registry = process.env.BUILDENV_E2E_REGISTRY;
  if (!registry) {
    console.log("skipped: BUILDENV_E2E_REGISTRY not set (.ci/run starts a registry)");
    return undefined;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-output-push-"));
  try {
    const archive = path.join(dir, "out.tar.gz");
    // A tar of one file of random bytes, gzipped: what `output` would write for such a volume.
    fs.mkdirSync(path.join(dir, "output"));
    fs.writeFileSync(path.join(dir, "output", "data.bin"), crypto.randomBytes(SIZE));
    const tar = execFileSync("tar", ["-C", dir, "-cf", "-", "output"], { maxBuffer: 1 << 30 });
    fs.writeFileSync(archive, zlib.gzipSync(tar, { level: 1 }));
    const archiveBytes = fs.statSync(archive).size;
    const deps = { now: () => new Date(), log: () => undefined, print: () => undefined };
    const target = {
      server: registry,
      repository: `bpush-bench-${crypto.randomBytes(3).toString("hex")}/build-output`,
    };
    let t = performance.now();
    await pushOutput(archive, "bench", target, "buildenv output bench", deps);
    const pushMs = performance.now() - t;
    const back = path.join(dir, "back.tar.gz");
    t = performance.now();
    await fetchOutput("bench", back, target, deps);
    const fetchMs = performance.now() - t;
    let identical = true;
    try {
      execFileSync("cmp", ["-s", archive, back]);
    } catch {
      identical = false;
    }
    const rate = (ms: number) => `${formatBytes(Math.round((archiveBytes * 1000) / ms))}/s`;
    console.log(`archive: ${formatBytes(archiveBytes)} (${formatBytes(tar.length)} of tar)`);
    console.log(
      `push: ${pushMs.toFixed(0)} ms (${rate(pushMs)}), to ${target.server}/${target.repository}:bench`,
    );
    console.log(`fetch: ${fetchMs.toFixed(0)} ms (${rate(fetchMs)})`);
    console.log(`byte-identical: ${identical ? "yes" : "no"}`);
    return { archiveBytes, pushMs, fetchMs, identical };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchOutputPush().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

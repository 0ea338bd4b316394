/**
 * What the benches on a real Docker engine share: the engine `.ci/run` starts
 * (BUILDENV_E2E_DOCKER_HOST), the docker CLI against it, and the median of repeated timings
 * (used by every bench).
 */
import { execFileSync } from "child_process";
import { volumeScriptArgs } from "../cli/workspace/docker";
import { EngineApi } from "../cli/workspace/engineApi";
import { spawnRunner } from "../cli/workspace/process";
import { SyncResult, syncTree } from "../cli/workspace/sync";

export const DOCKER_HOST = process.env.BUILDENV_E2E_DOCKER_HOST;

/** The docker CLI against the bench's engine; its stdout. */
export function docker(args: string[]): string {
  return execFileSync("docker", args, {
    env: { ...process.env, DOCKER_HOST },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** `npm run env -- sync` of `dir` into `volume` on the bench's engine, quietly. */
export function syncQuietly(
  api: EngineApi,
  dir: string,
  volume: string,
  image: string,
  cacheDir: string,
): Promise<SyncResult> {
  return syncTree(
    { dir, exclude: [], clean: false },
    {
      api,
      dockerHost: DOCKER_HOST!,
      stack: "bench",
      volume,
      image,
      cacheDir,
      runScript: (script, args) =>
        spawnRunner("docker", volumeScriptArgs(image, volume, "source", script, args), {
          env: { ...process.env, DOCKER_HOST },
          stdout: "capture",
          stderr: "capture",
        }),
      log: () => undefined,
      progress: { write: () => true },
    },
  );
}

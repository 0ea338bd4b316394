/**
 * One sync in a process of its own, so a test can SIGKILL it mid-transfer: `tsx syncChild.ts`
 * with the target in BUILDENV_SYNC_CHILD (JSON: dockerHost, dir, volume, image, cacheDir). Prints
 * a progress line every 20 ms on stderr, which is the test's signal that the upload is under way.
 */
import { volumeScriptArgs } from "../../cli/workspace/docker";
import { EngineApi } from "../../cli/workspace/engineApi";
import { spawnRunner } from "../../cli/workspace/process";
import { syncTree } from "../../cli/workspace/sync";

interface ChildTarget {
  dockerHost: string;
  dir: string;
  volume: string;
  image: string;
  cacheDir: string;
}

async function main(): Promise<void> {
  const t = JSON.parse(process.env.BUILDENV_SYNC_CHILD ?? "") as ChildTarget;
  const api = new EngineApi({ dockerHost: t.dockerHost });
  try {
    await syncTree(
      { dir: t.dir, exclude: [], clean: false },
      {
        api,
        dockerHost: t.dockerHost,
        stack: "e2e",
        volume: t.volume,
        image: t.image,
        cacheDir: t.cacheDir,
        runScript: (script, args) =>
          spawnRunner("docker", volumeScriptArgs(t.image, t.volume, "source", script, args), {
            env: { ...process.env, DOCKER_HOST: t.dockerHost },
            stdout: "capture",
            stderr: "capture",
          }),
        log: (line) => process.stderr.write(`env: ${line}\n`),
        progress: process.stderr,
        progressIntervalMs: 20,
      },
    );
  } finally {
    api.close();
  }
}

void main();

/**
 * What the sync suites on a real Docker engine share: a kept source volume with its holder, the
 * syncTree call as `npm run env -- sync` makes it, and the volume's tree read back with `docker
 * cp`, the system `tar`, `find` and `sha256sum`, never with the code under test.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { volumeScriptArgs } from "../../cli/workspace/docker";
import { EngineApi } from "../../cli/workspace/engineApi";
import { spawnRunner } from "../../cli/workspace/process";
import { SyncResult, holderName, syncTree } from "../../cli/workspace/sync";
import { makeFullBusyboxImage } from "./e2eEngine";

export const DOCKER_HOST = process.env.BUILDENV_E2E_DOCKER_HOST;
export const BASE_IMAGE = process.env.BUILDENV_E2E_IMAGE;

export function docker(args: string[], input?: Buffer): string {
  return execFileSync("docker", args, {
    env: { ...process.env, DOCKER_HOST },
    encoding: "utf8",
    input,
    stdio: ["pipe", "pipe", "pipe"],
    maxBuffer: 1 << 30,
  }).trim();
}

/** Removes what a suite made on the engine (`docker rm`, `volume rm`, `rmi` argvs); what is gone is fine. */
export function removeFromEngine(argvs: readonly string[][]): void {
  for (const args of argvs) {
    try {
      docker([...args]);
    } catch {
      // not there
    }
  }
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
    cwd: dir,
    encoding: "utf8",
  });
}

export function sha256(text: string): string {
  return execFileSync("sha256sum", { input: text, encoding: "utf8" }).split(" ")[0];
}

/** `dir` as `find` lists it, `<type> <mode> <path>`, each regular file with its sha256. */
export function treeListing(dir: string, except: string[] = []): string {
  const prune = [".buildenv-sync", ".git", ...except].flatMap((name) => [
    "-path",
    `./${name}`,
    "-prune",
    "-o",
  ]);
  const lines = execFileSync("find", [".", "-mindepth", "1", ...prune, "-printf", "%y %m %p\\n"], {
    cwd: dir,
    encoding: "utf8",
  })
    .trim()
    .split("\n")
    .sort();
  return lines
    .map((line) => {
      const file = line.slice(line.indexOf(" ./") + 1);
      if (!line.startsWith("f ")) return line;
      const sum = execFileSync("sha256sum", [file], { cwd: dir, encoding: "utf8" }).split(" ")[0];
      return `${line} ${sum}`;
    })
    .join("\n");
}

/** A source volume `volume`, synced from a checkout with the build image `image`. */
export class SyncedVolume {
  readonly holder: string;
  readonly logs: string[] = [];

  constructor(
    readonly api: EngineApi,
    readonly volume: string,
    readonly image: string,
  ) {
    this.holder = holderName(volume);
  }

  /** Runs `script` in a container with the volume at /v, as a build would. */
  run(script: string): string {
    return docker([
      "run",
      "--rm",
      "-v",
      `${this.volume}:/v`,
      "-w",
      "/v",
      this.image,
      "sh",
      "-c",
      script,
    ]);
  }

  /**
   * The volume's tree as the system's tools see it: `docker cp` out of the holder, extracted by
   * `tar`, listed by treeListing (the sync records are left out: they are checked on their own).
   */
  tree(work: string): string {
    const out = fs.mkdtempSync(path.join(work, "out-"));
    const archive = execFileSync("docker", ["cp", `${this.holder}:/workspace/source/.`, "-"], {
      env: { ...process.env, DOCKER_HOST },
      maxBuffer: 1 << 30,
    });
    // Sync rounds mtimes up to whole seconds, so tar may see them a moment ahead.
    execFileSync("tar", ["-x", "--warning=no-timestamp", "-C", out], { input: archive });
    const listing = treeListing(out);
    fs.rmSync(out, { recursive: true, force: true });
    return listing;
  }

  sync(dir: string, cacheDir: string, clean = false): Promise<SyncResult> {
    this.logs.length = 0;
    return syncTree(
      { dir, exclude: [], clean },
      {
        api: this.api,
        dockerHost: DOCKER_HOST!,
        stack: "e2e",
        volume: this.volume,
        image: this.image,
        cacheDir,
        runScript: (script, args) =>
          spawnRunner("docker", volumeScriptArgs(this.image, this.volume, "source", script, args), {
            env: { ...process.env, DOCKER_HOST },
            stdout: "capture",
            stderr: "capture",
          }),
        log: (line) => this.logs.push(line),
        progress: { write: () => true },
      },
    );
  }
}

/** The names suite `id` uses on the engine: its build image and its kept source volume. */
export function suiteNames(id: string): { image: string; volume: string } {
  return { image: `buildenv-e2e-${id}:full`, volume: `buildenv-e2e-${id}-source` };
}

/** Suite `id`'s image (busybox with every applet) and kept volume, made after what a killed run left is removed. */
export function setUpSuite(id: string): SyncedVolume {
  const { image, volume } = suiteNames(id);
  tearDownSuite(id);
  makeFullBusyboxImage(docker, id, BASE_IMAGE!, image);
  // Labelled as the program labels a kept volume (buildVolume.ts): its holder stays.
  docker(["volume", "create", "--label", "buildenv.keep=true", volume]);
  return new SyncedVolume(new EngineApi({ dockerHost: DOCKER_HOST! }), volume, image);
}

/** Removes suite `id`'s holder, volume and image, and closes `synced`'s client. */
export function tearDownSuite(id: string, synced?: SyncedVolume): void {
  synced?.api.close();
  const { image, volume } = suiteNames(id);
  removeFromEngine([
    ["rm", "-f", `${id}-img`, holderName(volume)],
    ["volume", "rm", "-f", volume],
    ["rmi", "-f", image],
  ]);
}

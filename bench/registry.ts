/**
 * What a second run costs against the first (eksctl's headline for its build image): the first
 * run finds the content tag missing, builds from the staged context and pushes; the second finds
 * the tag in the registry and only pulls it by digest. Needs a Docker engine, a base image and a
 * registry (BUILDENV_E2E_DOCKER_HOST, BUILDENV_E2E_IMAGE, BUILDENV_E2E_REGISTRY, as `.ci/run`
 * sets them); says so and measures nothing without them.
 *
 * The image stands in for a toolchain image: a few MB of files copied in and a RUN step that
 * spends a few seconds of CPU (the real image's `apt-get install` and `go install` take minutes,
 * so the real ratio is larger).
 *
 *   npx tsx bench/registry.ts
 */
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stageBuildContext } from "../components/image/context";
import { computeImageTag } from "../components/image/manifest";
import { findImageDigest } from "../components/image/registryLookup";
import { median } from "./engine";

const RUNS = 3;
const REPOSITORY = "buildenv-bench/build";
const CONFIG = { context: "images/build", dockerfile: "images/build/Dockerfile" };

export interface RegistryBench {
  /** Median ms of: tag, registry check (missing), stage, build, push. */
  first: number;
  /** Median ms of: tag, registry check (present), pull by digest. */
  second: number;
  ratio: number;
}

export async function benchRegistry(): Promise<RegistryBench | undefined> {
  const dockerHost = process.env.BUILDENV_E2E_DOCKER_HOST;
  const base = process.env.BUILDENV_E2E_IMAGE;
  const registry = process.env.BUILDENV_E2E_REGISTRY;
  if (!dockerHost || !base || !registry) {
    console.log(
      "skipped: BUILDENV_E2E_DOCKER_HOST / BUILDENV_E2E_IMAGE / BUILDENV_E2E_REGISTRY not set (.ci/run starts an engine and a registry)",
    );
    return undefined;
  }
  const docker = (args: string[]) =>
    execFileSync("docker", args, {
      env: { ...process.env, DOCKER_HOST: dockerHost },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  const firsts: number[] = [];
  const seconds: number[] = [];
  const images: string[] = [];
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "bench-registry-"));
  try {
    const dir = path.join(root, "images/build");
    fs.mkdirSync(path.join(dir, "payload"), { recursive: true });
    for (let i = 0; i < 16; i++) {
      fs.writeFileSync(path.join(dir, "payload", `part${i}.bin`), crypto.randomBytes(256 * 1024));
    }
    fs.writeFileSync(
      path.join(dir, "Dockerfile"),
      `FROM ${base}\nCOPY nonce.txt /etc/nonce.txt\nCOPY payload /opt/payload\n` +
        "RUN i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; echo $i > /opt/count\n",
    );
    for (let run = 0; run < RUNS; run++) {
      // A new input each time, so the first run really finds its tag missing.
      fs.writeFileSync(path.join(dir, "nonce.txt"), crypto.randomBytes(16).toString("hex"));

      let start = process.hrtime.bigint();
      let { tag, entries } = computeImageTag(root, ["images/build"]);
      if ((await findImageDigest(registry, REPOSITORY, tag)) !== undefined) {
        throw new Error(`${registry}/${REPOSITORY}:${tag} is already in the registry`);
      }
      const staged = stageBuildContext(root, entries, CONFIG, tag);
      const tagged = `${registry}/${REPOSITORY}:${tag}`;
      docker([
        "build",
        "-q",
        // The CI engine has no bridge network; the RUN step needs none.
        "--network",
        "none",
        "--platform",
        "linux/amd64",
        "-f",
        path.join(root, staged.dockerfile),
        "-t",
        tagged,
        path.join(root, staged.context),
      ]);
      docker(["push", "-q", tagged]);
      firsts.push(Number(process.hrtime.bigint() - start) / 1e6);
      images.push(tagged);
      docker(["rmi", tagged]);

      start = process.hrtime.bigint();
      ({ tag, entries } = computeImageTag(root, ["images/build"]));
      const digest = await findImageDigest(registry, REPOSITORY, tag);
      if (digest === undefined) {
        throw new Error(`${tagged} is not in the registry after the push`);
      }
      const byDigest = `${registry}/${REPOSITORY}@${digest}`;
      docker(["pull", "-q", byDigest]);
      seconds.push(Number(process.hrtime.bigint() - start) / 1e6);
      images.push(byDigest);
    }
  } finally {
    for (const image of images) {
      try {
        docker(["rmi", "-f", image]);
      } catch {
        // already gone
      }
    }
    fs.rmSync(root, { recursive: true, force: true });
  }
  const result = { first: median(firsts), second: median(seconds), ratio: 0 };
  result.ratio = result.second / result.first;
  console.log(
    `first run (tag missing: stage, build, push) ${result.first.toFixed(0)} ms; ` +
      `second run (tag present: pull by digest) ${result.second.toFixed(0)} ms; ` +
      `second/first ${result.ratio.toFixed(2)}x (${(1 / result.ratio).toFixed(1)}x faster), median of ${RUNS}`,
  );
  return result;
}

if (require.main === module) {
  benchRegistry().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

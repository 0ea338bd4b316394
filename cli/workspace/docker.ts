/**
 * The exact `docker` command lines of each developer verb, for both host kinds. Pure: the verbs
 * in workspace/env.ts run them. Both kinds use the same routes (no host bind mounts, files move
 * through `docker cp` into a stopped helper container, as a VCH requires); they differ only in
 * the client's environment: a VCH gets TLS and API version 1.25.
 */
import { ComputeClass, DOCKER_CPU_SHARES } from "../../components/compute/classes";
import { CacheMount, cacheArgs } from "./cacheMounts";
import { HostKind } from "./outputs";

/**
 * Where volumes are mounted: `/workspace/<volume>`. The same as program.ts's WORKSPACE (a test
 * holds them equal); not imported from there so the CLI does not load every component.
 */
export const MOUNT_ROOT = "/workspace";

/** The API version a VCH speaks (vic's docker personality); newer clients must be told. */
export const VCH_API_VERSION = "1.25";

/** Client variables this CLI sets or clears, so nothing of the caller's own engine leaks in. */
const DOCKER_CLIENT_VARIABLES = [
  "DOCKER_HOST",
  "DOCKER_TLS_VERIFY",
  "DOCKER_CERT_PATH",
  "DOCKER_API_VERSION",
  "DOCKER_CONTEXT",
] as const;

/**
 * The docker client's environment for the stack's engine: the caller's environment with every
 * client variable replaced. `certDir` holds ca.pem, cert.pem and key.pem for a VCH.
 */
export function dockerEnv(
  base: Record<string, string | undefined>,
  kind: HostKind,
  dockerHost: string,
  certDir?: string,
): Record<string, string | undefined> {
  const env = { ...base };
  for (const name of DOCKER_CLIENT_VARIABLES) {
    delete env[name];
  }
  env.DOCKER_HOST = dockerHost;
  if (kind === "vch") {
    if (certDir === undefined) {
      throw new Error("a VCH needs the directory of its TLS client material");
    }
    env.DOCKER_TLS_VERIFY = "1";
    env.DOCKER_CERT_PATH = certDir;
    env.DOCKER_API_VERSION = VCH_API_VERSION;
  }
  return env;
}

/** Asks the engine for its version: fails fast, with the client's reason, when it is not there. */
export const PING_ARGS = ["version", "--format", "{{.Server.Version}}"] as const;

/** `docker volume inspect` of volumes: prints the names found; non-zero exit if one is missing. */
export function volumeInspectArgs(volumes: readonly string[]): string[] {
  return ["volume", "inspect", "--format", "{{.Name}}", ...volumes];
}

/** `-v <name>:/workspace/<key>` for each volume, by key, as the build command has them. */
export function mountArgs(volumes: Record<string, string>): string[] {
  return Object.keys(volumes)
    .sort()
    .flatMap((key) => ["-v", `${volumes[key]}:${MOUNT_ROOT}/${key}`]);
}

/** The class's limits exactly as the stack's buildCommand sets them (program.ts buildCommandLine). */
export function limitArgs(computeClass: ComputeClass): string[] {
  return [
    "--memory",
    `${computeClass.memoryMB}m`,
    "--cpu-shares",
    String(DOCKER_CPU_SHARES[computeClass.shares]),
  ];
}

function workdir(volumes: Record<string, string>): string {
  return "source" in volumes ? `${MOUNT_ROOT}/source` : MOUNT_ROOT;
}

export interface RunSpec {
  image: string;
  volumes: Record<string, string>;
  /** Mounted at their paths with their variables (cacheMounts.ts). Default: none. */
  caches?: Record<string, CacheMount>;
  computeClass: ComputeClass;
  /** Container name, so `--keep` can say which container to look at. */
  name: string;
  /** Keep the container after it exits (no `--rm`). Default: false. */
  keep?: boolean;
  command: readonly string[];
}

/** `run`: the command in the build image, volumes mounted, the source volume as working directory. */
export function runArgs(spec: RunSpec): string[] {
  return [
    "run",
    ...(spec.keep ? [] : ["--rm"]),
    "--name",
    spec.name,
    ...limitArgs(spec.computeClass),
    ...mountArgs(spec.volumes),
    ...cacheArgs(spec.caches ?? {}),
    "-w",
    workdir(spec.volumes),
    spec.image,
    ...spec.command,
  ];
}

/** `shell`: an interactive `sh` (every image has one; bash may not be there). */
export function shellArgs(spec: Omit<RunSpec, "command" | "keep">): string[] {
  return [
    "run",
    "--rm",
    "-it",
    "--name",
    spec.name,
    ...limitArgs(spec.computeClass),
    ...mountArgs(spec.volumes),
    ...cacheArgs(spec.caches ?? {}),
    "-w",
    workdir(spec.volumes),
    spec.image,
    "sh",
  ];
}

/**
 * A helper container that only holds a volume so `docker cp` can reach it. It is never started:
 * a VCH copies into a stopped container's volumes, and it needs no command to exist in the image.
 */
export function helperCreateArgs(
  helper: string,
  volume: string,
  key: string,
  image: string,
): string[] {
  return ["create", "--name", helper, "-v", `${volume}:${MOUNT_ROOT}/${key}`, image, "true"];
}

export function helperRemoveArgs(helper: string): string[] {
  return ["rm", "-f", helper];
}

/** A throw-away container running `script` in the volume, with `args` as `$1`, `$2`, .... */
export function volumeScriptArgs(
  image: string,
  volume: string,
  key: string,
  script: string,
  args: readonly string[],
): string[] {
  return [
    "run",
    "--rm",
    "-v",
    `${volume}:${MOUNT_ROOT}/${key}`,
    "-w",
    `${MOUNT_ROOT}/${key}`,
    image,
    "sh",
    "-c",
    script,
    "sh",
    ...args,
  ];
}

/** `docker cp` of the volume's contents as a tar stream on stdout (entries `./...`). */
export function copyOutArgs(helper: string, key: string): string[] {
  return ["cp", `${helper}:${MOUNT_ROOT}/${key}/.`, "-"];
}

/**
 * A stack's caches (`buildenv:caches`) as its `caches` output has them, and the `docker run`
 * arguments that mount them with their variables, the same as the stack's buildCommand
 * (program.ts buildCommandLine): by cache name, each cache's `-v` then its `-e`s by name.
 */
import { CliError } from "./process";

/** One cache: its volume, where it is mounted and the variables set with it. */
export interface CacheMount {
  /** The physical volume name, `buildenv-<stack>-cache-<name>`. */
  volume: string;
  /** Absolute path in the build container. */
  path: string;
  /** Variable name → value. */
  env: Record<string, string>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks the `caches` output. Undefined (a stack deployed before caches existed) is no cache.
 */
export function parseCachesOutput(raw: unknown, stack: string): Record<string, CacheMount> {
  if (raw === undefined) {
    return {};
  }
  const bad = () =>
    new CliError(
      `stack ${stack}: output caches is not a map of cache name → { volume, path, env }; run \`npm run up -- --stack ${stack}\` with this version of buildenv`,
    );
  if (!isRecord(raw)) {
    throw bad();
  }
  const caches: Record<string, CacheMount> = {};
  for (const name of Object.keys(raw).sort()) {
    const cache = raw[name];
    if (
      !isRecord(cache) ||
      typeof cache.volume !== "string" ||
      cache.volume === "" ||
      typeof cache.path !== "string" ||
      !cache.path.startsWith("/") ||
      !isRecord(cache.env) ||
      !Object.values(cache.env).every((v) => typeof v === "string")
    ) {
      throw bad();
    }
    caches[name] = {
      volume: cache.volume,
      path: cache.path,
      env: { ...(cache.env as Record<string, string>) },
    };
  }
  return caches;
}

/** `-v <volume>:<path>` and `-e NAME=value` of each cache, by cache name, variables by name. */
export function cacheArgs(caches: Readonly<Record<string, CacheMount>>): string[] {
  return Object.keys(caches)
    .sort()
    .flatMap((name) => {
      const { volume, path, env } = caches[name];
      return [
        "-v",
        `${volume}:${path}`,
        ...Object.keys(env)
          .sort()
          .flatMap((variable) => ["-e", `${variable}=${env[variable]}`]),
      ];
    });
}

/** What `run` and `shell` mount: the stack's volumes and its caches' volumes, sorted. */
export function mountedVolumes(outputs: {
  volumes: Readonly<Record<string, string>>;
  caches: Readonly<Record<string, CacheMount>>;
}): string[] {
  return [
    ...Object.values(outputs.volumes),
    ...Object.values(outputs.caches).map((c) => c.volume),
  ].sort();
}

/** `<volume> at <path>[ with NAME=value ...]`: one cache as `status` and `cache list` show it. */
export function describeCache(cache: CacheMount): string {
  const env = Object.keys(cache.env)
    .sort()
    .map((variable) => `${variable}=${cache.env[variable]}`);
  return `${cache.volume} at ${cache.path}${env.length > 0 ? ` with ${env.join(" ")}` : ""}`;
}

/**
 * `buildenv:caches`: volumes for what builds download and produce (Go modules, GOCACHE, npm,
 * Maven...), mounted at a path of the build container with variables that point the tools at
 * it. Unlike `buildenv:volumes` they are mounted at their own path, not under /workspace, and
 * always survive `pulumi destroy`. The build image stays the place for the toolchain.
 */
import * as path from "path";
import { z } from "zod";
import { check, describeType, nonEmpty, show } from "../config/schema";
import { capacitySchema } from "./config";
import { parseCapacityMB } from "./capacity";
import { VOLUME_KEY_PATTERN, VOLUME_KEY_RULE, cacheVolumeName, volumeName } from "./names";

export interface CacheConfig {
  /** Where the cache is mounted in the build container: absolute and normalized. */
  path: string;
  /** Whole decimal MB; {@link DEFAULT_CACHE_CAPACITY} unless set. */
  capacityMB: number;
  /** Variables set in the build container, sorted by name; none unless set. */
  env: Record<string, string>;
  /** Label of the VCH volume store the cache lives in (`default` unless set); VCH only. */
  store: string;
}

/** The capacity of a cache that does not set one. */
export const DEFAULT_CACHE_CAPACITY = "10GB";

/**
 * Where the stack's volumes are mounted (program.ts WORKSPACE, cli/workspace/docker.ts
 * MOUNT_ROOT; a test holds the three equal): a cache there would hide a volume or be hidden.
 */
export const VOLUMES_MOUNT_ROOT = "/workspace";

/** A cache path's characters: no `:` (docker run -v splits on it), no space, nothing a shell reads. */
const PATH_PATTERN = /^[A-Za-z0-9._@+/-]+$/;
const PATH_RULE = "an absolute path of letters, digits and . _ - + @ /, e.g. /root/go/pkg/mod";

/** A POSIX variable name (IEEE Std 1003.1-2017, 8.1 Environment Variable Definition). */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENV_NAME_RULE = "letters, digits and '_', not starting with a digit";

const CACHE_KEYS = ["path", "capacity", "env", "store"];

const envValue = z.string({
  error: (issue) =>
    `${show(issue.input)} is ${describeType(issue.input)}; expected a string (quote it in the stack file, e.g. "${String(issue.input)}")`,
});

const cacheSchema = z.strictObject(
  {
    path: z.string(),
    capacity: capacitySchema.optional(),
    env: z
      .record(z.string(), envValue, {
        error: (issue) =>
          `${show(issue.input)} is ${describeType(issue.input)}; expected an object of variable name → value`,
      })
      .optional(),
    store: nonEmpty.optional(),
  },
  {
    error: (issue) => {
      if (issue.code === "unrecognized_keys") {
        return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => show(k)).join(", ")}; allowed: ${CACHE_KEYS.join(", ")}`;
      }
      return issue.code === "invalid_type"
        ? `${show(issue.input)} is ${describeType(issue.input)}; expected an object with keys ${CACHE_KEYS.join(", ")}`
        : undefined;
    },
  },
);

/** Why a cache's path cannot be used, or undefined. */
function pathProblem(p: string): string | undefined {
  if (!p.startsWith("/")) {
    return `${show(p)} is not an absolute path; use ${PATH_RULE}`;
  }
  if (!PATH_PATTERN.test(p)) {
    return `${show(p)} is not valid; use ${PATH_RULE}`;
  }
  if (p === "/") {
    return `"/" is the container's root; a cache needs a directory of its own, e.g. /root/.cache/go-build`;
  }
  const normal = path.posix.normalize(p).replace(/\/+$/, "");
  if (normal !== p) {
    return `${show(p)} is not normalized; write it as ${show(normal)}`;
  }
  if (p === VOLUMES_MOUNT_ROOT || p.startsWith(`${VOLUMES_MOUNT_ROOT}/`)) {
    return `${show(p)} is in ${VOLUMES_MOUNT_ROOT}, where the stack's volumes are mounted (${VOLUMES_MOUNT_ROOT}/<volume>); use a path outside it`;
  }
  return undefined;
}

/**
 * Validates the caches (none unless set). `volumeKeys` are the `buildenv:volumes` keys, which a
 * cache name may not repeat; `storeLabels` are the host's volume store labels (a VCH), or
 * undefined for the local engine.
 */
export function parseCaches(
  raw: unknown,
  stack: string,
  volumeKeys: readonly string[],
  storeLabels: string[] | undefined,
  hostKind: "local" | "vch" | undefined,
  problems: string[],
): Record<string, CacheConfig> | undefined {
  const parsed = check(
    problems,
    "caches",
    z.record(z.string(), cacheSchema, {
      error: (i) =>
        `${show(i.input)} is ${describeType(i.input)}; expected an object of cache name → { path, capacity, env, store }`,
    }),
    raw ?? {},
  );
  if (!parsed) {
    return undefined;
  }
  const before = problems.length;
  const caches: Record<string, CacheConfig> = {};
  const envSetBy = new Map<string, string>();
  const pathOf = new Map<string, string>();
  for (const name of Object.keys(parsed).sort()) {
    const key = `buildenv:caches.${name}`;
    if (!VOLUME_KEY_PATTERN.test(name)) {
      problems.push(
        `buildenv:caches: cache name ${show(name)} is not valid; use ${VOLUME_KEY_RULE}`,
      );
      continue;
    }
    if (volumeKeys.includes(name)) {
      problems.push(
        `${key}: ${show(name)} is also a key of buildenv:volumes; a cache is a volume of its own, so give it another name`,
      );
    }
    const clash = volumeKeys.find((v) => volumeName(stack, v) === cacheVolumeName(stack, name));
    if (clash !== undefined) {
      problems.push(
        `${key}: its volume ${cacheVolumeName(stack, name)} is also the volume of buildenv:volumes.${clash}; rename one of them`,
      );
    }
    const cache = parsed[name];
    const badPath = pathProblem(cache.path);
    if (badPath !== undefined) {
      problems.push(`${key}.path: ${badPath}`);
    } else {
      for (const [other, otherPath] of pathOf) {
        if (otherPath === cache.path) {
          problems.push(
            `${key}.path: ${show(cache.path)} is also the path of buildenv:caches.${other}; two caches cannot share a path`,
          );
        } else if (
          cache.path.startsWith(`${otherPath}/`) ||
          otherPath.startsWith(`${cache.path}/`)
        ) {
          problems.push(
            `${key}.path: ${show(cache.path)} and the path ${show(otherPath)} of buildenv:caches.${other} are nested; one cache would hide part of the other`,
          );
        }
      }
      pathOf.set(name, cache.path);
    }
    const env: Record<string, string> = {};
    for (const variable of Object.keys(cache.env ?? {}).sort()) {
      const value = cache.env![variable];
      if (!ENV_NAME_PATTERN.test(variable)) {
        problems.push(`${key}.env: ${show(variable)} is not a variable name; use ${ENV_NAME_RULE}`);
        continue;
      }
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u001f\u007f]/.test(value)) {
        problems.push(
          `${key}.env.${variable}: ${show(value)} contains a control character (such as a newline); a value is one line of text`,
        );
        continue;
      }
      const setBy = envSetBy.get(variable);
      if (setBy !== undefined) {
        problems.push(
          `${key}.env.${variable}: is also set by buildenv:caches.${setBy}.env; only one cache may set a variable`,
        );
        continue;
      }
      envSetBy.set(variable, name);
      env[variable] = value;
    }
    const store = cache.store ?? "default";
    if (cache.store !== undefined && hostKind === "local") {
      problems.push(
        `${key}.store: ${show(cache.store)} applies to VCH volume stores only; remove it for host kind local`,
      );
    }
    if (storeLabels && !storeLabels.includes(store)) {
      problems.push(
        `${key}.store: ${show(store)} is not one of the host's volume stores ${storeLabels.join(", ")}`,
      );
    }
    caches[name] = {
      path: cache.path,
      capacityMB: cache.capacity ?? parseCapacityMB(DEFAULT_CACHE_CAPACITY)!,
      env,
      store,
    };
  }
  return problems.length > before ? undefined : caches;
}

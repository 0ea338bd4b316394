/**
 * The volumes of `buildenv:caches`: BuildVolumes like the stack's others (the same driver, store,
 * labels and, on a VCH, the same adopt script), always kept, so a cache outlives
 * `pulumi destroy` and the reaper as a `keep: true` volume does and the next `pulumi up` adopts
 * it with what it holds.
 */
import * as pulumi from "@pulumi/pulumi";
import { Priority } from "../compute/config";
import { BuildVolume, VolumeHost } from "./buildVolume";
import { CacheConfig } from "./cacheConfig";

/** What the stack exports of one cache (the `caches` output), and what mounts it. */
export interface CacheMount {
  /** The physical volume name, `buildenv-<stack>-cache-<name>`. */
  volume: pulumi.Output<string>;
  /** Where it is mounted in the build container. */
  path: string;
  /** Variables set in the build container, sorted by name. */
  env: Record<string, string>;
}

export interface CacheVolumesArgs {
  /** The engine the volumes live on. */
  host: VolumeHost;
  stack: string;
  /** The parsed `buildenv:caches`, sorted by name. */
  caches: Record<string, CacheConfig>;
  /** Recorded in the labels, as on the stack's other volumes. */
  owner: string;
  priority: Priority;
  /** Canonical expiry, or undefined for stacks that do not expire (labelled `never`). */
  expiresAt?: string;
  shared: boolean;
}

/**
 * Declares one kept BuildVolume per cache, named `<prefix>-cache-<name>` (volumes/cacheConfig.ts
 * refuses a `buildenv:volumes` key that would give the same name), in name order.
 */
export function declareCacheVolumes(
  prefix: string,
  args: CacheVolumesArgs,
): Record<string, CacheMount> {
  const mounts: Record<string, CacheMount> = {};
  for (const name of Object.keys(args.caches).sort()) {
    const cache = args.caches[name];
    const volume = new BuildVolume(`${prefix}-cache-${name}`, {
      host: args.host,
      stack: args.stack,
      volume: name,
      cache: true,
      // keep: what a cache holds is slow to get again, and it is no build's result to lose.
      config: { capacityMB: cache.capacityMB, keep: true, store: cache.store },
      owner: args.owner,
      priority: args.priority,
      ...(args.expiresAt ? { expiresAt: args.expiresAt } : {}),
      shared: args.shared,
    });
    mounts[name] = { volume: volume.volumeName, path: cache.path, env: { ...cache.env } };
  }
  return mounts;
}

/**
 * Names of volumes: the `buildenv:volumes` keys, and what they become in Docker and in CI.
 */

/** A key of `buildenv:volumes`; it becomes part of Docker volume names and CI variable names. */
export const VOLUME_KEY_PATTERN = /^[a-z](?:[a-z0-9-]{0,28}[a-z0-9])?$/;
export const VOLUME_KEY_RULE =
  "1-30 lower-case letters, digits and '-', starting with a letter and not ending with '-'";

/** Physical name of a stack's volume; the stack name keeps two stacks' volumes apart. */
export function volumeName(stack: string, volume: string): string {
  return `buildenv-${stack}-${volume}`;
}

/** The CI variable that carries a volume's physical name, e.g. `source` → `SOURCE_VOLUME`. */
export function volumeVariableName(volume: string): string {
  return `${volume.toUpperCase().replace(/-/g, "_")}_VOLUME`;
}

/**
 * Physical name of a stack's cache volume (`buildenv:caches`). The `cache-` part keeps it apart
 * from the stack's other volumes, unless a `buildenv:volumes` key is `cache-<name>` itself, which
 * volumes/cacheConfig.ts refuses.
 */
export function cacheVolumeName(stack: string, cache: string): string {
  return volumeName(stack, `cache-${cache}`);
}

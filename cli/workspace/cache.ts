/**
 * `npm run env -- cache list|clear <name>`: the stack's caches (`buildenv:caches`). `clear`
 * empties a cache's volume and keeps the volume (it is a kept resource of the stack): a
 * throw-away container of the build image mounts it and removes what is in it. It needs no bind
 * mount and no `docker cp`, so it works on a VCH as on the local engine.
 */
import { describeCache } from "./cacheMounts";
import { StackOutputs } from "./outputs";
import { CliError, CliOutput, RunResult, firstLine } from "./process";

/** What `cache` needs of env.ts's docker client. */
export interface CacheDocker {
  capture(args: string[]): Promise<RunResult>;
  /** Throws a one-line CliError naming the first volume the engine does not have. */
  requireVolumes(names: string[], stack: string): Promise<void>;
}

/** Where `clear` mounts the cache in its container: a path no build image uses. */
export const CLEAR_MOUNT = "/buildenv-cache";

/**
 * Removes every entry of the mount, dot-files too: `*` misses names starting with `.`, `.[!.]*`
 * and `..?*` match them but never `.` and `..` (a pattern that matches nothing stays as it is,
 * and `rm -f` ignores a name that is not there: POSIX XCU 2.13.3 and rm).
 */
export const CLEAR_SCRIPT = `rm -rf -- ${CLEAR_MOUNT}/* ${CLEAR_MOUNT}/.[!.]* ${CLEAR_MOUNT}/..?*`;

/** The throw-away container that empties `volume`. */
export function cacheClearArgs(name: string, volume: string, image: string): string[] {
  return [
    "run",
    "--rm",
    "--name",
    name,
    "-v",
    `${volume}:${CLEAR_MOUNT}`,
    image,
    "sh",
    "-c",
    CLEAR_SCRIPT,
  ];
}

/** Runs `cache list` or `cache clear <name>`; resolves to the exit code. */
export async function cacheVerb(
  command: { action: "list" } | { action: "clear"; name: string },
  stack: string,
  outputs: StackOutputs,
  docker: CacheDocker,
  out: CliOutput,
  id: string,
): Promise<number> {
  const names = Object.keys(outputs.caches).sort();
  if (command.action === "list") {
    out.stdout.write(
      names.length === 0
        ? `stack ${stack} has no caches (buildenv:caches)\n`
        : names.map((n) => `${n}: ${describeCache(outputs.caches[n])}\n`).join(""),
    );
    return 0;
  }
  const cache = outputs.caches[command.name];
  if (cache === undefined) {
    throw new CliError(
      `cache clear: stack ${stack} has no cache "${command.name}" (buildenv:caches.${command.name}); its caches: ${names.join(", ") || "none"}`,
      2,
    );
  }
  // `docker run -v` would make a missing volume on the spot: a new, unmanaged one.
  await docker.requireVolumes([cache.volume], stack);
  const cleared = await docker.capture(
    cacheClearArgs(`buildenv-${stack}-cache-clear-${id}`, cache.volume, outputs.buildImage),
  );
  if (cleared.code !== 0) {
    throw new CliError(
      `cache clear: emptying ${cache.volume} failed (${firstLine(cleared.stderr) || `exit code ${cleared.code}`}); what was not removed is still there`,
    );
  }
  out.stderr.write(`env: emptied cache ${command.name} (${cache.volume}); the volume stays\n`);
  return 0;
}

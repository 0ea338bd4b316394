/**
 * `npm run env -- status`: what the stack is and how long it has left, from its outputs and
 * what its engine says about the volumes.
 */
import { ComputeClass, DOCKER_CPU_SHARES } from "../../components/compute/classes";
import { describeCache } from "./cacheMounts";
import { StackOutputs } from "./outputs";

/** Within this long of the expiry, status warns. */
export const EXPIRY_WARNING_MS = 2 * 24 * 60 * 60 * 1000;

/** `3d 4h`, `5h 12m`, `7m`: the two largest units of a duration. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${mins}m`;
  return `${mins}m`;
}

export function formatComputeClass(c: ComputeClass): string {
  return `${c.memoryMB} MB memory (${c.memoryReservationMB} MB reserved), ${c.cpuMHz} MHz CPU (${c.cpuReservationMHz} MHz reserved), ${c.shares} shares (docker --cpu-shares ${DOCKER_CPU_SHARES[c.shares]})`;
}

/** What the engine said: its version, or why it could not be asked. */
export type EngineState =
  | { reachable: true; version: string; volumes: Record<string, boolean> }
  | { reachable: false; reason: string };

/** The status lines and, within two days of the expiry or past it, a warning. */
export function formatStatus(
  stack: string,
  outputs: StackOutputs,
  engine: EngineState,
  now: Date,
): { lines: string[]; warning?: string } {
  const kind = outputs.kind === "vch" ? "VCH" : "local engine";
  const hostState = engine.reachable
    ? `reachable, Docker ${engine.version}`
    : `not reachable: ${engine.reason}`;
  const keys = Object.keys(outputs.volumes).sort();
  const volumeLines = keys.map((key, i) => {
    const name = outputs.volumes[key];
    const state = engine.reachable ? (engine.volumes[name] ? "present" : "MISSING") : "not checked";
    return `${i === 0 ? "volumes:     " : "             "}${key}: ${name} (${state})`;
  });
  // Listed only when the stack has caches: older stacks, and most, have none.
  const cacheLines = Object.keys(outputs.caches)
    .sort()
    .map((name, i) => {
      const cache = outputs.caches[name];
      const state = engine.reachable
        ? engine.volumes[cache.volume]
          ? "present"
          : "MISSING"
        : "not checked";
      return `${i === 0 ? "caches:      " : "             "}${name}: ${describeCache(cache)} (${state})`;
    });
  let expiry = "never";
  let warning: string | undefined;
  if (outputs.expiresAt !== "never") {
    const left = new Date(outputs.expiresAt).getTime() - now.getTime();
    if (left <= 0) {
      expiry = `${outputs.expiresAt} (expired ${formatDuration(-left)} ago)`;
      warning = `stack ${stack} has expired; the reaper destroys it (volumes marked keep stay): extend it with \`npm run stack:extend -- ${stack}\` and commit the file`;
    } else {
      expiry = `${outputs.expiresAt} (${formatDuration(left)} left)`;
      if (left < EXPIRY_WARNING_MS) {
        warning = `stack ${stack} expires in ${formatDuration(left)}; extend it with \`npm run stack:extend -- ${stack}\` and commit the file`;
      }
    }
  }
  return {
    lines: [
      `stack:       ${stack}`,
      `host:        ${kind} ${outputs.dockerHost} (${hostState})`,
      ...(volumeLines.length > 0 ? volumeLines : ["volumes:     none"]),
      ...cacheLines,
      `build image: ${outputs.buildImage}`,
      `image tag:   ${outputs.buildImageTag}`,
      `compute:     ${formatComputeClass(outputs.computeClass)}`,
      `expires:     ${expiry}`,
    ],
    ...(warning === undefined ? {} : { warning }),
  };
}

/**
 * The compute config: `buildenv:priority` and `buildenv:computeClasses`, parsed into the classes
 * of classes.ts.
 */
import { z } from "zod";
import { check, oneOf, show, strict } from "../config/schema";
import { ComputeClass, DEFAULT_COMPUTE_CLASSES, PRIORITIES, Priority } from "./classes";

export {
  DEFAULT_COMPUTE_CLASSES,
  DOCKER_CPU_SHARES,
  PRIORITIES,
  type ComputeClass,
  type Priority,
  type ShareLevel,
} from "./classes";

/**
 * The least memory a container VM gets on a VCH: VIC raises any smaller `docker run --memory` to
 * it without a word (MemoryMinMB = 512, applied in lib/apiservers/engine/backends/
 * container.go:100-101 and :2000-2001 at vmware/vic 9489f63e).
 */
export const MIN_MEMORY_MB = 512;

/**
 * The least memory limit Docker takes: "Minimum memory limit allowed is 6MB" (moby
 * daemon/daemon_unix.go:68 and :410 at b985e231; the e2e engine, 20.10, answers `docker run
 * --memory 5m` so).
 */
export const MIN_DOCKER_MEMORY_MB = 6;

/**
 * The least memory limit a VCH's resource pool can run with: the pool holds the endpoint VM
 * (created in the VCH pool, lib/install/management/appliance.go:568 at vmware/vic 9489f63e;
 * `--endpoint-memory` defaults to DefaultEndpointMemoryMB = 2048, lib/constants/install.go:19)
 * and every container VM, each with at least MIN_MEMORY_MB.
 */
export const MIN_VCH_POOL_MEMORY_MB = 2048 + MIN_MEMORY_MB;

/** Why `computeClass` cannot size a VCH's resource pool, or undefined. */
export function vchPoolMemoryProblem(
  priority: Priority,
  computeClass: ComputeClass,
): string | undefined {
  return computeClass.memoryMB < MIN_VCH_POOL_MEMORY_MB
    ? `buildenv:computeClasses.${priority}.memoryMB: ${computeClass.memoryMB} MB is the memory limit of the VCH's resource pool, which holds the VCH's endpoint VM (2048 MB) and its container VMs (at least ${MIN_MEMORY_MB} MB each); use at least ${MIN_VCH_POOL_MEMORY_MB} on a VCH`
    : undefined;
}

const computeClassSchema = strict({
  memoryMB: z
    .number()
    .int()
    .positive()
    // A limit that is not positive has its own message above; a VCH's floor is checked with
    // the host (vchPoolMemoryProblem).
    .refine((mb) => mb <= 0 || mb >= MIN_DOCKER_MEMORY_MB, {
      error: (i) =>
        `${show(i.input)} MB is below ${MIN_DOCKER_MEMORY_MB} MB, the least memory limit Docker allows ("Minimum memory limit allowed is 6MB"); use at least ${MIN_DOCKER_MEMORY_MB}`,
    })
    .optional(),
  memoryReservationMB: z.number().int().nonnegative().optional(),
  cpuMHz: z.number().int().positive().optional(),
  cpuReservationMHz: z.number().int().nonnegative().optional(),
  shares: oneOf(["low", "normal", "high"]).optional(),
});

/** `buildenv:priority`; default `normal`. */
export function parsePriority(raw: unknown, problems: string[]): Priority | undefined {
  return raw === undefined ? "normal" : check(problems, "priority", oneOf(PRIORITIES), raw);
}

/** The class of `priority`: the default table with `buildenv:computeClasses` overrides. */
export function parseComputeClass(
  raw: unknown,
  priority: Priority,
  problems: string[],
): ComputeClass | undefined {
  return parseComputeClasses(raw, problems)?.[priority];
}

/**
 * Every priority's class: the default table with `buildenv:computeClasses` overrides. The stack
 * exports it so that a developer can pick another priority for one build (`npm run env -- run
 * --priority high`) and get the limits this stack's config gives that priority.
 */
export function parseComputeClasses(
  raw: unknown,
  problems: string[],
): Record<Priority, ComputeClass> | undefined {
  const overrides =
    raw === undefined
      ? {}
      : check(
          problems,
          "computeClasses",
          strict({
            low: computeClassSchema.optional(),
            normal: computeClassSchema.optional(),
            high: computeClassSchema.optional(),
          }),
          raw,
        );
  if (!overrides) {
    return undefined;
  }
  const table = {} as Record<Priority, ComputeClass>;
  for (const level of PRIORITIES) {
    const merged = { ...DEFAULT_COMPUTE_CLASSES[level], ...overrides[level] };
    table[level] = merged;
    if (merged.memoryReservationMB > merged.memoryMB) {
      problems.push(
        `buildenv:computeClasses.${level}.memoryReservationMB: ${merged.memoryReservationMB} is more than the memory limit ${merged.memoryMB}; a reservation must be at most the limit`,
      );
    }
    if (merged.cpuReservationMHz > merged.cpuMHz) {
      problems.push(
        `buildenv:computeClasses.${level}.cpuReservationMHz: ${merged.cpuReservationMHz} is more than the CPU limit ${merged.cpuMHz}; a reservation must be at most the limit`,
      );
    }
  }
  return table;
}

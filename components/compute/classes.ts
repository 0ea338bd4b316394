/**
 * Priority and the compute class it selects: the same class sizes a VCH (vic-machine's limits,
 * reservations and shares) and, on the local engine, the `docker run` line of the build command.
 * Nothing here imports: the developer's CLI takes these without the config parser, whose errors
 * are the Pulumi SDK's (loading it cost every `npm run env` verb 0.8 s).
 */

export const PRIORITIES = ["low", "normal", "high"] as const;
export type Priority = (typeof PRIORITIES)[number];

/** vSphere resource-pool share levels that vic-machine's `--cpu-shares`/`--memory-shares` accept. */
export type ShareLevel = "low" | "normal" | "high";

/**
 * The compute a stack gets. The same class sizes a VCH's resource pool and vic-machine's limits
 * and, on the local engine, the `docker run` line of the build command.
 */
export interface ComputeClass {
  /** Memory limit, MB. */
  memoryMB: number;
  /** Memory guaranteed to the stack, MB; at most memoryMB. */
  memoryReservationMB: number;
  /** CPU limit, MHz. */
  cpuMHz: number;
  /** CPU guaranteed to the stack, MHz; at most cpuMHz. */
  cpuReservationMHz: number;
  /** vSphere share level for CPU and memory when the host is contended. */
  shares: ShareLevel;
}

/** The documented default table; `buildenv:computeClasses` overrides fields of it. */
export const DEFAULT_COMPUTE_CLASSES: Readonly<Record<Priority, Readonly<ComputeClass>>> = {
  low: {
    memoryMB: 4096,
    memoryReservationMB: 0,
    cpuMHz: 4000,
    cpuReservationMHz: 0,
    shares: "low",
  },
  normal: {
    memoryMB: 8192,
    memoryReservationMB: 2048,
    cpuMHz: 8000,
    cpuReservationMHz: 1000,
    shares: "normal",
  },
  high: {
    memoryMB: 16384,
    memoryReservationMB: 4096,
    cpuMHz: 16000,
    cpuReservationMHz: 4000,
    shares: "high",
  },
};

/** Docker's relative CPU weight per share level (1024 is Docker's default), 1:2:4 like vSphere. */
export const DOCKER_CPU_SHARES: Readonly<Record<ShareLevel, number>> = {
  low: 512,
  normal: 1024,
  high: 2048,
};

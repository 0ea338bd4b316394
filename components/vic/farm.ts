/**
 * `buildenv:farm`: the build farm's resource pool, one for every VCH of the team, directly under
 * the cluster's root pool. The shared stack (buildenv:shared: true, with a VCH) declares it with
 * the farm's budget; every other VCH stack only names it and finds it by lookup.
 */
import { z } from "zod";
import type { ShareLevel } from "../compute/config";
import { check, matching, oneOf, show, strict } from "../config/schema";

/** The farm pool's name when `buildenv:farm.pool` is not given. */
export const DEFAULT_FARM_POOL = "buildenv";

export interface FarmConfig {
  /**
   * Name of the farm's pool, a child of the cluster's root pool (`<cluster>/Resources/<pool>`).
   * Default `buildenv`. Letters, digits, '-', '_' and '.', at most 80 characters.
   */
  pool: string;
  /** CPU limit of the whole farm, MHz (a positive integer); shared stack only; default none. */
  cpuLimitMHz?: number;
  /** Memory limit of the whole farm, MB (a positive integer); shared stack only; default none. */
  memoryLimitMB?: number;
  /** Share level of the farm against its siblings under the cluster; shared stack only; default normal. */
  shares: ShareLevel;
  /**
   * Whether this stack's VCH is created in the farm pool. Default true. `false` is a migration
   * step only: the shared stack then adds the pool and changes nothing else; the policy pack
   * refuses a VCH outside the pool (see README, "The build farm's pool").
   */
  placeVch: boolean;
}

const farmSchema = strict({
  pool: matching(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/,
    "1-80 letters, digits, '.', '-' and '_', starting with a letter or digit",
  ).optional(),
  cpuLimitMHz: z.number().int().positive().optional(),
  memoryLimitMB: z.number().int().positive().optional(),
  shares: oneOf(["low", "normal", "high"]).optional(),
  placeVch: z.boolean().optional(),
});

/**
 * `buildenv:farm`, for a `kind: vch` stack. The shared stack owns the pool and must give it a
 * budget (cpuLimitMHz and/or memoryLimitMB); without the key it declares no pool. A developer
 * stack may only name the pool (default `buildenv`) or, while migrating, keep its VCH out of it.
 */
export function parseFarm(
  raw: unknown,
  hostKind: "local" | "vch" | undefined,
  shared: boolean,
  problems: string[],
): FarmConfig | undefined {
  if (hostKind !== "vch") {
    if (raw !== undefined && hostKind === "local") {
      problems.push(
        "buildenv:farm: is set, but buildenv:host.kind is local; the farm pool is a vSphere resource pool for VCHs (kind: vch)",
      );
    }
    return undefined;
  }
  if (shared && raw === undefined) {
    // A shared stack from before the farm pool: its VCH stays directly under the cluster until
    // buildenv:farm is added (the policy pack refuses it; README, "The build farm's pool").
    return undefined;
  }
  const parsed = check(problems, "farm", farmSchema, raw ?? {});
  if (!parsed) {
    return undefined;
  }
  if (shared && parsed.cpuLimitMHz === undefined && parsed.memoryLimitMB === undefined) {
    problems.push(
      `buildenv:farm: ${show(raw ?? {})} gives the shared stack's farm pool no limit; set cpuLimitMHz and/or memoryLimitMB (the whole farm's budget), e.g. {pool: ${DEFAULT_FARM_POOL}, cpuLimitMHz: 200000, memoryLimitMB: 1048576}`,
    );
  }
  if (!shared) {
    for (const key of ["cpuLimitMHz", "memoryLimitMB", "shares"] as const) {
      if (parsed[key] !== undefined) {
        problems.push(
          `buildenv:farm.${key}: ${show(parsed[key])} is set on a developer stack, but the farm pool belongs to the shared stack (buildenv:shared: true), which sets its limits; a developer stack only names the pool`,
        );
      }
    }
  }
  return {
    pool: parsed.pool ?? DEFAULT_FARM_POOL,
    ...(parsed.cpuLimitMHz !== undefined ? { cpuLimitMHz: parsed.cpuLimitMHz } : {}),
    ...(parsed.memoryLimitMB !== undefined ? { memoryLimitMB: parsed.memoryLimitMB } : {}),
    shares: parsed.shares ?? "normal",
    placeVch: parsed.placeVch ?? true,
  };
}

/**
 * The farm pool as `--compute-resource` and the provider's getResourcePool take it:
 * `<cluster>/Resources/<pool>`, relative to the datacenter's host folder. VIC resolves the value
 * first as a resource pool path, then as a compute resource (lib/install/validate/compute.go:98-147);
 * its own tests accept "DC0_C0/Resources/validator" and refuse "DC0_C0/validator"
 * (lib/install/validate/validator_test.go:300-301). The provider resolves a pool name relative to
 * the datacenter's host folder too (govmomi find/finder.go:878, ResourcePoolList).
 */
export function farmPoolPath(cluster: string, pool: string): string {
  return `${cluster}/Resources/${pool}`;
}

/**
 * `buildenv:volumes`: volume name → capacity, whether it survives destroy, and its VCH store.
 */
import { z } from "zod";
import { booleanLike, check, describeType, nonEmpty, show } from "../config/schema";
import { CAPACITY_RULE, capacityPrecisionProblem, parseCapacityMB } from "./capacity";
import { VOLUME_KEY_PATTERN, VOLUME_KEY_RULE } from "./names";

export interface VolumeConfig {
  /** Whole decimal MB. */
  capacityMB: number;
  /** Survives `pulumi destroy` (retainOnDelete). */
  keep: boolean;
  /** Label of the VCH volume store the volume lives in (`default` unless set); VCH only. */
  store: string;
}

export const DEFAULT_VOLUMES: Readonly<Record<string, { capacity: string; keep: boolean }>> = {
  output: { capacity: "4GB", keep: false },
  source: { capacity: "2GB", keep: true },
};

/** A capacity (`2GB`, `500MB`, a bare number of MB) as whole decimal MB; see capacity.ts. */
export const capacitySchema = z
  .union([z.string(), z.number()], {
    error: (issue) =>
      issue.input === undefined
        ? `is required; use ${CAPACITY_RULE}`
        : `${show(issue.input)} is not a capacity; use ${CAPACITY_RULE}`,
  })
  .transform((value, ctx) => {
    const imprecise = capacityPrecisionProblem(value);
    if (imprecise !== undefined) {
      ctx.addIssue({ code: "custom", message: `${show(value)} ${imprecise}` });
      return z.NEVER;
    }
    const megabytes = parseCapacityMB(value);
    if (megabytes === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `${show(value)} is not a capacity; use ${CAPACITY_RULE}`,
      });
      return z.NEVER;
    }
    return megabytes;
  });

// A VCH has no host bind mounts; a key that asks for one gets a message that says so rather
// than the generic unknown-key error.
const BIND_MOUNT_KEYS = ["hostPath", "bind", "source", "path", "mountpoint"];
const VOLUME_KEYS = ["capacity", "keep", "store"];

const volumeSchema = z.strictObject(
  {
    capacity: capacitySchema,
    keep: booleanLike.optional(),
    store: nonEmpty.optional(),
  },
  {
    error: (issue) => {
      if (issue.code === "unrecognized_keys") {
        const binds = issue.keys.filter((k) => BIND_MOUNT_KEYS.includes(k));
        return binds.length > 0
          ? `${binds.map((k) => show(k)).join(", ")}: host bind mounts are not supported (a VCH allows named volumes only); use capacity, keep and store, and copy data into the volume instead`
          : `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => show(k)).join(", ")}; allowed: ${VOLUME_KEYS.join(", ")}`;
      }
      return issue.code === "invalid_type"
        ? `${show(issue.input)} is ${describeType(issue.input)}; expected an object with keys ${VOLUME_KEYS.join(", ")}`
        : undefined;
    },
  },
);

/**
 * Validates the volumes; `storeLabels` are the host's volume store labels (a VCH), or undefined
 * for the local engine, which has no stores.
 */
export function parseVolumes(
  raw: unknown,
  storeLabels: string[] | undefined,
  hostKind: "local" | "vch" | undefined,
  problems: string[],
): Record<string, VolumeConfig> | undefined {
  const source = raw ?? DEFAULT_VOLUMES;
  const parsed = check(
    problems,
    "volumes",
    z.record(z.string(), volumeSchema, {
      error: (i) =>
        `${show(i.input)} is ${describeType(i.input)}; expected an object of volume name → { capacity, keep }`,
    }),
    source,
  );
  if (!parsed) {
    return undefined;
  }
  const names = Object.keys(parsed).sort();
  if (names.length === 0) {
    problems.push(
      "buildenv:volumes: declares no volume; a build environment needs at least one (e.g. source)",
    );
    return undefined;
  }
  const volumes: Record<string, VolumeConfig> = {};
  for (const name of names) {
    if (!VOLUME_KEY_PATTERN.test(name)) {
      problems.push(
        `buildenv:volumes: volume name ${show(name)} is not valid; use ${VOLUME_KEY_RULE}`,
      );
      continue;
    }
    const volume = parsed[name];
    const store = volume.store ?? "default";
    if (volume.store !== undefined && hostKind === "local") {
      problems.push(
        `buildenv:volumes.${name}.store: ${show(volume.store)} applies to VCH volume stores only; remove it for host kind local`,
      );
    }
    if (storeLabels && !storeLabels.includes(store)) {
      problems.push(
        `buildenv:volumes.${name}.store: ${show(store)} is not one of the host's volume stores ${storeLabels.join(", ")}`,
      );
    }
    volumes[name] = { capacityMB: volume.capacity, keep: volume.keep ?? false, store };
  }
  return volumes;
}

/** Docker volumes (attributable, within quota) and containers (memory-limited). */

// The package's index.d.ts re-exports two members its proxy.d.ts strips as internal, which
// fails type-checking without skipLibCheck; the `policy` module declares the whole public API.
import * as policy from "@pulumi/policy/policy";
import {
  VOLUME_TYPE,
  CONTAINER_TYPE,
  LABEL,
  PRIORITIES,
  Priority,
  DEFAULT_QUOTA_MB,
  VolumeQuotaConfig,
  Props,
  validateTypes,
} from "./common";

/**
 * The labels of a Docker volume's `labels` list (`[{label, value}]`) by name. Entries that are
 * not label/value string pairs are skipped; for a repeated label the last entry wins.
 */
export function volumeLabels(props: Props): Map<string, string> {
  const labels = new Map<string, string>();
  const list = props.labels;
  if (!Array.isArray(list)) {
    return labels;
  }
  for (const entry of list as unknown[]) {
    if (typeof entry !== "object" || entry === null) {
      continue;
    }
    const { label, value } = entry as Props;
    if (typeof label === "string" && typeof value === "string") {
      labels.set(label, value);
    }
  }
  return labels;
}

const WHOLE_MB = /^[1-9]\d*$/;

/** A volume's capacity in decimal MB and as it is written, or why it cannot be read. */
export type CapacityReading = { mb: number; shown: string } | { problem: string };

/**
 * Reads a volume's capacity: from `driverOpts.Capacity` (what the vSphere volume driver acts on)
 * when that option is present, else from the `buildenv.capacity-mb` label. Only a whole, positive
 * number written as plain decimal digits is readable; units such as `2GB` are not. The driver
 * option is MiB (VIC makes a bare number N into an N×1024 KB disk: storage_proxy.go:650-687,
 * storage_handlers.go:445-452); the label is decimal MB, as the quotas are.
 */
export function volumeCapacityMb(props: Props): CapacityReading {
  const driverOpts = props.driverOpts;
  const [source, raw] =
    typeof driverOpts === "object" && driverOpts !== null && "Capacity" in driverOpts
      ? ["driverOpts.Capacity", (driverOpts as Props).Capacity]
      : [`label "${LABEL.capacityMb}"`, volumeLabels(props).get(LABEL.capacityMb)];
  if (raw === undefined) {
    return { problem: `neither driverOpts.Capacity nor label "${LABEL.capacityMb}" is set` };
  }
  const fromDriver = source === "driverOpts.Capacity";
  const unit = fromDriver ? "MiB" : "MB";
  if (typeof raw !== "string" || !WHOLE_MB.test(raw) || !Number.isSafeInteger(Number(raw))) {
    return { problem: `${source} is ${JSON.stringify(raw)}, not a whole number of ${unit}` };
  }
  if (!fromDriver) {
    return { mb: Number(raw), shown: `${raw} MB` };
  }
  const mb = (Number(raw) * 2 ** 20) / 1e6;
  return { mb, shown: `${raw} MiB (${Math.round(mb * 100) / 100} MB)` };
}

/** The quota in MB for each priority: the configured value where given, else the default. */
export function quotaMb(config: VolumeQuotaConfig): Record<Priority, number> {
  return {
    low: config.lowMaxMb ?? DEFAULT_QUOTA_MB.low,
    normal: config.normalMaxMb ?? DEFAULT_QUOTA_MB.normal,
    high: config.highMaxMb ?? DEFAULT_QUOTA_MB.high,
  };
}

function isPriority(value: string | undefined): value is Priority {
  return (PRIORITIES as readonly (string | undefined)[]).includes(value);
}

/** (1) Every volume names its owner and stack, so the reaper and the quota report can attribute it. */
export const volumeOwnershipLabelsPolicy: policy.ResourceValidationPolicy = {
  name: "buildenv-volume-ownership-labels",
  description: `Every Docker volume carries non-empty "${LABEL.owner}" and "${LABEL.stack}" labels.`,
  enforcementLevel: "mandatory",
  validateResource: validateTypes([VOLUME_TYPE], (props, _args, reportViolation) => {
    const labels = volumeLabels(props);
    for (const label of [LABEL.owner, LABEL.stack]) {
      if ((labels.get(label) ?? "").trim() === "") {
        reportViolation(`Volume has no non-empty "${label}" label.`);
      }
    }
  }),
};

/** (2) A volume's capacity stays within the quota of its priority; config overrides the quotas. */
export const volumeCapacityQuotaPolicy: policy.ResourceValidationPolicy = {
  name: "buildenv-volume-capacity-quota",
  description:
    "Every Docker volume has a readable capacity (driverOpts.Capacity in MiB, else the " +
    `"${LABEL.capacityMb}" label) within the per-volume quota of its "${LABEL.priority}".`,
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      lowMaxMb: {
        type: "integer",
        minimum: 1,
        default: DEFAULT_QUOTA_MB.low,
        description: "Largest capacity in MB of one low-priority volume.",
      },
      normalMaxMb: {
        type: "integer",
        minimum: 1,
        default: DEFAULT_QUOTA_MB.normal,
        description: "Largest capacity in MB of one normal-priority volume.",
      },
      highMaxMb: {
        type: "integer",
        minimum: 1,
        default: DEFAULT_QUOTA_MB.high,
        description: "Largest capacity in MB of one high-priority volume.",
      },
    },
  },
  validateResource: validateTypes([VOLUME_TYPE], (props, args, reportViolation) => {
    const capacity = volumeCapacityMb(props);
    if ("problem" in capacity) {
      reportViolation(`Volume capacity cannot be read: ${capacity.problem}.`);
      return;
    }
    const priority = volumeLabels(props).get(LABEL.priority);
    if (!isPriority(priority)) {
      const found = priority === undefined ? "missing" : JSON.stringify(priority);
      reportViolation(
        `Volume priority cannot be read: label "${LABEL.priority}" is ${found}, ` +
          `expected one of ${PRIORITIES.join(", ")}.`,
      );
      return;
    }
    const quota = quotaMb(args.getConfig<VolumeQuotaConfig>())[priority];
    if (capacity.mb > quota) {
      reportViolation(
        `Volume capacity ${capacity.shown} exceeds the ${priority}-priority quota of ${quota} MB.`,
      );
    }
  }),
};

/** (6) Every container has a memory limit, so one build cannot starve the host. */
export const containerMemoryLimitPolicy: policy.ResourceValidationPolicy = {
  name: "buildenv-container-memory-limit",
  description: "Every Docker container sets memory (in MB) to a positive limit.",
  enforcementLevel: "mandatory",
  validateResource: validateTypes([CONTAINER_TYPE], (props, _args, reportViolation) => {
    if (!("memory" in props)) {
      reportViolation("Container has no memory limit; set memory (in MB) to a positive integer.");
      return;
    }
    const memory = props.memory;
    if (typeof memory !== "number" || !Number.isInteger(memory) || memory <= 0) {
      reportViolation(
        `Container memory limit ${JSON.stringify(memory)} is not a positive integer number of MB.`,
      );
    }
  }),
};

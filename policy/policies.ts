/**
 * The policies of the buildenv policy pack. They live apart from `index.ts` because constructing a
 * `PolicyPack` starts the analyzer's gRPC server; tests and tools import this module instead.
 *
 * Policies match resources by their type token rather than with `validateResourceOfType`, so the
 * pack needs no provider SDK (only @pulumi/policy and @pulumi/pulumi) to load.
 *
 * During a preview, reading a property whose value is not known yet throws inside
 * @pulumi/policy, which then reports "can't run policy during preview" as advisory. The policies
 * therefore never catch errors around property reads, and test for mere presence with `in`
 * (which does not read the value) where the value itself does not matter.
 */

// The package's index.d.ts re-exports two members its proxy.d.ts strips as internal, which
// fails type-checking without skipLibCheck; the `policy` module declares the whole public API.
import * as policy from "@pulumi/policy/policy";
import * as expiry from "../components/lifecycle/expiry";
import { storeFolderProblem } from "../components/vic/vicMachine";

export const VOLUME_TYPE = "docker:index/volume:Volume";
export const CONTAINER_TYPE = "docker:index/container:Container";
export const COMMAND_TYPE = "command:local:Command";

export const HARBOR_PROJECT_TYPE = "harbor:index/project:Project";
export const HARBOR_ROBOT_TYPE = "harbor:index/robotAccount:RobotAccount";
export const HARBOR_RETENTION_TYPE = "harbor:index/retentionPolicy:RetentionPolicy";
export const HARBOR_IMMUTABLE_TYPE = "harbor:index/immutableTagRule:ImmutableTagRule";

/** The only actions a buildenv robot may be granted, on Harbor's `repository` resource. */
export const ROBOT_ACTIONS: readonly string[] = ["pull", "push"];

/** Config of the public Harbor project policy. */
export interface HarborPublicProjectConfig {
  /** Projects that may be public; default none. */
  allowPublic?: string[];
}

/** Repository- and environment-level secrets whose `plaintextValue`/`encryptedValue` are deprecated. */
export const REPOSITORY_SECRET_TYPES: readonly string[] = [
  "github:index/actionsSecret:ActionsSecret",
  "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
  "github:index/dependabotSecret:DependabotSecret",
];

/**
 * Organisation-wide secrets, and the resources that grant repositories access to them: a secret
 * declared here would be readable by every selected repository of the organisation.
 */
export const ORGANIZATION_SECRET_TYPES: readonly string[] = [
  "github:index/actionsOrganizationSecret:ActionsOrganizationSecret",
  "github:index/actionsOrganizationSecretRepositories:ActionsOrganizationSecretRepositories",
  "github:index/actionsOrganizationSecretRepository:ActionsOrganizationSecretRepository",
  "github:index/dependabotOrganizationSecret:DependabotOrganizationSecret",
  "github:index/dependabotOrganizationSecretRepositories:DependabotOrganizationSecretRepositories",
  "github:index/dependabotOrganizationSecretRepository:DependabotOrganizationSecretRepository",
  "github:index/codespacesOrganizationSecret:CodespacesOrganizationSecret",
  "github:index/codespacesOrganizationSecretRepositories:CodespacesOrganizationSecretRepositories",
];

/** The labels the program puts on every buildenv volume. */
export const LABEL = {
  capacityMb: "buildenv.capacity-mb",
  expiresAt: "buildenv.expires-at",
  keep: "buildenv.keep",
  owner: "buildenv.owner",
  priority: "buildenv.priority",
  shared: "buildenv.shared",
  stack: "buildenv.stack",
  volume: "buildenv.volume",
} as const;

export const PRIORITIES = ["low", "normal", "high"] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Per-volume capacity quotas in MB, used when the pack's config does not override them. */
export const DEFAULT_QUOTA_MB: Readonly<Record<Priority, number>> = {
  low: 20_000,
  normal: 50_000,
  high: 200_000,
};

/** Longest a developer stack may be set to live, in days from now, unless configured. */
export const DEFAULT_MAX_EXPIRY_DAYS = 30;

const DAY_MS = 86_400_000;

/** Config of the volume capacity quota policy; each absent key falls back to `DEFAULT_QUOTA_MB`. */
export interface VolumeQuotaConfig {
  lowMaxMb?: number;
  normalMaxMb?: number;
  highMaxMb?: number;
}

/** Config of the developer stack expiry policy; `maxDays` defaults to `DEFAULT_MAX_EXPIRY_DAYS`. */
export interface StackExpiryConfig {
  maxDays?: number;
}

type Props = Record<string, unknown>;
type TypedValidation = (
  props: Props,
  args: policy.ResourceValidationArgs,
  reportViolation: policy.ReportViolation,
) => void;

/**
 * A resource validation that runs `validate` on resources of the given type tokens and marks the
 * policy not applicable to any other resource, as `validateResourceOfType` does.
 */
function validateTypes(
  types: readonly string[],
  validate: TypedValidation,
): policy.ResourceValidation {
  return (args, reportViolation) => {
    if (!types.includes(args.type)) {
      args.notApplicable(`Policy only applies to resources of type ${types.join(", ")}`);
    }
    validate(args.props, args, reportViolation);
  };
}

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

/** vic-machine flags that turn off TLS or the verification of client certificates. */
export const TLS_DISABLING_FLAGS: readonly string[] = [
  "--no-tls",
  "--no-tlsverify",
  "--no-tls-verify",
];

const VIC_MACHINE = /vic-machine/;

/**
 * The given flags that occur in a shell script as whole words: `--no-tls` matches `--no-tls`,
 * `"--no-tls"` and `--no-tls=true`, but not `--no-tlsverify`. The whole script is searched rather
 * than the vic-machine invocation alone, so flags passed through a variable are caught as well.
 */
export function flagsInScript(script: string, flags: readonly string[]): string[] {
  return flags.filter((flag) => {
    const literal = flag.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`(?<![\\w-])${literal}(?![\\w-])`).test(script);
  });
}

/**
 * (3) VCH lifecycle commands never disable TLS and never force a create (which would re-install
 * over an existing VCH and ignore warnings). A command counts as a VCH command when any of its
 * scripts runs vic-machine; `--force` is allowed in the delete script, where it removes a VCH
 * that still has containers. The short form `-f` is not looked for: searching whole scripts, it
 * would match `rm -f` and `test -f`.
 */
export const vchTlsPolicy: policy.ResourceValidationPolicy = {
  name: "buildenv-vch-tls-required",
  description:
    "VCH commands never pass --no-tls, --no-tlsverify or --no-tls-verify to vic-machine, " +
    "nor --force to its create.",
  enforcementLevel: "mandatory",
  validateResource: validateTypes([COMMAND_TYPE], (props, args, reportViolation) => {
    const scripts = (["create", "update", "delete"] as const).flatMap((field) => {
      const script = props[field];
      return typeof script === "string" ? [{ field, script }] : [];
    });
    if (!scripts.some(({ script }) => VIC_MACHINE.test(script))) {
      args.notApplicable("Policy only applies to commands that run vic-machine");
    }
    for (const { field, script } of scripts) {
      for (const flag of flagsInScript(script, TLS_DISABLING_FLAGS)) {
        reportViolation(`VCH ${field} script passes ${flag}, which disables TLS verification.`);
      }
    }
    const create = scripts.find(({ field }) => field === "create");
    if (create && flagsInScript(create.script, ["--force"]).length > 0) {
      reportViolation(
        "VCH create script passes --force, which re-installs over an existing VCH and ignores warnings.",
      );
    }
  }),
};

/**
 * The words of a shell script as the shell splits them, with quotes removed (`'...'`, `"..."`
 * with backslash escapes, and bare text, concatenated within a word). Expansions are left as
 * written; comments and line continuations are dropped.
 */
export function shellWords(script: string): string[] {
  const words: string[] = [];
  const text = script.replace(/\\\n/g, " ").replace(/(^|\s)#[^\n]*/g, "$1");
  const word = /(?:'[^']*'|"(?:[^"\\]|\\.)*"|\\.|[^\s'"\\])+/g;
  for (const match of text.matchAll(word)) {
    const parts = match[0].match(/'[^']*'|"(?:[^"\\]|\\.)*"|\\.|[^'"\\]+/g) ?? [];
    words.push(
      parts
        .map((part) =>
          part.startsWith("'")
            ? part.slice(1, -1)
            : part.startsWith('"')
              ? part.slice(1, -1).replace(/\\(.)/g, "$1")
              : part.startsWith("\\")
                ? part.slice(1)
                : part,
        )
        .join(""),
    );
  }
  return words;
}

/** The values given to `--<flag>` in a script, as `--flag=value` or `--flag value`. */
export function flagValues(script: string, flag: string): string[] {
  const words = shellWords(script);
  const values: string[] = [];
  words.forEach((w, i) => {
    if (w.startsWith(`--${flag}=`)) values.push(w.slice(flag.length + 3));
    else if (w === `--${flag}` && i + 1 < words.length) values.push(words[i + 1]);
  });
  return values;
}

/**
 * (3b) Every volume store of a VCH is a folder of its own, `[<folder>/]vch/<VCH name>`: VIC
 * keeps all volumes directly under `<store>/volumes/` with nothing per VCH in the path, and
 * `vic-machine delete --force` deletes the whole store folder (store_files.go:321-394), so a
 * folder shared with, or containing, another VCH's store loses that VCH's volumes.
 */
export const vchVolumeStoreFolderPolicy: policy.ResourceValidationPolicy = {
  name: "buildenv-vch-own-volume-store",
  description:
    "Every --volume-store of a VCH create script is a datastore folder of that VCH alone, " +
    "<folder>/vch/<VCH name>, so deleting one VCH with --force cannot delete another's volumes.",
  enforcementLevel: "mandatory",
  validateResource: validateTypes([COMMAND_TYPE], (props, args, reportViolation) => {
    const create = props["create"];
    if (typeof create !== "string" || !VIC_MACHINE.test(create)) {
      args.notApplicable("Policy only applies to commands that run vic-machine");
    }
    const script = create as string;
    const stores = [...new Set(flagValues(script, "volume-store"))];
    const names = [...new Set(flagValues(script, "name"))];
    if (stores.length === 0) {
      return;
    }
    if (names.length !== 1) {
      reportViolation(
        `VCH create script names ${names.length} VCHs (--name); expected exactly one, to check its volume stores against.`,
      );
      return;
    }
    for (const store of stores) {
      const colon = store.lastIndexOf(":");
      const location = colon < 0 ? store : store.slice(0, colon);
      const slash = location.indexOf("/");
      const folder = slash < 0 ? "" : location.slice(slash + 1);
      const problem = storeFolderProblem(folder, names[0]);
      if (problem) {
        reportViolation(
          `VCH "${names[0]}" volume store "${store}": folder "${folder}" ${problem}.`,
        );
      }
    }
  }),
};

/** (4) GitHub secrets carry their value in `value` or `valueEncrypted`, not the deprecated fields. */
export const githubSecretValuePolicy: policy.ResourceValidationPolicy = {
  name: "buildenv-github-secret-value",
  description:
    "GitHub repository and environment secrets set value or valueEncrypted, never the " +
    "deprecated plaintextValue or encryptedValue.",
  enforcementLevel: "mandatory",
  validateResource: validateTypes(REPOSITORY_SECRET_TYPES, (props, _args, reportViolation) => {
    const replacements = [
      ["plaintextValue", "value"],
      ["encryptedValue", "valueEncrypted"],
    ] as const;
    for (const [deprecated, replacement] of replacements) {
      if (deprecated in props) {
        reportViolation(`Secret sets the deprecated ${deprecated}; use ${replacement} instead.`);
      }
    }
    if (!("value" in props) && !("valueEncrypted" in props)) {
      reportViolation("Secret sets neither value nor valueEncrypted.");
    }
  }),
};

/** (5) No organisation-wide secret, nor any grant of one to repositories. */
export const githubOrganizationSecretPolicy: policy.ResourceValidationPolicy = {
  name: "buildenv-no-github-organization-secrets",
  description:
    "No GitHub organisation secret is declared: every repository it selects could read it.",
  enforcementLevel: "mandatory",
  validateResource: validateTypes(ORGANIZATION_SECRET_TYPES, (_props, args, reportViolation) => {
    reportViolation(
      `Organisation-wide secrets are not allowed (${args.type}); ` +
        "declare a repository or environment secret instead.",
    );
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

/**
 * What is wrong with a Harbor robot account's permissions (empty when nothing): it must be a
 * project-level robot with exactly one permission, on one of `projects` (the Harbor projects the
 * stack declares), granting nothing but `pull` and `push` on `repository`. Entries with effect
 * `deny` grant nothing and are allowed.
 */
export function robotPermissionProblems(props: Props, projects: readonly string[]): string[] {
  const problems: string[] = [];
  if (props.level !== "project") {
    problems.push(
      `Robot account has level ${JSON.stringify(props.level)}; only project-level robots are allowed (a system robot can reach every project).`,
    );
  }
  const permissions = Array.isArray(props.permissions) ? (props.permissions as Props[]) : [];
  if (permissions.length !== 1) {
    problems.push(
      `Robot account has ${permissions.length} permissions; exactly one, on this stack's project, is allowed.`,
    );
  }
  for (const permission of permissions) {
    const namespace = permission.namespace;
    if (
      permission.kind !== "project" ||
      typeof namespace !== "string" ||
      !projects.includes(namespace)
    ) {
      problems.push(
        `Robot account has a ${JSON.stringify(permission.kind)} permission on ${JSON.stringify(namespace)}; ` +
          `only project permissions on a project this stack declares (${projects.map((p) => JSON.stringify(p)).join(", ") || "none"}) are allowed.`,
      );
    }
    const accesses = Array.isArray(permission.accesses) ? (permission.accesses as Props[]) : [];
    for (const access of accesses) {
      if (access.effect === "deny") {
        continue;
      }
      if (access.resource !== "repository" || !ROBOT_ACTIONS.includes(access.action as string)) {
        problems.push(
          `Robot account is granted ${JSON.stringify(access.action)} on ${JSON.stringify(access.resource)}; ` +
            `only ${ROBOT_ACTIONS.join(" and ")} on "repository" are allowed.`,
        );
      }
    }
  }
  return problems;
}

/**
 * (8) Harbor robot accounts get no more than push and pull on the stack's own project: project
 * level, one permission, on a project the stack declares, `repository` `pull`/`push` only.
 */
export const harborRobotLeastPrivilegePolicy: policy.StackValidationPolicy = {
  name: "buildenv-harbor-robot-least-privilege",
  description:
    "Harbor robot accounts are project-level, with one permission on a project the stack " +
    "declares, granting only pull and push on repositories.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const robots = args.resources.filter((r) => r.type === HARBOR_ROBOT_TYPE);
    if (robots.length === 0) {
      args.notApplicable("The stack declares no Harbor robot account");
    }
    const projects = args.resources
      .filter((r) => r.type === HARBOR_PROJECT_TYPE)
      .map((r) => r.props.name)
      .filter((name): name is string => typeof name === "string");
    for (const robot of robots) {
      for (const problem of robotPermissionProblems(robot.props, projects)) {
        reportViolation(`Robot account "${robot.name}": ${problem}`, robot.urn);
      }
    }
  },
};

/** (9) No public Harbor project, unless the pack's config names it in `allowPublic`. */
export const harborPrivateProjectPolicy: policy.ResourceValidationPolicy = {
  name: "buildenv-harbor-project-private",
  description: "Harbor projects are private unless the policy config lists them in allowPublic.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowPublic: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "Harbor projects that may be public.",
      },
    },
  },
  validateResource: validateTypes([HARBOR_PROJECT_TYPE], (props, args, reportViolation) => {
    const allowed = args.getConfig<HarborPublicProjectConfig>().allowPublic ?? [];
    if (props.public === true && !allowed.includes(props.name as string)) {
      reportViolation(
        `Harbor project ${JSON.stringify(props.name)} is public; anyone can pull its images. ` +
          "Make it private, or list it in this policy's allowPublic.",
      );
    }
  }),
};

/**
 * (10) Every Harbor project the stack declares has a retention policy: one whose `scope` depends
 * on the project (it is the project's id), so the registry cleans itself up.
 */
export const harborRetentionPolicy: policy.StackValidationPolicy = {
  name: "buildenv-harbor-project-retention",
  description: "Every Harbor project the stack declares has a tag retention policy scoped to it.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const projects = args.resources.filter((r) => r.type === HARBOR_PROJECT_TYPE);
    if (projects.length === 0) {
      args.notApplicable("The stack declares no Harbor project");
    }
    const retentions = args.resources.filter((r) => r.type === HARBOR_RETENTION_TYPE);
    for (const project of projects) {
      const scoped = retentions.some((r) =>
        [...(r.propertyDependencies["scope"] ?? []), ...r.dependencies].some(
          (d) => d.urn === project.urn,
        ),
      );
      if (!scoped) {
        reportViolation(
          `Harbor project ${JSON.stringify(project.props.name)} has no retention policy; declare a RetentionPolicy whose scope is the project's id.`,
          project.urn,
        );
      }
    }
  },
};

/**
 * (7) Builds the stack policy that keeps developer stacks short-lived: every volume whose
 * `buildenv.shared` label is not "true" belongs to a developer stack and must carry a
 * `buildenv.expires-at` that `parseExpiry` accepts, at most `maxDays` (config, default 30) after
 * now. Shared volumes need no expiry. An expiry already in the past passes: reaping expired
 * stacks is the reaper's job, and the program itself refuses to run them.
 *
 * @param now The clock; tests pass a fixed instant.
 */
export function makeDeveloperStackExpiryPolicy(now: () => Date): policy.StackValidationPolicy {
  return {
    name: "buildenv-developer-stack-expiry",
    description:
      `Volumes of developer stacks ("${LABEL.shared}" not "true") carry a parseable ` +
      `"${LABEL.expiresAt}" at most maxDays after now; "never" only on the local engine ` +
      `(driver "local"), where a stack occupies no shared infrastructure.`,
    enforcementLevel: "mandatory",
    configSchema: {
      properties: {
        maxDays: {
          type: "integer",
          minimum: 1,
          default: DEFAULT_MAX_EXPIRY_DAYS,
          description: "Latest expiry of a developer stack, in days from now.",
        },
      },
    },
    validateStack: (args, reportViolation) => {
      const volumes = args.resources.filter((resource) => resource.type === VOLUME_TYPE);
      if (volumes.length === 0) {
        args.notApplicable("The stack declares no Docker volumes");
      }
      const maxDays = args.getConfig<StackExpiryConfig>().maxDays ?? DEFAULT_MAX_EXPIRY_DAYS;
      const latest = new Date(now().getTime() + maxDays * DAY_MS);
      for (const volume of volumes) {
        const labels = volumeLabels(volume.props);
        if (labels.get(LABEL.shared) === "true") {
          continue;
        }
        const raw = labels.get(LABEL.expiresAt);
        const expiresAt = raw === undefined ? undefined : expiry.parseExpiry(raw);
        const subject = `Developer volume "${volume.name}"`;
        if (raw === "never" && volume.props["driver"] === "local") {
          // As in lifecycle/config.ts: an expiry is optional for a laptop's own engine.
          continue;
        }
        if (raw === undefined) {
          reportViolation(`${subject} has no "${LABEL.expiresAt}" label.`, volume.urn);
        } else if (expiresAt === undefined) {
          reportViolation(
            `${subject} has an unparseable "${LABEL.expiresAt}" label ${JSON.stringify(raw)}.`,
            volume.urn,
          );
        } else if (expiresAt.getTime() > latest.getTime()) {
          reportViolation(
            `${subject} expires at ${expiry.formatExpiry(expiresAt)}, more than ${maxDays} days ` +
              `from now (latest allowed ${expiry.formatExpiry(latest)}).`,
            volume.urn,
          );
        }
      }
    },
  };
}

/** The developer stack expiry policy on the real clock. */
export const developerStackExpiryPolicy = makeDeveloperStackExpiryPolicy(() => new Date());

/** Retention rule fields that keep only some of the tags a rule selects (the rest are deleted). */
const PRUNING_RULE_FIELDS = [
  "mostRecentlyPushed",
  "mostRecentlyPulled",
  "nDaysSinceLastPush",
  "nDaysSinceLastPull",
] as const;

/**
 * (11) No retention rule prunes the tags an immutable tag rule of the same Harbor project
 * protects: Harbor's retention never deletes an immutable tag (goharbor/harbor
 * src/pkg/retention/policy/action/performer.go:55-93 at c50c7ddd marks it IMMUTABLE instead), so
 * such a rule silently keeps every tag. Rules are compared by their repoMatching and tagMatching
 * patterns as written, not by whether two globs overlap.
 */
export const harborRetentionImmutablePolicy: policy.StackValidationPolicy = {
  name: "buildenv-harbor-retention-immutable",
  description:
    "No Harbor retention rule prunes tags that an immutable tag rule of the same project protects; retention never deletes those.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const projects = args.resources.filter((r) => r.type === HARBOR_PROJECT_TYPE);
    if (projects.length === 0) {
      args.notApplicable("The stack declares no Harbor project");
    }
    const dependsOn = (r: policy.PolicyResource, property: string, urn: string) =>
      [...(r.propertyDependencies[property] ?? []), ...r.dependencies].some((d) => d.urn === urn);
    for (const project of projects) {
      const immutable = args.resources.filter(
        (r) =>
          r.type === HARBOR_IMMUTABLE_TYPE &&
          r.props.disabled !== true &&
          dependsOn(r, "projectId", project.urn),
      );
      const retentions = args.resources.filter(
        (r) => r.type === HARBOR_RETENTION_TYPE && dependsOn(r, "scope", project.urn),
      );
      for (const retention of retentions) {
        const rules = (retention.props.rules ?? []) as Record<string, unknown>[];
        rules.forEach((rule, i) => {
          const field = PRUNING_RULE_FIELDS.find((f) => rule[f] !== undefined);
          if (rule.disabled === true || rule.alwaysRetain === true || field === undefined) {
            return;
          }
          const locked = immutable.find(
            (m) =>
              m.props.repoMatching === rule.repoMatching &&
              m.props.tagMatching === rule.tagMatching,
          );
          if (locked) {
            reportViolation(
              `Rule ${i} of retention policy "${retention.name}" prunes tags ${JSON.stringify(rule.tagMatching)} of ${JSON.stringify(rule.repoMatching)} by ${field}, but immutable tag rule "${locked.name}" protects them and Harbor's retention never deletes an immutable tag; retain them always, or drop the immutable rule (buildenv:registry.immutable: false).`,
              retention.urn,
            );
          }
        });
      }
    }
  },
};

/**
 * Every policy of the pack, the stack expiry policy reading the given clock.
 *
 * @param now The clock for the expiry policy; defaults to the real one.
 */
export function makePolicies(now: () => Date = () => new Date()): policy.Policies {
  return [
    volumeOwnershipLabelsPolicy,
    volumeCapacityQuotaPolicy,
    vchTlsPolicy,
    vchVolumeStoreFolderPolicy,
    githubSecretValuePolicy,
    githubOrganizationSecretPolicy,
    containerMemoryLimitPolicy,
    makeDeveloperStackExpiryPolicy(now),
    harborRobotLeastPrivilegePolicy,
    harborPrivateProjectPolicy,
    harborRetentionPolicy,
    harborRetentionImmutablePolicy,
  ];
}

/** Every policy of the pack, on the real clock: what `index.ts` serves. */
export const policies: policy.Policies = makePolicies();

/** A resource as the program registered it, for `runPolicies`. */
export interface PlannedResource {
  /** Type token, e.g. `docker:index/volume:Volume`. */
  type: string;
  /** Logical name. */
  name: string;
  /** Inputs (resource policies) and, lacking real outputs, also the stack policy's view. */
  props: Record<string, unknown>;
  /** Defaults to `urn:pulumi:stack::buildenv::<type>::<name>`. */
  urn?: string;
  /** URNs of the resources this one depends on (its inputs' and `dependsOn`). Default: none. */
  dependencies?: string[];
}

class NotApplicable extends Error {}

function throwNotApplicable(reason?: string): never {
  throw new NotApplicable(reason ?? "not applicable");
}

function isTypeOf(type: string, resourceClass: unknown): boolean {
  return (resourceClass as { __pulumiType?: unknown }).__pulumiType === type;
}

/** Runs a validation the way the analyzer does, except that it must finish synchronously. */
function runValidation(policyName: string, validation: () => Promise<void> | void): void {
  try {
    if (validation() instanceof Promise) {
      throw new Error(`policy ${policyName} is asynchronous, which runPolicies does not support`);
    }
  } catch (error) {
    if (!(error instanceof NotApplicable)) {
      throw error;
    }
  }
}

/**
 * Runs every policy of the pack as the analyzer would: each resource policy on every resource
 * (policies on other types mark themselves not applicable and report nothing), then the stack
 * policy on all resources at once. Policies whose enforcement level is configured (or declared)
 * as "disabled" are skipped.
 *
 * @param resources The resources to check; `props` serve as both inputs and outputs.
 * @param config Pack config as `pulumi --policy-pack-config` takes it: policy name to an
 *   enforcement level or to `{enforcementLevel?, ...properties}`; `all` sets every policy's level.
 *   Defaults to no config, i.e. every policy's schema defaults.
 * @param now The clock of the stack expiry policy; defaults to the real clock.
 * @returns Every violation as `<policy name> [<resource name>]: <message>` for resource policies
 *   and `<policy name>: <message>` for the stack policy, in policy then resource order; empty when
 *   everything complies.
 */
export function runPolicies(
  resources: readonly PlannedResource[],
  config: policy.PolicyPackConfig = {},
  now: () => Date = () => new Date(),
): string[] {
  const settings = (name: string): Record<string, unknown> => {
    const entry = config[name];
    return typeof entry === "string" ? { enforcementLevel: entry } : { ...entry };
  };
  const withUrn = resources.map((r) => ({
    ...r,
    urn: r.urn ?? `urn:pulumi:stack::buildenv::${r.type}::${r.name}`,
  }));
  const violations: string[] = [];
  for (const p of makePolicies(now)) {
    const { enforcementLevel, ...properties } = settings(p.name);
    const level = enforcementLevel ?? settings("all").enforcementLevel ?? p.enforcementLevel;
    if (level === "disabled") {
      continue;
    }
    const getConfig = <T extends object>(): T => properties as T;
    const common = {
      opts: {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
      },
      stackTags: new Map<string, string>(),
      getConfig,
      notApplicable: throwNotApplicable,
    };
    if ("validateStack" in p) {
      const stackResources: policy.PolicyResource[] = withUrn.map((r) => ({
        ...common,
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: r.props,
        dependencies: [] as policy.PolicyResource[],
        propertyDependencies: {},
        isType: (resourceClass) => isTypeOf(r.type, resourceClass),
        asType: (resourceClass) =>
          isTypeOf(r.type, resourceClass) ? (r.props as never) : undefined,
      }));
      const byUrn = new Map(stackResources.map((r) => [r.urn, r]));
      withUrn.forEach((r, i) => {
        stackResources[i].dependencies = (r.dependencies ?? []).flatMap((urn) => {
          const found = byUrn.get(urn);
          return found ? [found] : [];
        });
      });
      const report: policy.ReportViolation = (message) => violations.push(`${p.name}: ${message}`);
      runValidation(p.name, () =>
        p.validateStack({ ...common, resources: stackResources }, report),
      );
      continue;
    }
    const validations = [p.validateResource ?? []].flat();
    for (const r of withUrn) {
      const args: policy.ResourceValidationArgs = {
        ...common,
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: r.props,
        isType: (resourceClass) => isTypeOf(r.type, resourceClass),
        asType: (resourceClass) =>
          isTypeOf(r.type, resourceClass) ? (r.props as never) : undefined,
      };
      const report: policy.ReportViolation = (message) =>
        violations.push(`${p.name} [${r.name}]: ${message}`);
      for (const validate of validations) {
        runValidation(p.name, () => validate(args, report));
      }
    }
  }
  return violations;
}

/** What the policies share: the type tokens they match, the labels and defaults, and the typed validation. */

// The package's index.d.ts re-exports two members its proxy.d.ts strips as internal, which
// fails type-checking without skipLibCheck; the `policy` module declares the whole public API.
import * as policy from "@pulumi/policy/policy";

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

export const DAY_MS = 86_400_000;

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

export type Props = Record<string, unknown>;
export type TypedValidation = (
  props: Props,
  args: policy.ResourceValidationArgs,
  reportViolation: policy.ReportViolation,
) => void;

/**
 * A resource validation that runs `validate` on resources of the given type tokens and marks the
 * policy not applicable to any other resource, as `validateResourceOfType` does.
 */
export function validateTypes(
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

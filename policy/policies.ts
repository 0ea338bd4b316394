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
import {
  containerMemoryLimitPolicy,
  volumeCapacityQuotaPolicy,
  volumeOwnershipLabelsPolicy,
} from "./docker";
import {
  farmPoolLimitPolicy,
  vchInFarmPoolPolicy,
  vchTlsPolicy,
  vchVolumeStoreFolderPolicy,
} from "./vch";
import { githubOrganizationSecretPolicy, githubSecretValuePolicy } from "./github";
import {
  harborPrivateProjectPolicy,
  harborRetentionImmutablePolicy,
  harborRetentionPolicy,
  harborRobotLeastPrivilegePolicy,
} from "./harbor";
import { makeDeveloperStackExpiryPolicy } from "./expiry";
import { keptVolumeStoresPolicy } from "./keptVolumes";

export * from "./common";
export * from "./docker";
export * from "./vch";
export * from "./github";
export * from "./harbor";
export * from "./expiry";
export * from "./keptVolumes";

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
    vchInFarmPoolPolicy,
    farmPoolLimitPolicy,
    keptVolumeStoresPolicy,
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

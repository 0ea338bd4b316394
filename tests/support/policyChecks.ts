/**
 * Runs the policy pack's policies on hand-built resources, as the analyzer would, for the tests in
 * tests/policy/; and the volumes and VCH scripts those tests start from.
 */
import * as assert from "assert";
// Not the package index, whose declarations do not type-check (see policy/policies.ts).
import * as policy from "@pulumi/policy/policy";
import * as buildenv from "../../policy/policies";

/** What a validation reported: its violations, or why it declared itself not applicable. */
export type Outcome = string[] | { notApplicable: string };

export class NotApplicableSignal extends Error {}

export const common = {
  opts: {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
  },
  stackTags: new Map<string, string>(),
  notApplicable(reason?: string): never {
    throw new NotApplicableSignal(reason);
  },
  isType: () => false,
  asType: () => undefined,
};

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:dev::buildenv::${type}::${name}`;
}

export function outcome(run: () => void, violations: string[]): Outcome {
  try {
    run();
  } catch (error) {
    if (error instanceof NotApplicableSignal) {
      return { notApplicable: error.message };
    }
    throw error;
  }
  return violations;
}

/** Runs a resource policy on one hand-built resource, with the given policy config. */
export function checkResource(
  p: policy.ResourceValidationPolicy,
  type: string,
  props: Record<string, unknown>,
  config: Record<string, unknown> = {},
): Outcome {
  const args: policy.ResourceValidationArgs = {
    ...common,
    type,
    name: "res",
    urn: urnOf(type, "res"),
    props,
    getConfig: <T extends object>() => config as T,
  };
  const violations: string[] = [];
  const validations = [p.validateResource ?? []].flat();
  assert.strictEqual(validations.length, 1);
  return outcome(() => validations[0](args, (message) => violations.push(message)), violations);
}

export interface StackEntry extends DependsOn {
  type?: string;
  name: string;
  props: Record<string, unknown>;
}

/** A dependency list for a hand-built stack resource: the resources with these names. */
export type DependsOn = { dependsOn?: string[]; scopeFrom?: string };

/** Runs a stack policy on hand-built resources; violations read `<urn or "stack">: <message>`. */
export function checkStack(
  p: policy.StackValidationPolicy,
  resources: StackEntry[],
  config: Record<string, unknown> = {},
): Outcome {
  const built: policy.PolicyResource[] = resources.map(
    ({ type = buildenv.VOLUME_TYPE, name, props }) => ({
      ...common,
      type,
      name,
      urn: urnOf(type, name),
      props,
      dependencies: [],
      propertyDependencies: {},
    }),
  );
  resources.forEach((entry, i) => {
    const find = (name: string) => built.filter((r) => r.name === name);
    built[i].dependencies = (entry.dependsOn ?? []).flatMap(find);
    if (entry.scopeFrom) built[i].propertyDependencies = { scope: find(entry.scopeFrom) };
  });
  const args: policy.StackValidationArgs = {
    ...common,
    resources: built,
    getConfig: <T extends object>() => config as T,
  };
  const violations: string[] = [];
  return outcome(
    () => p.validateStack(args, (message, urn) => violations.push(`${urn ?? "stack"}: ${message}`)),
    violations,
  );
}

export type Labels = Record<string, string>;

export const DEVELOPER_LABELS: Labels = {
  "buildenv.capacity-mb": "2000",
  "buildenv.expires-at": "2026-12-01T00:00:00Z",
  "buildenv.keep": "false",
  "buildenv.owner": "alice",
  "buildenv.priority": "normal",
  "buildenv.shared": "false",
  "buildenv.stack": "alice",
  "buildenv.volume": "cache",
};

export const SHARED_LABELS: Labels = {
  ...DEVELOPER_LABELS,
  "buildenv.expires-at": "never",
  "buildenv.owner": "platform",
  "buildenv.shared": "true",
  "buildenv.stack": "ci",
};

/** Volume inputs as the program declares them, with labels sorted by name. */
export function volume(
  labels: Labels,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name: `buildenv-${labels["buildenv.stack"]}-${labels["buildenv.volume"]}`,
    driver: "local",
    labels: Object.keys(labels)
      .sort()
      .map((label) => ({ label, value: labels[label] })),
    ...extra,
  };
}

export function withoutLabel(labels: Labels, name: string): Labels {
  return Object.fromEntries(Object.entries(labels).filter(([label]) => label !== name));
}

export const VCH_CREATE = [
  "set -eu",
  'vic-machine-linux create --target "$VIC_TARGET" --name buildenv-alice \\',
  "  --compute-resource 'build-cluster/Resources/buildenv' \\",
  "  --tls-cname vch.example.org --volume-store 'vsanDatastore/buildenv/vch/buildenv-alice:default'",
].join("\n");
export const VCH_DELETE =
  'vic-machine-linux delete --target "$VIC_TARGET" --name buildenv-alice --force';

/** Harbor: least-privilege robots, private projects, retention that actually prunes. */

// The package's index.d.ts re-exports two members its proxy.d.ts strips as internal, which
// fails type-checking without skipLibCheck; the `policy` module declares the whole public API.
import * as policy from "@pulumi/policy/policy";
import {
  HARBOR_PROJECT_TYPE,
  HARBOR_ROBOT_TYPE,
  HARBOR_RETENTION_TYPE,
  HARBOR_IMMUTABLE_TYPE,
  ROBOT_ACTIONS,
  HarborPublicProjectConfig,
  Props,
  validateTypes,
} from "./common";

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

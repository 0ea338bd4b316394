/**
 * Pure rules of buildenv's Harbor project: robot names and permissions, retention rules, the
 * immutable content-tag pattern. Kept apart from the component so tests and policies can use them
 * without registering anything.
 */
import * as harbor from "@pulumiverse/harbor";
import { OUTPUT_KEEP, outputRepositoryPath } from "./outputRepository";

/** The tag every build rewrites with its registry cache (see image/buildImage.ts). */
export const CACHE_TAG = "cache";

/**
 * A content tag: exactly 40 lower-case hex digits (the git blob hash of the image manifest).
 * Harbor's tag selectors are doublestar globs, not regular expressions (goharbor/harbor
 * src/lib/selector/selectors/doublestar), so "40 hex digits" is the class `[0-9a-f]` 40 times.
 * It cannot match the cache tag.
 */
export const CONTENT_TAG_PATTERN = "[0-9a-f]".repeat(40);

/** The only actions a buildenv robot is ever granted, on the `repository` resource. */
export type RobotAction = "pull" | "push";

/** The push robot's short name; Harbor's login name is `robot$<project>+push`. */
export const PUSH_ROBOT = "push";

/**
 * A robot's short name from an id such as a stack or repository name: lower-case, runs of other
 * characters become '-', so it satisfies Harbor's `^[a-z0-9]+(?:[._-][a-z0-9]+)*$`.
 */
export function robotNamePart(id: string): string {
  return id
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** The pull-only robot of the host of stack `stack`. */
export function hostRobotName(stack: string): string {
  return `pull-host-${robotNamePart(stack)}`;
}

/** The pull-only robot of CI in GitHub repository `repository`. */
export function ciRobotName(repository: string): string {
  return `pull-ci-${robotNamePart(repository)}`;
}

/**
 * Problems with the CI robots of these repositories: two repositories whose names differ only in
 * case or punctuation (e.g. `a.b` and `a-b`) would share one robot name.
 */
export function ciRobotNameProblems(repositories: readonly string[]): string[] {
  const owner = new Map<string, string>();
  const problems: string[] = [];
  for (const repository of repositories) {
    const robot = ciRobotName(repository);
    const first = owner.get(robot);
    if (first !== undefined) {
      problems.push(
        `buildenv:github.repositories: ${JSON.stringify(first)} and ${JSON.stringify(repository)} would share the Harbor robot name ${JSON.stringify(robot)} (lower case, other characters as '-'); rename one or give CI to one of them`,
      );
    } else {
      owner.set(robot, repository);
    }
  }
  return problems;
}

/**
 * A project-level robot's only permission: the given actions on repositories of this one
 * project (Harbor allows a project robot exactly one project permission).
 */
export function robotPermissions(
  project: string,
  actions: readonly RobotAction[],
): harbor.types.input.RobotAccountPermission[] {
  return [
    {
      kind: "project",
      namespace: project,
      accesses: actions.map((action) => ({ action, resource: "repository", effect: "allow" })),
    },
  ];
}

/**
 * Retention of the build repository (rules are OR-ed; what no rule retains is deleted): the `keep`
 * most recently pushed content tags, or with `keep` undefined (immutable content tags, which
 * retention cannot delete anyway) every content tag; and always the cache tag. Untagged
 * artifacts are not retained (`untaggedArtifacts: false`; the provider's default, true, would
 * keep every manifest a rewritten cache tag left behind). Repositories no rule matches are not
 * touched. The output repository (`<repository>-output`, `output --push`) keeps its
 * `outputKeep` most recently pushed tags, whatever they are named (`**`: Harbor's doublestar
 * selector, goharbor/harbor src/lib/selector/selectors/doublestar/selector.go:104-118 at
 * c50c7ddd), and none of its untagged artifacts.
 *
 * @param outputKeep default OUTPUT_KEEP.
 */
export function retentionRules(
  repository: string,
  keep: number | undefined,
  outputKeep: number = OUTPUT_KEEP,
): harbor.types.input.RetentionPolicyRule[] {
  return [
    {
      ...(keep === undefined ? { alwaysRetain: true } : { mostRecentlyPushed: keep }),
      repoMatching: repository,
      tagMatching: CONTENT_TAG_PATTERN,
      untaggedArtifacts: false,
    },
    {
      alwaysRetain: true,
      repoMatching: repository,
      tagMatching: CACHE_TAG,
      untaggedArtifacts: false,
    },
    {
      mostRecentlyPushed: outputKeep,
      repoMatching: outputRepositoryPath(repository),
      tagMatching: "**",
      untaggedArtifacts: false,
    },
  ];
}

/** When retention runs; the provider reads Harbor's schedule back capitalised. */
export const RETENTION_SCHEDULE = "Daily";

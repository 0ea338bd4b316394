import * as harbor from "@pulumiverse/harbor";
import * as pulumi from "@pulumi/pulumi";
import { HarborSettings } from "./config";
import {
  PUSH_ROBOT,
  RETENTION_SCHEDULE,
  RobotAction,
  CONTENT_TAG_PATTERN,
  retentionRules,
  robotPermissions,
} from "./harbor";

/** A robot's login: `fullName` (e.g. `robot$buildenv+push`) and its generated secret. */
export interface RobotCredentials {
  username: pulumi.Output<string>;
  /** Always a Pulumi secret. */
  password: pulumi.Output<string>;
}

export interface HarborProjectArgs {
  /** Project, repository, retention and optional quota and garbage collection, from config. */
  settings: HarborSettings;
  /** Stack name, for robot descriptions. */
  stack: string;
  /**
   * Pull-only robots to declare, by short name (one per host and one per CI repository), each
   * with its description. Default: none.
   */
  pullRobots?: Record<string, string>;
}

/**
 * The Harbor side of the shared stack: the private project the build image lives in (scanned on
 * push, optional quota), its push robot and pull-only robots, retention of content tags and the
 * cache tag, immutability of content tags, and optionally Harbor's garbage collection schedule.
 * Uses the default Harbor provider (`harbor:url`, `harbor:username`, `harbor:password`).
 */
export class HarborProject extends pulumi.ComponentResource {
  readonly project: harbor.Project;
  /** Push and pull on this project only: builds and pushes the image. */
  readonly push: RobotCredentials;
  /** Pull only, by short name. */
  readonly pull: Record<string, RobotCredentials>;

  constructor(name: string, args: HarborProjectArgs, opts?: pulumi.ComponentResourceOptions) {
    super("buildenv:registry:HarborProject", name, {}, opts);
    const { settings } = args;

    this.project = new harbor.Project(
      name,
      {
        name: settings.project,
        public: false,
        vulnerabilityScanning: true,
        // Harbor refuses to delete a project that still has repositories unless forced: never force.
        forceDestroy: false,
        ...(settings.storageQuotaGB !== undefined ? { storageQuota: settings.storageQuotaGB } : {}),
      },
      // The images outlive the stack: `pulumi destroy` lets go of the project, never deletes it.
      { parent: this, retainOnDelete: true },
    );

    const robot = (short: string, actions: RobotAction[], description: string) => {
      const account = new harbor.RobotAccount(
        `${name}-robot-${short}`,
        {
          // Explicit: the bridge would otherwise autoname it, and the login name depends on it.
          name: short,
          level: "project",
          description,
          permissions: robotPermissions(settings.project, actions),
        },
        // The project must exist first; its name is config, so depend on it explicitly.
        { parent: this, dependsOn: [this.project] },
      );
      return { username: account.fullName, password: pulumi.secret(account.secret) };
    };

    this.push = robot(
      PUSH_ROBOT,
      ["pull", "push"],
      `buildenv ${args.stack}: builds and pushes ${settings.project}/${settings.repository}`,
    );
    this.pull = {};
    for (const short of Object.keys(args.pullRobots ?? {}).sort()) {
      this.pull[short] = robot(short, ["pull"], args.pullRobots![short]);
    }

    new harbor.RetentionPolicy(
      `${name}-retention`,
      {
        // The project's id is "/projects/<n>", the form the provider reads back.
        scope: this.project.id,
        schedule: RETENTION_SCHEDULE,
        rules: retentionRules(settings.repository, settings.keep),
      },
      { parent: this },
    );

    // Content tags name their content: nobody may re-push or delete one, retention included
    // (so with it, retention keeps every content tag). The cache tag is rewritten by every
    // build, so it is not matched.
    if (settings.immutable) {
      new harbor.ImmutableTagRule(
        `${name}-immutable`,
        {
          projectId: this.project.id,
          repoMatching: settings.repository,
          tagMatching: CONTENT_TAG_PATTERN,
        },
        { parent: this },
      );
    }

    if (settings.garbageCollection !== undefined) {
      new harbor.GarbageCollection(
        `${name}-gc`,
        {
          schedule: settings.garbageCollection,
          // Instance-wide: untagged artifacts of other projects may be pulled by digest.
          deleteUntagged: false,
        },
        { parent: this },
      );
    }

    this.registerOutputs({ project: this.project.name });
  }
}

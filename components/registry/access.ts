/**
 * Who pushes and pulls the build image, for every registry kind: the one place that decides which
 * credential the build, the host and each CI repository use (program.ts only wires the result).
 */
import * as pulumi from "@pulumi/pulumi";
import { RegistryConfig } from "./config";
import { ciRobotName, hostRobotName } from "./harbor";
import { HarborProject } from "./harborProject";

export interface RegistryAccessArgs {
  registry: RegistryConfig;
  /** `buildenv:shared`: only the shared stack declares the Harbor project and its robots. */
  shared: boolean;
  stack: string;
  /** Repositories whose CI pulls the image (`buildenv:github.repositories`). Default: none. */
  ciRepositories?: string[];
}

/** A registry login; without username and password, the engine's own `docker login` is used. */
export interface RegistryLogin {
  address: string;
  username?: pulumi.Input<string>;
  password?: pulumi.Input<string>;
}

export interface RegistryAccess {
  /** The registry as the build pushes to it, with the credential that may push. */
  pushTo: RegistryConfig;
  /** What the stack's host pulls with; undefined for an anonymous generic registry. */
  hostLogin?: RegistryLogin;
  /** Per CI repository, its own pull login (Harbor's shared stack); else CI uses `pushTo`'s. */
  ciLogins?: Record<string, { username: pulumi.Input<string>; password: pulumi.Input<string> }>;
  /** The Harbor project, robots and policies, on the shared stack on Harbor. */
  harborProject?: HarborProject;
}

/**
 * Declares what the registry needs and says who uses which credential:
 * - generic: the configured user and password (if any) everywhere;
 * - Harbor, shared stack: the push robot builds, the host and each CI repository pull with a
 *   pull-only robot of their own;
 * - Harbor, developer stack: nothing is declared; the developer's own Harbor account
 *   (`harbor:username`, `harbor:password`, which also asked for the tag) pushes and pulls: one
 *   account, from config, rather than whatever `docker login` the machine happens to hold.
 */
export function declareRegistryAccess(name: string, args: RegistryAccessArgs): RegistryAccess {
  const { registry } = args;
  if (registry.kind === "generic") {
    return {
      pushTo: registry,
      ...(registry.username && registry.password
        ? {
            hostLogin: {
              address: registry.server,
              username: registry.username,
              password: registry.password,
            },
          }
        : {}),
    };
  }
  const account = registry.harborAccount!;
  if (!args.shared) {
    const login = { username: account.username, password: account.password };
    return { pushTo: { ...registry, ...login }, hostLogin: { address: registry.server, ...login } };
  }
  const repositories = args.ciRepositories ?? [];
  const hostRobot = hostRobotName(args.stack);
  const harborProject = new HarborProject(name, {
    settings: registry.harbor!,
    stack: args.stack,
    pullRobots: {
      [hostRobot]: `buildenv ${args.stack}: the stack's container host pulls the build image`,
      ...Object.fromEntries(
        repositories.map((repository) => [
          ciRobotName(repository),
          `buildenv ${args.stack}: CI of ${repository} pulls the build image`,
        ]),
      ),
    },
  });
  return {
    pushTo: { ...registry, ...harborProject.push },
    hostLogin: { address: registry.server, ...harborProject.pull[hostRobot] },
    ciLogins: Object.fromEntries(repositories.map((r) => [r, harborProject.pull[ciRobotName(r)]])),
    harborProject,
  };
}

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
 * - Harbor, developer stack: nothing is declared; the developer's own `docker login` pushes
 *   (docker-build layers its `registries` on top of the host's Docker credentials, and is given
 *   none here) and pulls (a Docker provider `registryAuth` entry with only an address reads the
 *   login from `configFile`, default `~/.docker/config.json`, per the docker provider schema).
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
  if (!args.shared) {
    return { pushTo: registry, hostLogin: { address: registry.server } };
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

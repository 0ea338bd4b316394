import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import { GithubConfig } from "./config";
import { volumeVariableName } from "../volumes/names";

export interface CiSecretsArgs {
  /** Repositories (names; the owner is the GitHub provider's `github:owner`) and environment. */
  github: GithubConfig;
  /** `tcp://<address>:2376` of the VCH. */
  dockerHost: pulumi.Input<string>;
  /** CA that signed the VCH's server certificate and CI's client certificate. */
  caCertPem: pulumi.Input<string>;
  /** CI's own client certificate, distinct from the developer's so either can be revoked. */
  clientCertPem: pulumi.Input<string>;
  clientKeyPem: pulumi.Input<string>;
  /** Registry server and user; the password only when the registry is not anonymous. */
  registry: { server: string; username?: pulumi.Input<string>; password?: pulumi.Input<string> };
  /**
   * Per-repository registry credentials (Harbor: each repository's own pull-only robot), used
   * instead of `registry.username`/`password` for the repositories listed. Default: none.
   */
  registryCredentials?: Record<
    string,
    { username: pulumi.Input<string>; password: pulumi.Input<string> }
  >;
  /** The build image reference CI runs. */
  buildImage: pulumi.Input<string>;
  /** Volume key → physical volume name, e.g. `source` → `buildenv-ci-source`. */
  volumes: Record<string, pulumi.Input<string>>;
}

/** The registry user and password repository `repository`'s CI pulls with. */
function registryLogin(
  args: CiSecretsArgs,
  repository: string,
): { username?: pulumi.Input<string>; password?: pulumi.Input<string> } {
  return args.registryCredentials?.[repository] ?? args.registry;
}

/** Secret names and values one repository's CI receives; every value is made a Pulumi secret. */
export function ciSecretValues(
  args: CiSecretsArgs,
  repository: string,
): Record<string, pulumi.Output<string>> {
  const login = registryLogin(args, repository);
  const secrets: Record<string, pulumi.Input<string>> = {
    DOCKER_CA: args.caCertPem,
    DOCKER_CERT: args.clientCertPem,
    DOCKER_HOST: args.dockerHost,
    DOCKER_KEY: args.clientKeyPem,
    ...(login.password ? { REGISTRY_PASSWORD: login.password } : {}),
  };
  return Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, pulumi.secret(v)]));
}

/** Variable names and values one repository's CI receives; nothing secret goes here. */
export function ciVariableValues(
  args: CiSecretsArgs,
  repository: string,
): Record<string, pulumi.Input<string>> {
  const login = registryLogin(args, repository);
  const variables: Record<string, pulumi.Input<string>> = {
    BUILD_IMAGE: args.buildImage,
    DOCKER_TLS_VERIFY: "1",
    REGISTRY: args.registry.server,
    ...(login.username ? { REGISTRY_USERNAME: login.username } : {}),
  };
  for (const volume of Object.keys(args.volumes).sort()) {
    variables[volumeVariableName(volume)] = args.volumes[volume];
  }
  return variables;
}

/**
 * GitHub Actions secrets and variables that let each listed repository's CI build in the
 * environment: reach the VCH over TLS, pull the build image, mount the volumes. With an
 * `environment`, they are scoped to that deployment environment, declared here too.
 */
export class CiSecrets extends pulumi.ComponentResource {
  /** `<repository>/<NAME>` of every secret and variable, sorted. */
  readonly secretNames: string[];
  readonly variableNames: string[];

  constructor(name: string, args: CiSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("buildenv:ci:CiSecrets", name, {}, opts);
    const environment = args.github.environment;
    // GitHub sets its own timestamps; they must not show up as drift on every preview.
    const ignoreRemote: pulumi.CustomResourceOptions = {
      parent: this,
      ignoreChanges: ["remoteUpdatedAt"],
    };

    this.secretNames = [];
    this.variableNames = [];
    for (const repository of args.github.repositories) {
      const prefix = `${name}-${repository}`;
      const secrets = ciSecretValues(args, repository);
      const variables = ciVariableValues(args, repository);
      const env = environment
        ? new github.RepositoryEnvironment(
            `${prefix}-env`,
            { repository, environment },
            { parent: this },
          )
        : undefined;
      for (const secretName of Object.keys(secrets).sort()) {
        const logical = `${prefix}-${secretName.toLowerCase()}`;
        if (env) {
          new github.ActionsEnvironmentSecret(
            logical,
            { repository, environment: env.environment, secretName, value: secrets[secretName] },
            ignoreRemote,
          );
        } else {
          new github.ActionsSecret(
            logical,
            { repository, secretName, value: secrets[secretName] },
            ignoreRemote,
          );
        }
        this.secretNames.push(`${repository}/${secretName}`);
      }
      for (const variableName of Object.keys(variables).sort()) {
        const logical = `${prefix}-var-${variableName.toLowerCase()}`;
        if (env) {
          new github.ActionsEnvironmentVariable(
            logical,
            {
              repository,
              environment: env.environment,
              variableName,
              value: variables[variableName],
            },
            { parent: this },
          );
        } else {
          new github.ActionsVariable(
            logical,
            { repository, variableName, value: variables[variableName] },
            { parent: this },
          );
        }
        this.variableNames.push(`${repository}/${variableName}`);
      }
    }

    this.registerOutputs({ secretNames: this.secretNames, variableNames: this.variableNames });
  }
}

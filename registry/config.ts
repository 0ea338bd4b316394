/**
 * `buildenv:registry` and `buildenv:registryPassword`: where the build image is pushed and
 * pulled from.
 */
import * as pulumi from "@pulumi/pulumi";
import { ParseContext, check, nonEmpty, show, strict } from "../config/schema";
import { z } from "zod";

export interface RegistryConfig {
  server: string;
  repository: string;
  username?: string;
  password?: pulumi.Output<string>;
}

const registrySchema = strict({
  server: z.string().regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/, {
    error: (i) => `${show(i.input)} is not a registry host; use <host>[:<port>] without a scheme`,
  }),
  repository: z.string().regex(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, {
    error: (i) =>
      `${show(i.input)} is not a repository path; use lower-case path components separated by '/'`,
  }),
  username: nonEmpty.optional(),
});

export function parseRegistry(
  raw: unknown,
  ctx: ParseContext,
  problems: string[],
): RegistryConfig | undefined {
  if (raw === undefined) {
    if (ctx.secrets.registryPassword) {
      problems.push(
        "buildenv:registryPassword: is set but buildenv:registry is not; set the registry or remove the password",
      );
    }
    return undefined;
  }
  const parsed = check(problems, "registry", registrySchema, raw);
  if (!parsed) {
    return undefined;
  }
  const password = ctx.secrets.registryPassword;
  if (parsed.username && !password) {
    problems.push(
      `buildenv:registryPassword: is required with buildenv:registry.username ${show(parsed.username)}; set it with \`pulumi config set --secret buildenv:registryPassword\``,
    );
    return undefined;
  }
  if (!parsed.username && password) {
    problems.push("buildenv:registry.username: is required when buildenv:registryPassword is set");
    return undefined;
  }
  return {
    server: parsed.server,
    repository: parsed.repository,
    ...(parsed.username ? { username: parsed.username, password } : {}),
  };
}

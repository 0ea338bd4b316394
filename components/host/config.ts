/**
 * `buildenv:host`: the container host, the local Docker engine (the default) or a VCH.
 */
import { z } from "zod";
import { ParseContext, check, show, strict } from "../config/schema";
import { VchHostConfig, parseVchHost, vchHostSchema } from "../vic/config";

export interface LocalHostConfig {
  kind: "local";
  /** The local engine's address: `host.dockerHost`, else `DOCKER_HOST`, else the default socket. */
  dockerHost: string;
}

export type HostConfig = LocalHostConfig | VchHostConfig;

export const DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

/**
 * Why `value` is not an address for the local engine, or undefined. Only `unix`, `tcp` and `ssh`:
 * the Docker provider and CLI accept others (`npipe`, `fd`, `http`) that mean nothing on the
 * Linux hosts this runs on. An ssh host starting with `-` would reach ssh as an option
 * (`ssh://-oProxyCommand=...` runs a command), so it is refused whatever follows.
 */
export function dockerHostProblem(value: string): string | undefined {
  if (!/^(unix|tcp|ssh):\/\/\S+$/.test(value)) {
    return `${show(value)} is not a Docker address; use unix://, tcp:// or ssh://`;
  }
  if (/^ssh:\/\/(?:[^@/]*@)?-/.test(value)) {
    return `${show(value)} has an ssh host (or user) starting with '-', which ssh would read as an option; use ssh://[user@]host[:port]`;
  }
  return undefined;
}

const localHostSchema = strict({
  kind: z.literal("local"),
  dockerHost: z
    .string()
    .superRefine((value, ctx) => {
      const problem = dockerHostProblem(value);
      if (problem) {
        ctx.addIssue({ code: "custom", message: problem });
      }
    })
    .optional(),
});

const hostSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    const kind =
      value && typeof value === "object" ? (value as { kind?: unknown }).kind : undefined;
    if (!["local", "vch"].includes(kind as string)) {
      ctx.addIssue({
        code: "custom",
        path: ["kind"],
        message:
          kind === undefined
            ? "is required; use one of local, vch"
            : `${show(kind)} is not one of local, vch`,
      });
    }
  })
  .pipe(z.discriminatedUnion("kind", [localHostSchema, vchHostSchema]));

export function parseHost(
  raw: unknown,
  owner: string | undefined,
  ctx: ParseContext,
  problems: string[],
): HostConfig | undefined {
  if (raw === undefined) {
    return { kind: "local", dockerHost: ctx.env.DOCKER_HOST || DEFAULT_DOCKER_HOST };
  }
  const parsed = check(problems, "host", hostSchema, raw);
  if (!parsed) {
    return undefined;
  }
  if (parsed.kind === "local") {
    return {
      kind: "local",
      dockerHost: parsed.dockerHost ?? (ctx.env.DOCKER_HOST || DEFAULT_DOCKER_HOST),
    };
  }
  return parseVchHost(parsed, owner, ctx, problems);
}

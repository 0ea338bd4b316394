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

const localHostSchema = strict({
  kind: z.literal("local"),
  dockerHost: z
    .string()
    .regex(/^(unix|tcp|ssh|npipe):\/\/\S+$/, {
      error: (i) =>
        `${show(i.input)} is not a Docker address; use unix://, tcp://, ssh:// or npipe://`,
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

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
 * Characters no Docker address holds: C0 controls, DEL and C1 controls, which Go's url.Parse
 * refuses in the tcp:// addresses the Docker client parses ("net/url: invalid control character
 * in URL", go/src/net/url/url.go:436-437 in Go 1.26; moby client ParseHostURL parses tcp://
 * addresses with url.Parse), refused here for every scheme; and the Unicode bidirectional
 * formatting characters (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), which make the
 * value display differently from what the engine is given.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const HIDDEN_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** `U+001B` for a character messages cannot show as it is. */
export function describeCodePoint(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Why `value` is not an address for the local engine, or undefined. Only `unix`, `tcp` and `ssh`:
 * the Docker provider and CLI accept others (`npipe`, `fd`, `http`) that mean nothing on the
 * Linux hosts this runs on. An ssh host starting with `-` would reach ssh as an option
 * (`ssh://-oProxyCommand=...` runs a command), so it is refused whatever follows.
 */
export function dockerHostProblem(value: string): string | undefined {
  const hidden = HIDDEN_CHARACTER.exec(value);
  if (hidden) {
    return `${show(value)} contains ${describeCodePoint(hidden[0])}; a Docker address has no control or bidirectional formatting characters`;
  }
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
  // The environment's DOCKER_HOST stands in for host.dockerHost, so it is held to the same rules.
  const fromEnv = ctx.env.DOCKER_HOST;
  const envProblem = fromEnv ? dockerHostProblem(fromEnv) : undefined;
  if (raw === undefined) {
    if (envProblem) {
      problems.push(`DOCKER_HOST: ${envProblem}`);
      return undefined;
    }
    return { kind: "local", dockerHost: fromEnv || DEFAULT_DOCKER_HOST };
  }
  const parsed = check(problems, "host", hostSchema, raw);
  if (!parsed) {
    return undefined;
  }
  if (parsed.kind === "local") {
    if (parsed.dockerHost === undefined && envProblem) {
      problems.push(`DOCKER_HOST: ${envProblem}`);
      return undefined;
    }
    return {
      kind: "local",
      dockerHost: parsed.dockerHost ?? (ctx.env.DOCKER_HOST || DEFAULT_DOCKER_HOST),
    };
  }
  return parseVchHost(parsed, owner, ctx, problems);
}

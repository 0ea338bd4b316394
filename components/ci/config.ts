/**
 * `buildenv:github`: the repositories (and optionally the environment) that get the stack's
 * Actions secrets and variables.
 */
import { z } from "zod";
import { check, show, strict } from "../config/schema";

export interface GithubConfig {
  repositories: string[];
  environment?: string;
}

/** C0 and C1 control characters and DEL. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

const githubSchema = strict({
  repositories: z
    .array(
      z
        .string()
        .regex(/^[A-Za-z0-9._-]{1,100}$/, {
          error: (i) =>
            `${show(i.input)} is not a repository name; give the name only (the owner comes from github:owner)`,
        })
        // GitHub refuses "." and ".." ("The repository . is reserved"), strips a ".git" suffix
        // from a new repository's name (dead-claudia/github-limits pull requests 5 and 11) and
        // refuses a ".wiki" one ("The repository REPO cannot end in .wiki", github/docs issue
        // 44518): none names the repository the secrets would be meant for.
        .refine((name) => name !== "." && name !== "..", {
          error: (i) => `${show(i.input)} is reserved on GitHub; no repository has this name`,
        })
        .refine((name) => !/\.git$/i.test(name), {
          error: (i) =>
            `${show(i.input)} ends with ".git", which GitHub strips from repository names; give the name without it`,
        })
        .refine((name) => !/\.wiki$/i.test(name), {
          error: (i) =>
            `${show(i.input)} ends with ".wiki", which GitHub refuses in a repository name`,
        }),
    )
    .min(1, { error: "lists no repositories; name at least one" }),
  environment: z
    .string()
    .superRefine((value, ctx) => {
      // A control character would end up in workflow YAML and logs (a newline forges lines).
      if (CONTROL_CHARACTER.test(value)) {
        ctx.addIssue({
          code: "custom",
          message: `${show(value)} contains a control character; an environment name is printable text without '/'`,
        });
      } else if (!/^[^/\s][^/]{0,254}$/.test(value)) {
        ctx.addIssue({ code: "custom", message: `${show(value)} is not an environment name` });
      }
    })
    .optional(),
});

/** `buildenv:github`, repositories sorted; undefined when not set. */
export function parseGithub(raw: unknown, problems: string[]): GithubConfig | undefined {
  if (raw === undefined) {
    return undefined;
  }
  const github = check(problems, "github", githubSchema, raw);
  if (!github) {
    return undefined;
  }
  if (new Set(github.repositories).size !== github.repositories.length) {
    problems.push(
      `buildenv:github.repositories: ${show(github.repositories)} names a repository twice`,
    );
  }
  return {
    repositories: [...github.repositories].sort(),
    ...(github.environment ? { environment: github.environment } : {}),
  };
}

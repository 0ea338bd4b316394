/**
 * Destroys expired developer stacks, removes them from the backend and tells their owners.
 *
 *   npm run reap -- [--dry-run] [--now <iso>] [--grace 1h] [--warn 2d] [--shared <stack,...>]
 *                   [--shared-file <path>] [--git-ref origin/main] [--notify] [--dir <path>]
 *
 * Every rule lives in lifecycle/ (reaper.ts, reapRun.ts, reapCli.ts, notices.ts); this file only runs the
 * Pulumi CLI (on the backend PULUMI_BACKEND_URL selects), git and the GitHub REST API. It runs
 * the CLI itself rather than through the Automation API, so that each command gets exactly the
 * environment the reaper chooses (the Automation API adds its `envVars` to the whole process
 * environment), and no command ever decrypts: `pulumi stack ls`, `destroy` and `stack rm` only.
 */

import { execFile, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { IssueClient, notifyOwners } from "./lifecycle/notices";
import { ReapOptions, ReapSetupError, reapMain } from "./lifecycle/reapCli";
import type { ReapWorkspace } from "./lifecycle/reaper";
import { checkListing } from "./lifecycle/reapRun";
import { parseTtl } from "../components/lifecycle/expiry";
import { MAX_TTL, stackFileName } from "./lifecycle/stackFile";
import { NO_PULUMI, findExecutable } from "./workspace/process";

interface CommandFailure extends Error {
  commandResult: { stdout: string; stderr: string; code: number | null };
}

function run(
  file: string,
  args: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd, env: { ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const failure = new Error(`${path.basename(file)} ${args[0]} failed`) as CommandFailure;
          failure.commandResult = {
            stdout,
            stderr,
            code: typeof error.code === "number" ? error.code : null,
          };
          reject(failure);
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

/** A command streamed to this process's output (a destroy is long; CI shows it as it goes). */
function stream(
  file: string,
  args: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string>>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let stderr = "";
    const child = spawn(file, args, { cwd, env: { ...env }, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (chunk: Buffer) => process.stdout.write(chunk));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      process.stderr.write(chunk);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) {
        resolve();
        return;
      }
      const failure = new Error(`pulumi ${args[0]} failed`) as CommandFailure;
      failure.commandResult = { stdout: "", stderr, code };
      reject(failure);
    });
  });
}

/**
 * The reaper's view of the Pulumi project in `options.dir` (default: the current directory).
 *
 * @param env the reaper's environment; the CLI commands that list get only PATH, HOME,
 *   PULUMI_HOME and PULUMI_BACKEND_URL from it, destroys get what reaper.ts chooses.
 * @throws ReapSetupError when there is no `pulumi` on PATH.
 */
export async function openPulumiWorkspace(
  options: Pick<ReapOptions, "dir" | "gitRef">,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<ReapWorkspace> {
  const pulumi = findExecutable("pulumi", { PATH: env.PATH });
  if (pulumi === undefined) {
    throw new ReapSetupError(`${NO_PULUMI} (the reap workflow installs it)`);
  }
  const dir = path.resolve(options.dir ?? process.cwd());
  // Checked here: a command started in a missing directory fails with no stderr to quote.
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (stat === undefined || !stat.isDirectory()) {
    throw new ReapSetupError(
      `--dir ${JSON.stringify(options.dir ?? dir)}: ${stat === undefined ? "no such directory" : "not a directory"}`,
    );
  }
  const listEnv: Record<string, string | undefined> = {
    PATH: env.PATH,
    HOME: env.HOME,
    PULUMI_HOME: env.PULUMI_HOME,
    PULUMI_BACKEND_URL: env.PULUMI_BACKEND_URL,
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  for (const key of Object.keys(listEnv)) {
    if (listEnv[key] === undefined) delete listEnv[key];
  }
  const gitEnv = gitAuthEnvironment(env);
  /** The commit each stack's file was last read at. */
  const fetched = new Map<string, string>();
  return {
    // `stack ls --json` prints name, lastUpdate (UTC, "2006-01-02T15:04:05.000Z07:00", omitted
    // while an update runs), resourceCount...: pulumi/pulumi pkg/cmd/pulumi/stack/stack_list.go
    // 219-249 and pkg/cmd/pulumi/cmd/time.go:25. Run in the project directory, a self-managed
    // backend elides the project from the name (pkg/backend/diy/backend.go:150-175).
    listStacks: async () => {
      const text = await run(pulumi, ["stack", "ls", "--json"], dir, listEnv);
      // Checked entry by entry: a ListingError names what is wrong, in one line.
      return checkListing(JSON.parse(text));
    },
    readStackFile: async (stack) => {
      const file = stackFileName(stack.split("/").at(-1)!);
      if (options.gitRef === undefined) {
        const full = path.join(dir, file);
        const stat = fs.lstatSync(full, { throwIfNoEntry: false });
        if (stat === undefined) return undefined;
        if (stat.isSymbolicLink()) throw new Error(`${file} is a symlink; it is not read`);
        return fs.readFileSync(full, "utf8");
      }
      // Fetched afresh for every read, so an extension pushed during the run is seen.
      const head = await fetchDefaultBranch(options.gitRef, dir, gitEnv);
      fetched.set(stack, head);
      try {
        return await run("git", ["show", `${head}:${file}`], dir, gitEnv);
      } catch (error) {
        const stderr = (error as CommandFailure).commandResult?.stderr ?? "";
        if (/does not exist|exists on disk, but not in/.test(stderr)) return undefined;
        throw error;
      }
    },
    expiryCommitTime: async (stack) => {
      const file = stackFileName(stack.split("/").at(-1)!);
      const head =
        options.gitRef === undefined
          ? "HEAD"
          : (fetched.get(stack) ?? (await fetchDefaultBranch(options.gitRef, dir, gitEnv)));
      return lastExpiryCommit(dir, head, file, gitEnv);
    },
    // Without --show-secrets the deployment is written as stored, nothing decrypted: pulumi/pulumi
    // pkg/cmd/pulumi/stack/stack_export.go:107-139 (only --show-secrets deserializes it).
    stateResourceTypes: async (stack) => {
      const text = await run(pulumi, ["stack", "export", "--stack", stack], dir, listEnv);
      const exported = JSON.parse(text) as { deployment?: { resources?: { type?: unknown }[] } };
      return (exported.deployment?.resources ?? [])
        .map((resource) => resource.type)
        .filter((type): type is string => typeof type === "string");
    },
    destroy: (stack, destroyEnv) =>
      stream(
        pulumi,
        ["destroy", "--stack", stack, "--yes", "--non-interactive", "--skip-preview"],
        dir,
        destroyEnv,
      ),
    removeStack: async (stack, removeEnv) => {
      await run(
        pulumi,
        ["stack", "rm", "--stack", stack, "--yes", "--non-interactive"],
        dir,
        removeEnv,
      );
    },
  };
}

/** How far back the default branch is fetched: older commits cannot keep a stack (MAX_TTL). */
const HISTORY_MS = parseTtl(MAX_TTL)! + 24 * 3_600_000;

/**
 * Fetches `<remote>/<branch>` and resolves to the fetched commit. A full clone is fetched as it
 * is (its whole history is there, and a depth option would make it shallow). A shallow checkout
 * (actions/checkout fetches one commit) gets the history of the last MAX_TTL and a day
 * (`--shallow-since`), enough to find the commit that last changed an expiry that can still
 * count; when no commit is that recent git refuses the request ("no commits selected for shallow
 * requests") and only the tip is fetched: no commit can count then.
 */
async function fetchDefaultBranch(
  gitRef: string,
  dir: string,
  gitEnv: Readonly<Record<string, string | undefined>>,
): Promise<string> {
  const slash = gitRef.indexOf("/");
  const remote = gitRef.slice(0, slash);
  const branch = gitRef.slice(slash + 1);
  const shallow =
    (await run("git", ["rev-parse", "--is-shallow-repository"], dir, gitEnv)).trim() === "true";
  if (!shallow) {
    await run("git", ["fetch", "--quiet", remote, branch], dir, gitEnv);
  } else {
    const since = new Date(Date.now() - HISTORY_MS).toISOString();
    try {
      await run(
        "git",
        ["fetch", "--quiet", `--shallow-since=${since}`, remote, branch],
        dir,
        gitEnv,
      );
    } catch (error) {
      const stderr = (error as CommandFailure).commandResult?.stderr ?? "";
      if (!stderr.includes("no commits selected for shallow requests")) throw error;
      await run("git", ["fetch", "--quiet", "--depth=1", remote, branch], dir, gitEnv);
    }
  }
  return (await run("git", ["rev-parse", "FETCH_HEAD"], dir, gitEnv)).trim();
}

/**
 * `-G<regex>` keeps the commits whose patch adds or removes a line matching it (git f506b8e8,
 * "git log/diff: add -G<regexp> that greps in the patch text"), an extended regular expression
 * (git diffcore-pickaxe.c, diffcore_pickaxe: `cflags = REG_EXTENDED | REG_NEWLINE` for -G):
 * here the `buildenv:expiresAt:` key line, quoted or not, never a comment that mentions the key
 * (tests/cli/reapTool.test.ts runs it on real git).
 */
export const EXPIRY_LINE = `^[[:space:]]*["']?buildenv:expiresAt["']?[[:space:]]*:`;

/**
 * The committer time of the last commit reachable from `head` that changed the expiry line of
 * `file`; undefined when there is none, when `dir` is not in a git repository, or when that
 * commit is a shallow boundary (its parents were not fetched, so its diff shows every line as
 * added and cannot say what it changed).
 */
export async function lastExpiryCommit(
  dir: string,
  head: string,
  file: string,
  gitEnv: Readonly<Record<string, string | undefined>>,
): Promise<string | undefined> {
  let line: string;
  try {
    line = (
      await run(
        "git",
        ["log", "-1", "--format=%H %cI", `-G${EXPIRY_LINE}`, head, "--", file],
        dir,
        gitEnv,
      )
    ).trim();
  } catch (error) {
    const stderr = (error as CommandFailure).commandResult?.stderr ?? "";
    if (/not a git repository|unknown revision|bad revision/.test(stderr)) return undefined;
    throw error;
  }
  if (line === "") return undefined;
  const [hash, time] = line.split(" ");
  const shallowFile = (
    await run("git", ["rev-parse", "--git-path", "shallow"], dir, gitEnv)
  ).trim();
  const shallow = fs.existsSync(path.resolve(dir, shallowFile))
    ? fs.readFileSync(path.resolve(dir, shallowFile), "utf8").split("\n")
    : [];
  return shallow.includes(hash) ? undefined : time;
}

/**
 * git's environment for the fetch: the workflow's token as an HTTP header through GIT_CONFIG_*
 * (never on a command line, and never in .git/config where a destroy's commands could read it).
 */
function gitAuthEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { PATH: env.PATH, HOME: env.HOME };
  if (env.GITHUB_TOKEN) {
    const basic = Buffer.from(`x-access-token:${env.GITHUB_TOKEN}`).toString("base64");
    Object.assign(out, {
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: `http.${env.GITHUB_SERVER_URL ?? "https://github.com"}/.extraheader`,
      GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
    });
  }
  return out;
}

/**
 * The GitHub REST API for the issues of `repository` (`owner/name`), with the workflow's own
 * token (`issues: write`), never an admin token.
 */
export function githubIssueClient(
  repository: string,
  token: string,
  apiUrl: string = "https://api.github.com",
  request: typeof fetch = fetch,
): IssueClient {
  const call = async (method: string, route: string, body?: unknown): Promise<unknown> => {
    const response = await request(`${apiUrl}/repos/${repository}${route}`, {
      method,
      headers: {
        Accept: "application/vnd.github+json",
        Authorization: `Bearer ${token}`,
        "X-GitHub-Api-Version": "2022-11-28",
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) {
      throw new Error(`GitHub ${method} ${route}: HTTP ${response.status}`);
    }
    return response.status === 204 ? undefined : response.json();
  };
  return {
    listOpenIssues: async (label) => {
      const issues: { number: number; title: string; body: string }[] = [];
      for (let page = 1; page <= 10; page++) {
        const batch = (await call(
          "GET",
          `/issues?state=open&labels=${encodeURIComponent(label)}&per_page=100&page=${page}`,
        )) as { number: number; title: string; body?: string | null; pull_request?: unknown }[];
        for (const item of batch) {
          if (item.pull_request === undefined) {
            issues.push({ number: item.number, title: item.title, body: item.body ?? "" });
          }
        }
        if (batch.length < 100) break;
      }
      return issues;
    },
    createIssue: async (title, body, labels) =>
      ((await call("POST", "/issues", { title, body, labels })) as { number: number }).number,
    updateIssue: async (number, title, body) => {
      await call("PATCH", `/issues/${number}`, { title, body });
    },
    comment: async (number, body) => {
      await call("POST", `/issues/${number}/comments`, { body });
    },
    closeIssue: async (number) => {
      await call("PATCH", `/issues/${number}`, { state: "closed", state_reason: "completed" });
    },
  };
}

if (require.main === module) {
  const env = process.env;
  reapMain(
    process.argv.slice(2),
    {
      openWorkspace: (options) => openPulumiWorkspace(options, env),
      notify: async (outcomes, _now, log) => {
        if (!env.GITHUB_REPOSITORY || !env.GITHUB_TOKEN) {
          throw new ReapSetupError("--notify needs GITHUB_REPOSITORY and GITHUB_TOKEN");
        }
        const client = githubIssueClient(
          env.GITHUB_REPOSITORY,
          env.GITHUB_TOKEN,
          env.GITHUB_API_URL,
        );
        await notifyOwners(outcomes, client, log);
      },
      env,
    },
    process,
  ).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // One line, no stack trace: this is a command line, and a trace helps nobody here.
      process.stderr.write(`reap: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

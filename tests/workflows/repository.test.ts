/** GitHub Actions workflows: this repository's own (test, preview, up, reap). */
import * as assert from "assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  TEST,
  PREVIEW,
  UP,
  REAP,
  PULUMI_VERSION,
  VCH_RUNNER,
  SHARED_STACK_PROVIDER_ENV,
  read,
  parseWorkflow,
  stepSummary,
  runScript,
  sharedStacks,
  onlyJob,
  pulumiStep,
} from "../support/workflows";

describe("GitHub Actions workflows", () => {
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
});

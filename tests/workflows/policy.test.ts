/** GitHub Actions workflows: actionlint and the policy every workflow is held to (and that the checks can fail). */
import * as assert from "assert/strict";
import * as YAML from "yaml";
import {
  TEST,
  PREVIEW,
  UP,
  REAP,
  EXAMPLE,
  GRANTED_WRITES,
  PULUMI_VERSION,
  Workflow,
  read,
  parseWorkflow,
  lint,
  allWriteScopes,
  unpinnedActions,
  secretsInScripts,
  unknownPulumiInputs,
  unpinnedPulumiCli,
  files,
} from "../support/workflows";

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
});

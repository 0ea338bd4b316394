import * as assert from "assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderStackFile } from "../../cli/lifecycle/stackFileEdit";
import { CliOutput, USAGE, main } from "../../cli/stack";
import { LOCAL_TEMPLATE, VCH_TEMPLATE } from "../support/stackTemplates";

describe("stack tools", () => {
  describe("main", () => {
    let dir: string;
    let stdout: string;
    let stderr: string;
    const out: CliOutput = {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    };
    // No Pulumi CLI on this PATH; the tests that want one put a stand-in there.
    let env: NodeJS.ProcessEnv;
    const run = (...argv: string[]) => main([...argv, "--dir", dir], out, env);
    const file = (name: string) => path.join(dir, name);

    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-stack-"));
      env = { PATH: path.join(dir, "no-such-bin") };
      stdout = "";
      stderr = "";
    });

    afterEach(() => {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("new writes a local stack file with the defaults", () => {
      assert.equal(run("new", "alice", "--now", "2026-12-01T10:00:00+01:00"), 0);
      assert.equal(
        fs.readFileSync(file("Pulumi.alice.yaml"), "utf8"),
        renderStackFile(LOCAL_TEMPLATE, {
          owner: "alice",
          priority: "normal",
          expiresAt: new Date("2026-12-08T09:00:00Z"),
        }),
      );
      assert.equal(
        stdout,
        [
          "wrote Pulumi.alice.yaml: owner alice, priority normal, kind local, expires 2026-12-08T09:00:00Z",
          "note: stack tags buildenv:owner, buildenv:expiresAt not set (no Pulumi CLI on PATH); the reaper goes by the committed file, tags only help pulumi stack ls --tag-filter",
          "next:",
          "  pulumi stack init alice",
          "  commit Pulumi.alice.yaml to the default branch: the reaper reads the expiry from there",
          "",
        ].join("\n"),
      );
      assert.equal(stderr, "");
    });

    it("new writes a VCH stack file and lists the placeholders left in it", () => {
      const code = run(
        "new",
        "dev-bob",
        "--kind=vch",
        "--owner",
        "bob",
        "--priority",
        "high",
        "--ttl",
        "12h",
        "--now",
        "2026-12-01",
      );
      assert.equal(code, 0);
      assert.equal(
        fs.readFileSync(file("Pulumi.dev-bob.yaml"), "utf8"),
        renderStackFile(VCH_TEMPLATE, {
          owner: "bob",
          priority: "high",
          expiresAt: new Date("2026-12-01T12:00:00Z"),
        }),
      );
      assert.equal(
        stdout,
        [
          "wrote Pulumi.dev-bob.yaml: owner bob, priority high, kind vch, expires 2026-12-01T12:00:00Z",
          "note: stack tags buildenv:owner, buildenv:expiresAt not set (no Pulumi CLI on PATH); the reaper goes by the committed file, tags only help pulumi stack ls --tag-filter",
          "next:",
          "  pulumi stack init dev-bob",
          "  pulumi config set --secret vsphere:password",
          "  commit Pulumi.dev-bob.yaml to the default branch: the reaper reads the expiry from there",
          "",
        ].join("\n"),
      );
      assert.equal(
        stderr,
        "warning: Pulumi.dev-bob.yaml still has PLATFORM-TODO values from stacks/templates/Pulumi.vch.yaml, which the platform team fills in once: buildenv:host.datacenter, buildenv:host.cluster, buildenv:host.imageStore, buildenv:host.volumeStores[0].datastore, buildenv:host.bridgeNetwork, buildenv:host.publicNetwork, buildenv:host.thumbprint, buildenv:host.cname, vsphere:vsphereServer, vsphere:user, buildenv:registry.server\n",
      );
    });

    it("new refuses to overwrite an existing file", () => {
      fs.writeFileSync(file("Pulumi.alice.yaml"), "mine\n");
      assert.equal(run("new", "alice"), 1);
      assert.equal(
        stderr,
        `stack: Pulumi.alice.yaml already exists in ${dir}; it is not overwritten (move its expiry with npm run stack:extend)\n`,
      );
      assert.equal(fs.readFileSync(file("Pulumi.alice.yaml"), "utf8"), "mine\n");
      assert.equal(stdout, "");
    });

    const usageErrors: [string[], string][] = [
      [
        ["new", "Alice"],
        `invalid stack name "Alice": a buildenv developer stack is named like an owner, 1-20 lower-case letters, digits and '-', starting with a letter and not ending with '-'`,
      ],
      [
        ["new", "alice", "--ttl", "45d"],
        'invalid --ttl "45d": at most 30d is allowed; extend the stack again later with npm run stack:extend if it is still needed',
      ],
      [
        ["new", "alice", "--ttl", "soon"],
        'invalid --ttl "soon": use a whole number of hours, days or weeks, such as 12h, 7d or 2w',
      ],
      [
        ["new", "alice", "--priority", "urgent"],
        'invalid --priority "urgent": allowed values are low, normal, high',
      ],
      [["new", "alice", "--kind", "k8s"], 'invalid --kind "k8s": allowed values are local, vch'],
      [["new", "alice", "bob"], "stack new takes exactly one stack name, got 2"],
      [
        ["new", "alice", "--force"],
        "unknown option --force; allowed: --priority, --ttl, --kind, --owner, --now, --dir",
      ],
      [
        ["extend", "alice", "--owner", "bob"],
        "unknown option --owner; allowed: --ttl, --now, --dir",
      ],
      [["remove", "alice"], 'unknown command "remove"; allowed: new, extend'],
    ];
    for (const [argv, message] of usageErrors) {
      it(`exits 2 for ${argv.join(" ")}`, () => {
        assert.equal(run(...argv), 2);
        assert.equal(stderr, `stack: ${message}\n${USAGE}\n`);
        assert.deepEqual(fs.readdirSync(dir), []);
      });
    }

    it("extend sets now + ttl and keeps the rest of the file", () => {
      const before = renderStackFile(LOCAL_TEMPLATE, {
        owner: "alice",
        priority: "normal",
        expiresAt: new Date("2026-12-03T00:00:00Z"),
      });
      fs.writeFileSync(file("Pulumi.alice.yaml"), before);
      assert.equal(run("extend", "alice", "--ttl", "3d", "--now", "2026-12-02T08:00:00Z"), 0);
      assert.equal(
        fs.readFileSync(file("Pulumi.alice.yaml"), "utf8"),
        before.replace('"2026-12-03T00:00:00Z"', '"2026-12-05T08:00:00Z"'),
      );
      assert.equal(
        stdout,
        "Pulumi.alice.yaml: buildenv:expiresAt 2026-12-03T00:00:00Z -> 2026-12-05T08:00:00Z\n" +
          "note: stack tags buildenv:owner, buildenv:expiresAt not set (no Pulumi CLI on PATH); the reaper goes by the committed file, tags only help pulumi stack ls --tag-filter\n" +
          "not counted yet: the reaper goes by Pulumi.alice.yaml as committed on the default branch, so until you commit this change there it still goes by the expiry committed before; once there, that commit counts as activity and the expiry may lie up to 30d after it\n",
      );
      assert.equal(stderr, "");
    });

    it("extend says when it moves the expiry earlier", () => {
      fs.writeFileSync(file("Pulumi.alice.yaml"), "config:\n  buildenv:expiresAt: 2026-12-31\n");
      assert.equal(run("extend", "alice", "--now", "2026-12-02T08:00:00Z"), 0);
      assert.equal(
        fs.readFileSync(file("Pulumi.alice.yaml"), "utf8"),
        'config:\n  buildenv:expiresAt: "2026-12-09T08:00:00Z"\n',
      );
      assert.equal(
        stdout,
        "Pulumi.alice.yaml: buildenv:expiresAt 2026-12-31 -> 2026-12-09T08:00:00Z\n" +
          "note: this moves the expiry earlier; the stack now expires 7d after 2026-12-02T08:00:00Z\n" +
          "note: stack tags buildenv:owner, buildenv:expiresAt not set (no Pulumi CLI on PATH); the reaper goes by the committed file, tags only help pulumi stack ls --tag-filter\n" +
          "not counted yet: the reaper goes by Pulumi.alice.yaml as committed on the default branch, so until you commit this change there it still goes by the expiry committed before; once there, that commit counts as activity and the expiry may lie up to 30d after it\n",
      );
    });

    it("new and extend refuse a --dir that does not exist, in one line", () => {
      const missing = path.join(dir, "missing");
      assert.equal(main(["new", "alice", "--dir", missing], out, env), 1);
      assert.equal(main(["extend", "alice", "--dir", missing], out, env), 1);
      assert.equal(
        stderr,
        `stack: --dir ${JSON.stringify(missing)}: ENOENT (no such file or directory)\n`.repeat(2),
      );
      assert.equal(stdout, "");
    });

    it("extend refuses a missing file", () => {
      assert.equal(run("extend", "alice", "--ttl", "3d"), 1);
      assert.equal(
        stderr,
        `stack: Pulumi.alice.yaml does not exist in ${dir}; create the stack with npm run stack:new first\n`,
      );
    });

    it("extend refuses a shared stack and leaves its file alone", () => {
      const shared = "config:\n  buildenv:shared: true # infrastructure\n";
      fs.writeFileSync(file("Pulumi.ci.yaml"), shared);
      assert.equal(run("extend", "ci", "--ttl", "3d"), 1);
      assert.equal(
        stderr,
        "stack: Pulumi.ci.yaml is a shared stack (buildenv:shared: true): shared infrastructure has no expiry and is never reaped, so there is nothing to extend\n",
      );
      assert.equal(fs.readFileSync(file("Pulumi.ci.yaml"), "utf8"), shared);
    });

    it("extend refuses a stack file that is a symlink, and leaves its target alone", () => {
      const target = "config:\n  buildenv:expiresAt: 2026-12-31\n";
      fs.writeFileSync(file("other.yaml"), target);
      fs.symlinkSync("other.yaml", file("Pulumi.alice.yaml"));
      assert.equal(run("extend", "alice", "--ttl", "3d"), 1);
      assert.equal(
        stderr,
        `stack: Pulumi.alice.yaml in ${dir} is a symlink; stack:extend edits only a regular stack file, replace the link with the file itself\n`,
      );
      assert.equal(fs.readFileSync(file("other.yaml"), "utf8"), target);
      assert.equal(stdout, "");
    });

    it("extend rewrites a |- block-scalar expiry as valid YAML (it used to write invalid YAML)", () => {
      fs.writeFileSync(
        file("Pulumi.alice.yaml"),
        "config:\n  buildenv:expiresAt: |-\n    2026-12-03\n",
      );
      assert.equal(run("extend", "alice", "--ttl", "3d", "--now", "2026-12-02T08:00:00Z"), 0);
      assert.equal(
        fs.readFileSync(file("Pulumi.alice.yaml"), "utf8"),
        'config:\n  buildenv:expiresAt: "2026-12-05T08:00:00Z"\n',
      );
    });

    describe("stack tags, with a stand-in pulumi on PATH that records its arguments", () => {
      /** A `pulumi` that appends its arguments to calls.jsonl and fails when told to. */
      function standIn(failWith?: string): () => string[][] {
        const bin = file("bin");
        fs.mkdirSync(bin);
        const log = path.join(bin, "calls.jsonl");
        fs.writeFileSync(
          path.join(bin, "pulumi"),
          [
            `#!${process.execPath}`,
            `require("fs").appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + "\\n");`,
            ...(failWith === undefined
              ? []
              : [`process.stderr.write(${JSON.stringify(failWith)}); process.exit(255);`]),
            "",
          ].join("\n"),
          { mode: 0o755 },
        );
        env = { PATH: bin };
        return () =>
          fs.existsSync(log)
            ? fs
                .readFileSync(log, "utf8")
                .trim()
                .split("\n")
                .map((line) => JSON.parse(line) as string[])
            : [];
      }

      it("new sets the owner and expiry tags", () => {
        const calls = standIn();
        assert.equal(run("new", "alice", "--owner", "al", "--now", "2026-12-01T00:00:00Z"), 0);
        assert.deepEqual(calls(), [
          ["stack", "tag", "set", "buildenv:owner", "al", "--stack", "alice"],
          ["stack", "tag", "set", "buildenv:expiresAt", "2026-12-08T00:00:00Z", "--stack", "alice"],
        ]);
        assert.equal(
          stdout.split("\n")[1],
          "stack tags set: buildenv:owner=al, buildenv:expiresAt=2026-12-08T00:00:00Z",
        );
      });

      it("extend moves the expiry tag and restates the owner from the file", () => {
        const calls = standIn();
        fs.writeFileSync(
          file("Pulumi.alice.yaml"),
          "config:\n  buildenv:owner: al\n  buildenv:expiresAt: 2026-12-03\n",
        );
        assert.equal(run("extend", "alice", "--ttl", "1d", "--now", "2026-12-02T08:00:00Z"), 0);
        assert.deepEqual(calls(), [
          ["stack", "tag", "set", "buildenv:owner", "al", "--stack", "alice"],
          ["stack", "tag", "set", "buildenv:expiresAt", "2026-12-03T08:00:00Z", "--stack", "alice"],
        ]);
      });

      it("a failing CLI (no such stack yet) is reported in one line, and the command succeeds", () => {
        const calls = standIn("error: no stack named 'alice' found\n");
        assert.equal(run("new", "alice", "--now", "2026-12-01T00:00:00Z"), 0);
        assert.deepEqual(calls(), [
          ["stack", "tag", "set", "buildenv:owner", "alice", "--stack", "alice"],
        ]);
        assert.equal(
          stdout.split("\n")[1],
          "note: stack tags buildenv:owner, buildenv:expiresAt not set: error: no stack named 'alice' found; the reaper goes by the committed file",
        );
        assert.ok(fs.existsSync(file("Pulumi.alice.yaml")));
      });
    });
  });
});

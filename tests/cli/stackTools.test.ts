import * as assert from "assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parseDocument } from "yaml";
import { parseConfig, readRawConfig } from "../../components/config/load";
import {
  checkDeveloperStackName,
  checkOwner,
  checkPulumiStackName,
  extendStackFile,
  findPlaceholders,
  parseFlags,
  parseKind,
  parseNowFlag,
  parsePriority,
  parseShared,
  parseTtlFlag,
  renderStackFile,
} from "../../cli/lifecycle/stackFile";
import { CliOutput, TEMPLATES_DIR, USAGE, main } from "../../cli/stack";

const LOCAL_TEMPLATE = fs.readFileSync(path.join(TEMPLATES_DIR, "Pulumi.local.yaml"), "utf8");
const VCH_TEMPLATE = fs.readFileSync(path.join(TEMPLATES_DIR, "Pulumi.vch.yaml"), "utf8");
const EXPIRES = new Date("2026-12-08T09:30:00Z");

/** The template with exactly these lines replaced, each of which must occur once. */
function withLines(template: string, replacements: Record<string, string>): string {
  let text = template;
  for (const [from, to] of Object.entries(replacements)) {
    assert.equal(text.split(from).length, 2, `exactly one ${from}`);
    text = text.replace(from, to);
  }
  return text;
}

/** The stack file's config as the engine hands it to the program: strings, objects as JSON. */
function engineConfig(text: string): Record<string, string> {
  const config = parseDocument(text).toJS().config as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [
      key,
      typeof value === "object" ? JSON.stringify(value) : String(value),
    ]),
  );
}

function throwsMessage(fn: () => unknown, message: string): void {
  assert.throws(fn, (error: Error) => {
    assert.equal(error.message, message);
    return true;
  });
}

describe("stack tools", () => {
  describe("renderStackFile", () => {
    it("fills owner, priority and expiry into the local template and changes nothing else", () => {
      const text = renderStackFile(LOCAL_TEMPLATE, {
        owner: "alice",
        priority: "high",
        expiresAt: EXPIRES,
      });
      assert.equal(
        text,
        withLines(LOCAL_TEMPLATE, {
          'buildenv:owner: "set by stack:new"': 'buildenv:owner: "alice"',
          'buildenv:priority: "normal"': 'buildenv:priority: "high"',
          'buildenv:expiresAt: "set by stack:new"': 'buildenv:expiresAt: "2026-12-08T09:30:00Z"',
        }),
      );
    });

    it("also puts the owner into the VCH's bridge network and cname, not into comments", () => {
      const text = renderStackFile(VCH_TEMPLATE, {
        owner: "bob",
        priority: "low",
        expiresAt: EXPIRES,
      });
      assert.equal(
        text,
        withLines(VCH_TEMPLATE, {
          'buildenv:owner: "set by stack:new"': 'buildenv:owner: "bob"',
          'buildenv:priority: "normal"': 'buildenv:priority: "low"',
          'buildenv:expiresAt: "set by stack:new"': 'buildenv:expiresAt: "2026-12-08T09:30:00Z"',
          'path: "buildenv/vch/buildenv-<owner>"': 'path: "buildenv/vch/buildenv-bob"',
          'bridgeNetwork: "PLATFORM-TODO-bridge-<owner>"':
            'bridgeNetwork: "PLATFORM-TODO-bridge-bob"',
          'cname: "buildenv-<owner>.PLATFORM-TODO.example.com"':
            'cname: "buildenv-bob.PLATFORM-TODO.example.com"',
        }),
      );
      assert.match(text, /# name: buildenv-<owner> {3}# the VCH name/);
    });

    it("quotes values, so an owner named like a YAML keyword stays a string", () => {
      const text = renderStackFile(LOCAL_TEMPLATE, {
        owner: "null",
        priority: "normal",
        expiresAt: EXPIRES,
      });
      const config = parseDocument(text).toJS().config as Record<string, unknown>;
      assert.equal(config["buildenv:owner"], "null");
      assert.equal(config["buildenv:expiresAt"], "2026-12-08T09:30:00Z");
    });

    it("rejects a template without the keys it fills in", () => {
      throwsMessage(
        () =>
          renderStackFile("config:\n  buildenv:owner: x\n", {
            owner: "alice",
            priority: "normal",
            expiresAt: EXPIRES,
          }),
        "template: config buildenv:priority is missing or not a single value",
      );
      throwsMessage(
        () =>
          renderStackFile("encryptionsalt: x\n", {
            owner: "alice",
            priority: "normal",
            expiresAt: EXPIRES,
          }),
        'template has no block "config:" mapping',
      );
    });
  });

  describe("templates against config.ts", () => {
    const now = new Date("2026-12-01T00:00:00Z");
    const context = (config: Record<string, string>) => ({
      project: "buildenv",
      stack: "alice",
      now,
      env: {},
      vsphere: {
        vsphereServer: config["vsphere:vsphereServer"],
        user: config["vsphere:user"],
        allowUnverifiedSsl: config["vsphere:allowUnverifiedSsl"],
      },
      secrets: { vspherePassword: pulumi.secret("pw") },
      pathKind: (p: string) => (p.endsWith("Dockerfile") ? ("file" as const) : ("dir" as const)),
    });

    it("a rendered local stack file is a valid stack config as it is", () => {
      const text = renderStackFile(LOCAL_TEMPLATE, {
        owner: "alice",
        priority: "normal",
        expiresAt: EXPIRES,
      });
      const config = engineConfig(text);
      const { raw, problems } = readRawConfig(config);
      assert.deepEqual(problems, []);
      const parsed = parseConfig(raw, context(config));
      assert.equal(parsed.owner, "alice");
      assert.equal(parsed.expiresAt, "2026-12-08T09:30:00Z");
      assert.equal(parsed.host.kind, "local");
    });

    it("a rendered VCH stack file is valid once the platform placeholders are filled in", () => {
      const filled = VCH_TEMPLATE.replace(
        '"PLATFORM-TODO vCenter SHA-1 thumbprint"',
        '"AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01"',
      )
        .replace(/PLATFORM-TODO[ -]/g, "x")
        .replace(/PLATFORM-TODO/g, "x");
      const text = renderStackFile(filled, {
        owner: "alice",
        priority: "normal",
        expiresAt: EXPIRES,
      });
      assert.deepEqual(findPlaceholders(text), []);
      const config = engineConfig(text);
      const { raw, problems } = readRawConfig(config);
      assert.deepEqual(problems, []);
      const parsed = parseConfig(raw, context(config));
      assert.equal(parsed.host.kind, "vch");
      assert.equal(parsed.host.kind === "vch" && parsed.host.bridgeNetwork, "xbridge-alice");
      assert.equal(parsed.host.kind === "vch" && parsed.host.cname, "buildenv-alice.x.example.com");
    });
  });

  describe("findPlaceholders", () => {
    it("lists every platform placeholder of the VCH template by config path", () => {
      assert.deepEqual(findPlaceholders(VCH_TEMPLATE), [
        "buildenv:host.datacenter",
        "buildenv:host.cluster",
        "buildenv:host.imageStore",
        "buildenv:host.volumeStores[0].datastore",
        "buildenv:host.bridgeNetwork",
        "buildenv:host.publicNetwork",
        "buildenv:host.thumbprint",
        "buildenv:host.cname",
        "vsphere:vsphereServer",
        "vsphere:user",
        "buildenv:registry.server",
      ]);
    });

    it("finds none in the local template", () => {
      assert.deepEqual(findPlaceholders(LOCAL_TEMPLATE), []);
    });
  });

  describe("validation", () => {
    it("accepts developer stack names that follow the owner rules", () => {
      for (const name of ["a", "alice", "bob-2", "a".repeat(20)]) {
        assert.doesNotThrow(() => checkDeveloperStackName(name), name);
      }
    });

    it("rejects other stack names, naming the rule", () => {
      const rule =
        "a buildenv developer stack is named like an owner, 1-20 lower-case letters, digits and '-', starting with a letter and not ending with '-'";
      for (const name of ["Alice", "1abc", "alice_x", "alice.dev", "alice-", "", "a".repeat(21)]) {
        throwsMessage(
          () => checkDeveloperStackName(name),
          `invalid stack name ${JSON.stringify(name)}: ${rule}`,
        );
      }
    });

    it("checks existing stack names with Pulumi's own rules only", () => {
      assert.doesNotThrow(() => checkPulumiStackName("Shared_CI.v2"));
      throwsMessage(
        () => checkPulumiStackName("../x"),
        `invalid stack name "../x": Pulumi stack names are 1-100 letters, digits, '-', '_' and '.'`,
      );
    });

    it("rejects a bad owner", () => {
      throwsMessage(
        () => checkOwner("Bob"),
        `invalid --owner "Bob": use 1-20 lower-case letters, digits and '-', starting with a letter and not ending with '-'`,
      );
    });

    it("parses ttls up to the maximum", () => {
      assert.equal(parseTtlFlag("12h"), 12 * 3_600_000);
      assert.equal(parseTtlFlag("30d"), 30 * 86_400_000);
      assert.equal(parseTtlFlag("720h"), 720 * 3_600_000);
      assert.equal(parseTtlFlag("2w", "14d"), 14 * 86_400_000);
    });

    it("rejects a malformed ttl", () => {
      for (const ttl of ["7", "0d", "1.5d", "7 d", "-1d", "1m"]) {
        throwsMessage(
          () => parseTtlFlag(ttl),
          `invalid --ttl ${JSON.stringify(ttl)}: use a whole number of hours, days or weeks, such as 12h, 7d or 2w`,
        );
      }
    });

    it("rejects a ttl longer than the maximum", () => {
      for (const ttl of ["31d", "5w", "721h"]) {
        throwsMessage(
          () => parseTtlFlag(ttl),
          `invalid --ttl ${JSON.stringify(ttl)}: at most 30d is allowed; extend the stack again later with npm run stack:extend if it is still needed`,
        );
      }
    });

    it("rejects a bad priority or kind, listing the allowed values", () => {
      assert.equal(parsePriority("low"), "low");
      assert.equal(parseKind("vch"), "vch");
      throwsMessage(
        () => parsePriority("urgent"),
        'invalid --priority "urgent": allowed values are low, normal, high',
      );
      throwsMessage(() => parseKind("k8s"), 'invalid --kind "k8s": allowed values are local, vch');
    });

    it("takes --now only with a date or an offset", () => {
      assert.equal(
        parseNowFlag("2026-12-01T18:00:00+01:00").toISOString(),
        "2026-12-01T17:00:00.000Z",
      );
      for (const now of ["2026-12-01T18:00:00", "yesterday"]) {
        throwsMessage(
          () => parseNowFlag(now),
          `invalid --now ${JSON.stringify(now)}: use an ISO-8601 date (2026-12-01) or date-time with offset (2026-12-01T18:00:00+01:00)`,
        );
      }
    });

    it("reads buildenv:shared as config.ts does", () => {
      assert.equal(parseShared(undefined), false);
      assert.equal(parseShared(false), false);
      assert.equal(parseShared("false"), false);
      assert.equal(parseShared(true), true);
      assert.equal(parseShared("true"), true);
      throwsMessage(() => parseShared("yes"), 'buildenv:shared is "yes": it must be true or false');
    });
  });

  describe("parseFlags", () => {
    const spec = { ttl: "value", "dry-run": "switch" } as const;

    it("reads values, inline values, switches and positionals after --", () => {
      assert.deepEqual(parseFlags(["a", "--ttl", "3d", "--dry-run", "--", "--b"], spec), {
        positionals: ["a", "--b"],
        flags: { ttl: "3d", "dry-run": "true" },
      });
      assert.deepEqual(parseFlags(["--ttl=1h"], spec), { positionals: [], flags: { ttl: "1h" } });
    });

    it("names an unknown, repeated or incomplete flag", () => {
      throwsMessage(
        () => parseFlags(["--tl", "3d"], spec),
        "unknown option --tl; allowed: --ttl, --dry-run",
      );
      throwsMessage(
        () => parseFlags(["--ttl", "1d", "--ttl=2d"], spec),
        "--ttl is given more than once",
      );
      throwsMessage(() => parseFlags(["--ttl"], spec), "--ttl needs a value");
      throwsMessage(() => parseFlags(["--ttl", "--dry-run"], spec), "--ttl needs a value");
      throwsMessage(() => parseFlags(["--ttl="], spec), "--ttl needs a value");
      throwsMessage(() => parseFlags(["--dry-run=yes"], spec), "--dry-run takes no value");
    });
  });

  describe("extendStackFile", () => {
    // Hand-edited on purpose: unindented sequence, comments everywhere, a plain date.
    const original = [
      "# Alice's stack",
      "encryptionsalt: v1:abc:def",
      "config:",
      "  # who",
      "  buildenv:owner: alice # me",
      "  buildenv:expiresAt: 2026-12-01 # was set by hand",
      "  buildenv:host:",
      "    kind: vch",
      "    volumeStores:",
      "    - datastore: ds1",
      "      path: x",
      "      label: default",
      "  vsphere:password:",
      "    secure: v1:xyz",
      "  # trailing comment",
      "# end",
      "",
    ].join("\n");

    it("replaces only the expiry value, keeping every other byte", () => {
      const result = extendStackFile(original, "Pulumi.alice.yaml", EXPIRES);
      assert.deepEqual(result, {
        text: original.replace(
          "buildenv:expiresAt: 2026-12-01 # was",
          'buildenv:expiresAt: "2026-12-08T09:30:00Z" # was',
        ),
        previous: "2026-12-01",
      });
    });

    it("adds a missing expiry at the end of config, indented like the other keys", () => {
      const without = original.replace("  buildenv:expiresAt: 2026-12-01 # was set by hand\n", "");
      const result = extendStackFile(without, "Pulumi.alice.yaml", EXPIRES);
      assert.deepEqual(result, {
        text: without.replace(
          "    secure: v1:xyz\n",
          '    secure: v1:xyz\n  buildenv:expiresAt: "2026-12-08T09:30:00Z"\n',
        ),
      });
    });

    it("adds it on a new line when the file does not end with one", () => {
      assert.equal(
        extendStackFile("config:\n    buildenv:owner: a", "f", EXPIRES).text,
        'config:\n    buildenv:owner: a\n    buildenv:expiresAt: "2026-12-08T09:30:00Z"\n',
      );
    });

    it("fills an empty expiry value", () => {
      assert.deepEqual(
        extendStackFile("config:\n  buildenv:expiresAt:\n  buildenv:owner: a\n", "f", EXPIRES),
        {
          text: 'config:\n  buildenv:expiresAt: "2026-12-08T09:30:00Z"\n  buildenv:owner: a\n',
        },
      );
    });

    // Each style yaml 1.2 allows for the value or the key; only the value's token may change.
    const STYLES: [string, string, string, string?][] = [
      [
        "a literal block scalar, which splicing used to turn into invalid YAML",
        "config:\n  buildenv:expiresAt: |-\n    2026-12-01\n  buildenv:owner: a # me\n",
        'config:\n  buildenv:expiresAt: "2026-12-08T09:30:00Z"\n  buildenv:owner: a # me\n',
        "2026-12-01",
      ],
      [
        "a folded block scalar followed by a blank line",
        "config:\n  buildenv:expiresAt: >\n    2026-12-01\n\n  buildenv:owner: a\n",
        'config:\n  buildenv:expiresAt: "2026-12-08T09:30:00Z"\n\n  buildenv:owner: a\n',
        "2026-12-01\n",
      ],
      [
        "an anchored value nothing refers to: the anchor stays",
        "config:\n  buildenv:expiresAt: &exp 2026-12-01 # hand\n  buildenv:owner: a\n",
        'config:\n  buildenv:expiresAt: &exp "2026-12-08T09:30:00Z" # hand\n  buildenv:owner: a\n',
        "2026-12-01",
      ],
      [
        "an alias: replaced by the value, the anchor it pointed at left alone",
        "x: &d 2026-12-01\nconfig:\n  buildenv:expiresAt: *d # c\n",
        'x: &d 2026-12-01\nconfig:\n  buildenv:expiresAt: "2026-12-08T09:30:00Z" # c\n',
        "2026-12-01",
      ],
      [
        "a flow mapping with a quoted key",
        'config: {buildenv:owner: a, "buildenv:expiresAt": 2026-12-01}\n',
        'config: {buildenv:owner: a, "buildenv:expiresAt": "2026-12-08T09:30:00Z"}\n',
        "2026-12-01",
      ],
      [
        "a single-quoted key",
        "config:\n  'buildenv:expiresAt': '2026-12-01'\n",
        "config:\n  'buildenv:expiresAt': \"2026-12-08T09:30:00Z\"\n",
        "2026-12-01",
      ],
      [
        "a flow mapping without the key: appended inside the braces",
        "config: {buildenv:owner: a} # c\n",
        'config: {buildenv:owner: a, "buildenv:expiresAt": "2026-12-08T09:30:00Z"} # c\n',
      ],
      [
        "an empty flow mapping",
        "config: {}\n",
        'config: {"buildenv:expiresAt": "2026-12-08T09:30:00Z"}\n',
      ],
    ];
    for (const [what, before, after, previous] of STYLES) {
      it(`edits ${what}`, () => {
        assert.deepEqual(extendStackFile(before, "f", EXPIRES), {
          text: after,
          ...(previous === undefined ? {} : { previous }),
        });
      });
    }

    it("refuses to change an anchor that other values alias", () => {
      const text = "config:\n  buildenv:expiresAt: &d 2026-12-01\n  buildenv:other: *d\n";
      throwsMessage(
        () => extendStackFile(text, "Pulumi.a.yaml", EXPIRES),
        "Pulumi.a.yaml: buildenv:expiresAt is the anchor &d, which other values refer to (*d); changing it would change them too, so edit the file by hand",
      );
    });

    it("refuses a shared stack", () => {
      for (const shared of ["true", '"true"']) {
        throwsMessage(
          () =>
            extendStackFile(`config:\n  buildenv:shared: ${shared}\n`, "Pulumi.ci.yaml", EXPIRES),
          "Pulumi.ci.yaml is a shared stack (buildenv:shared: true): shared infrastructure has no expiry and is never reaped, so there is nothing to extend",
        );
      }
      throwsMessage(
        () => extendStackFile("config:\n  buildenv:shared: yes\n", "Pulumi.ci.yaml", EXPIRES),
        'Pulumi.ci.yaml: buildenv:shared is "yes": it must be true or false',
      );
    });

    it("refuses a file it cannot edit", () => {
      throwsMessage(
        () => extendStackFile("config: [\n", "Pulumi.a.yaml", EXPIRES),
        "Pulumi.a.yaml is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1",
      );
      throwsMessage(
        () => extendStackFile("config: [a]\n", "Pulumi.a.yaml", EXPIRES),
        'Pulumi.a.yaml has no "config:" mapping',
      );
      throwsMessage(
        () => extendStackFile("config:\n  buildenv:expiresAt: [1]\n", "Pulumi.a.yaml", EXPIRES),
        "Pulumi.a.yaml: config buildenv:expiresAt is missing or not a single value",
      );
    });
  });

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
          "commit Pulumi.alice.yaml to the default branch: the reaper reads the expiry from there\n",
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
          "commit Pulumi.alice.yaml to the default branch: the reaper reads the expiry from there\n",
      );
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

import * as assert from "assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { parseDocument } from "yaml";
import { parseConfig, readRawConfig } from "../../components/config/load";
import {
  checkDeveloperStackName,
  checkOwner,
  checkPulumiStackName,
  findPlaceholders,
  parseKind,
  parseNowFlag,
  parsePriority,
  parseShared,
  parseTtlFlag,
} from "../../cli/lifecycle/stackFile";
import { renderStackFile } from "../../cli/lifecycle/stackFileEdit";
import { parseFlags } from "../../cli/lifecycle/flags";
import {
  EXPIRES,
  LOCAL_TEMPLATE,
  VCH_TEMPLATE,
  engineConfig,
  throwsMessage,
  withLines,
} from "../support/stackTemplates";

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
});

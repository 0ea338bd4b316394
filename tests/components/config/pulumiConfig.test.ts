/**
 * The Pulumi CLI refuses to run the program on a stack whose config breaks the rules of
 * `Pulumi.yaml` (required keys, declared types, secrets). These tests apply those rules, as
 * re-implemented in tests/pulumiConfig.ts from pulumi/pulumi's source, to every stack file the
 * repository ships and to what `stack:new` writes, so a stack file the CLI would refuse fails here.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CONFIG_KEYS, SECRET_CONFIG_KEYS } from "../../../components/config/load";
import { main } from "../../../cli/stack";
import { mocks } from "../../support/harness";
import {
  Project,
  StackConfig,
  plainText,
  projectProblems,
  readProject,
  readStackConfig,
  validateStackConfig,
} from "../../support/pulumiConfig";
import {
  HARBOR_PASSWORD,
  REGISTRY_PASSWORD,
  REPO_ROOT,
  VSPHERE_PASSWORD,
  resolveAll,
  runStack,
  stubVsphere,
} from "../../support/stack";

const project = (): Project =>
  readProject(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8"));

/** Every stack file the repository ships, with the stack it is for. */
const SHIPPED: [file: string, stack: string][] = [
  ["Pulumi.dev.yaml", "dev"],
  ["Pulumi.ci.yaml", "ci"],
  ["stacks/examples/Pulumi.alice.yaml", "alice"],
  ["stacks/templates/Pulumi.local.yaml", "local"],
  ["stacks/templates/Pulumi.vch.yaml", "vch"],
];

/** What `npm run stack:new -- bob --kind <kind>` writes. */
function stackNewOutput(kind: "local" | "vch"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-stack-new-"));
  try {
    const sink = { write: () => true };
    const code = main(
      ["new", "bob", "--kind", kind, "--now", "2026-11-21T12:00:00Z", "--dir", dir],
      { stdout: sink, stderr: sink },
    );
    assert.strictEqual(code, 0);
    return fs.readFileSync(path.join(dir, "Pulumi.bob.yaml"), "utf8");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("Pulumi CLI config rules (pkg/workspace/config.go)", () => {
  describe("the re-implementation, on upstream's own cases", () => {
    // pkg/workspace/config_project_test.go at 1b5949891b3c, the tests named below.
    const upstream = (config: string) => readProject(`name: test\nruntime: dotnet\n${config}`);

    it("reports one missing key (TestStackConfigErrorsWhenMissingStackValueForConfigTypeWithNoDefault)", () => {
      const p = upstream("config:\n  values:\n    type: array\n    items:\n      type: string");
      assert.strictEqual(
        validateStackConfig("dev", p, readStackConfig("")).error,
        "Stack 'dev' is missing configuration value 'values'",
      );
    });

    it("reports three missing keys sorted (TestStackConfigErrorsWhenMissingMultipleStackValueForConfigTypeWithNoDefault)", () => {
      const p = upstream(
        "config:\n  hello:\n    type: integer\n  values:\n    type: array\n    items:\n      type: string\n  world:\n    type: string",
      );
      assert.strictEqual(
        validateStackConfig("dev", p, readStackConfig("")).error,
        "Stack 'dev' is missing configuration values 'hello', 'values' and 'world'",
      );
    });

    it("checks array items (TestStackConfigErrorsWhenStackValueIsNotCorrectlyTyped)", () => {
      const p = upstream(
        "config:\n  values:\n    type: array\n    items:\n      type: string\n    default: [value]",
      );
      assert.strictEqual(
        validateStackConfig("dev", p, readStackConfig("config:\n  test:values: someValue\n")).error,
        "Stack 'dev' with configuration key 'values' must be of type 'array<string>'",
      );
    });

    it("checks integers (TestStackConfigIntegerTypeIsCorrectlyValidated)", () => {
      const p = upstream("config:\n  importantNumber:\n    type: integer\n");
      assert.strictEqual(
        validateStackConfig("dev", p, readStackConfig("config:\n  test:importantNumber: 20\n"))
          .error,
        undefined,
      );
      assert.strictEqual(
        validateStackConfig("dev", p, readStackConfig("config:\n  test:importantNumber: hello\n"))
          .error,
        "Stack 'dev' with configuration key 'importantNumber' must be of type 'integer'",
      );
    });

    it("requires secrets encrypted (TestStackConfigSecretIsCorrectlyValidated)", () => {
      const p = upstream("config:\n  importantNumber:\n    type: integer\n    secret: true\n");
      const decrypt = (ciphertext: string) => Buffer.from(ciphertext, "base64").toString();
      const encrypted = Buffer.from("20").toString("base64");
      assert.strictEqual(
        validateStackConfig(
          "dev",
          p,
          readStackConfig(`config:\n  test:importantNumber:\n    secure: ${encrypted}\n`),
          decrypt,
        ).error,
        undefined,
      );
      assert.strictEqual(
        validateStackConfig("dev", p, readStackConfig("config:\n  test:importantNumber: 20\n"))
          .error,
        "Stack 'dev' with configuration key 'importantNumber' must be encrypted as it's secret",
      );
    });

    it("checks objects, a type the CLI validates since 3.187.0", () => {
      const p = readProject(
        "name: buildenv\nconfig:\n  buildenv:host:\n    type: object\n    default:\n      kind: local\n",
      );
      assert.strictEqual(
        validateStackConfig("dev", p, readStackConfig("config:\n  buildenv:host: local\n")).error,
        "Stack 'dev' with configuration key 'buildenv:host' must be of type 'object'",
      );
      assert.strictEqual(
        validateStackConfig("dev", p, readStackConfig("config:\n  buildenv:host: [a]\n")).error,
        "Stack 'dev' with configuration key 'buildenv:host' must be of type 'object'",
      );
    });

    it("would have refused Pulumi.dev.yaml under the Pulumi.yaml of issue 8", () => {
      // The declarations before the fix: three project keys without a default.
      const before = readProject(
        [
          "name: buildenv",
          "config:",
          "  buildenv:owner:",
          "    type: string",
          "  buildenv:priority:",
          "    type: string",
          "    default: normal",
          "  buildenv:expiresAt:",
          "    type: string",
          "  buildenv:shared:",
          "    type: boolean",
          "    default: false",
          "  buildenv:registryPassword:",
          "    type: string",
          "    secret: true",
        ].join("\n"),
      );
      const dev = readStackConfig(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8"));
      assert.strictEqual(
        validateStackConfig("dev", before, dev).error,
        "Stack 'dev' is missing configuration values 'buildenv:expiresAt', 'buildenv:owner' and 'buildenv:registryPassword'",
      );
    });

    it("refuses declarations Project.Validate refuses", () => {
      const p = readProject(
        [
          "name: buildenv",
          "config:",
          "  buildenv:list:",
          "    type: array",
          "  buildenv:count:",
          "    type: integer",
          "    default: many",
          "  vsphere:user:",
          "    type: string",
          "  buildenv:typo:",
          "    typ: string",
        ].join("\n"),
      );
      assert.deepStrictEqual(projectProblems(p), [
        "The configuration key 'buildenv:list' declares an array but does not specify the underlying type via the 'items' attribute",
        "The default value specified for configuration key 'buildenv:count' is not of the expected type 'integer'",
        "Configuration key 'vsphere:user' is not namespaced by the project and should not define a type",
        "Configuration key 'vsphere:user' is namespaced and must provide an attribute 'value'",
        "buildenv:typo: 'typ' not allowed",
      ]);
    });
  });

  describe("Pulumi.yaml", () => {
    it("states in the README the CLI version its declared types need", () => {
      // `object` entered the project schema in 3.186.0 (#20129); ValidateConfigValue accepts an
      // object value only since 3.187.0 (#20132, project.go:809-813), so 3.186.0 refuses the
      // defaults of Pulumi.yaml itself.
      const usesObject = Object.values(project().config).some((d) => d.type === "object");
      const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
      assert.strictEqual(usesObject, true);
      assert.ok(readme.includes("**3.187.0 or later**"), "README states the minimum Pulumi CLI");
    });

    it("is a project the CLI accepts", () => {
      assert.deepStrictEqual(projectProblems(project()), []);
    });

    it("declares only keys the program reads (config/load.ts CONFIG_KEYS)", () => {
      // A declared key with a default reaches every stack's program, which rejects unknown keys.
      const unknown = Object.keys(project().config).filter(
        (key) => !(CONFIG_KEYS as readonly string[]).map((k) => `buildenv:${k}`).includes(key),
      );
      assert.deepStrictEqual(unknown, []);
    });

    it("declares every key with a default, so no key is required of every stack", () => {
      const required = Object.entries(project().config)
        .filter(([, d]) => d.default === undefined && d.value === undefined)
        .map(([key]) => key);
      assert.deepStrictEqual(required, []);
    });

    it("marks secret exactly the keys the program reads as secrets", () => {
      for (const [key, declaration] of Object.entries(project().config)) {
        const name = key.slice("buildenv:".length) as (typeof CONFIG_KEYS)[number];
        assert.strictEqual(declaration.secret ?? false, SECRET_CONFIG_KEYS.has(name), key);
      }
    });
  });

  describe("every shipped stack file and what stack:new writes", () => {
    const cases: [string, string, () => string][] = [
      ...SHIPPED.map(([file, stack]): [string, string, () => string] => [
        file,
        stack,
        () => fs.readFileSync(path.join(REPO_ROOT, file), "utf8"),
      ]),
      ["stack:new --kind local", "bob", () => stackNewOutput("local")],
      ["stack:new --kind vch", "bob", () => stackNewOutput("vch")],
    ];
    for (const [what, stack, text] of cases) {
      it(`${what} passes the CLI's checks`, () => {
        const result = validateStackConfig(stack, project(), readStackConfig(text()));
        assert.strictEqual(result.error, undefined);
      });
    }
  });

  describe("the program on what the CLI passes it", () => {
    beforeEach(() => stubVsphere());

    /** The secrets a committed stack file's comments ask for (never in the file itself). */
    function withSecrets(config: Record<string, unknown>): {
      config: Record<string, unknown>;
      secretKeys: string[];
    } {
      const out = { ...config };
      const secretKeys: string[] = [];
      if ((out["buildenv:host"] as { kind?: string } | undefined)?.kind === "vch") {
        out["vsphere:password"] = VSPHERE_PASSWORD;
        out["vsphere:vsphereServer"] ??= "vcenter.example.com";
        out["vsphere:user"] ??= "buildenv@vsphere.local";
        secretKeys.push("vsphere:password");
      }
      if ((out["buildenv:registry"] as { kind?: string } | undefined)?.kind === "harbor") {
        out["harbor:password"] = HARBOR_PASSWORD;
        secretKeys.push("harbor:password");
      }
      if ((out["buildenv:registry"] as { username?: string } | undefined)?.username) {
        out["buildenv:registryPassword"] = REGISTRY_PASSWORD;
        secretKeys.push("buildenv:registryPassword");
      }
      return { config: out, secretKeys };
    }

    const asProgramConfig = (config: StackConfig): Record<string, unknown> =>
      Object.fromEntries(
        [...config].map(([key, value]) => [
          key,
          value.object ? JSON.parse(plainText(value, (c) => c)) : plainText(value, (c) => c),
        ]),
      );

    for (const [file, stack] of [...SHIPPED.slice(0, 3), ["(an empty stack file)", "carol"]]) {
      it(`${file}: Pulumi.yaml's defaults give the same config as the program's own`, async () => {
        const text = file.startsWith("(")
          ? ""
          : fs.readFileSync(path.join(REPO_ROOT, file), "utf8");
        const own = readStackConfig(text);
        const merged = validateStackConfig(stack, project(), own);
        assert.strictEqual(merged.error, undefined);
        const withDefaults = withSecrets(asProgramConfig(merged.config));
        const without = withSecrets(asProgramConfig(own));
        const a = await resolveAll(
          (await runStack(withDefaults.config, { stack, secretKeys: withDefaults.secretKeys }))
            .config,
        );
        const snapshotA = mocks.snapshot();
        mocks.reset();
        stubVsphere();
        const b = await resolveAll(
          (await runStack(without.config, { stack, secretKeys: without.secretKeys })).config,
        );
        assert.deepStrictEqual(a, b);
        assert.strictEqual(snapshotA, mocks.snapshot());
      });
    }
  });
});

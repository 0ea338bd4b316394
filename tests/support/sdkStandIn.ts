import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { mocks, setConfig, unwrap } from "./harness";
import {
  DeclaredPackage,
  PackageSchema,
  loaded,
  lowerFirst,
  member,
  readPackage,
} from "./sdkSchema";
import {
  checkClass,
  checkFunction,
  checkNestedTypes,
  compareProperties,
  functionInputTypes,
  inputTypeText,
  plainTypeText,
  runtimeToken,
  schemaForClass,
} from "./sdkCompare";
import {
  InvokeFunction,
  InvokeOutputFunction,
  ResourceClass,
  captureMonitorRequests,
  errorMessageOf,
  sampleObject,
  secretNames,
  secretSig,
  specialSigKey,
} from "./sdkCapture";

// Checks a local stand-in for a published provider SDK (sdks/<name>) against the provider schema
// the real SDK is generated from. Everything is discovered from the installed package (its .d.ts
// and its JavaScript), so a class or function added later is checked without touching this file.
// tests/<name>-sdk.test.ts call describeSdkStandIn once per stand-in.

const schemaDir =
  process.env.BUILDENV_SCHEMAS ?? path.resolve(__dirname, "../../../shared/schemas");

/** What one stand-in is checked for. */
export interface StandInSpec {
  /** The published package name, e.g. `@pulumi/vsphere`. */
  packageName: string;
  /** The published SDK version this stand-in replaces; the engine fetches this plugin version. */
  pinnedVersion: string;
  /** The schema file in the schemas folder, e.g. `vsphere.json`. */
  schemaFileName: string;
  /** Where every registration tells the engine to download the plugin from ("" for none). */
  pluginDownloadURL: string;
  /** The package.json `pulumi` block, exactly. */
  pulumiBlock: Record<string, unknown>;
  /** The loaded package (`import * as x from "<packageName>"`). */
  module: unknown;
  /** Classes and functions buildenv uses, so the generic checks are not vacuous. */
  classes: string[];
  functions: string[];
  /** At least this many required inputs exist across the classes. */
  minRequiredInputs: number;
  /** Stack config to set, and the `config` values the package must then read. */
  config: { set: Record<string, unknown>; expect: Record<string, unknown> };
}

/** Registers the mocha suite that checks one stand-in. */
export function describeSdkStandIn(spec: StandInSpec): void {
  const { packageName, pinnedVersion } = spec;
  let schema: PackageSchema;
  let pkg: DeclaredPackage;

  describe(`${packageName} stand-in`, function () {
    before(function () {
      // Building a TypeScript program over the package and @pulumi/pulumi's typings takes seconds.
      this.timeout(120_000);
      const schemaFile = path.join(schemaDir, spec.schemaFileName);
      if (!fs.existsSync(schemaFile)) {
        console.log(
          `skipping: no provider schema at ${schemaFile} (set BUILDENV_SCHEMAS to its folder)`,
        );
        this.skip();
      }
      schema = JSON.parse(fs.readFileSync(schemaFile, "utf8")) as PackageSchema;
      loaded.module = spec.module;
      loaded.typesWithArgsForm = functionInputTypes(schema);
      pkg = readPackage(packageName);
    });

    it("has the published package name, version and plugin block", function () {
      assert.equal(pkg.packageJson.name, packageName);
      assert.equal(pkg.packageJson.version, pinnedVersion);
      assert.deepStrictEqual(pkg.packageJson.pulumi, spec.pulumiBlock);
    });

    it("declares at least the members buildenv uses (so the checks below are not vacuous)", function () {
      const classNames = pkg.classes.map((c) => c.className);
      const functionNames = pkg.functions.map((f) => f.name);
      for (const name of spec.classes)
        assert.ok(classNames.includes(name), `class ${name} not found in ${classNames.join(", ")}`);
      for (const name of spec.functions) {
        assert.ok(
          functionNames.includes(name),
          `function ${name} not found in ${functionNames.join(", ")}`,
        );
      }
    });

    it("has type declarations that compile", function () {
      assert.deepStrictEqual(pkg.diagnostics, []);
    });

    it("declares every class with the schema's token, arguments, state and outputs", function () {
      assert.deepStrictEqual(
        pkg.classes.flatMap((c) => checkClass(schema, pkg, c)),
        [],
      );
    });

    it("declares every function with the schema's token, arguments and result", function () {
      assert.deepStrictEqual(
        pkg.functions.flatMap((f) => checkFunction(schema, pkg, f)),
        [],
      );
    });

    it("declares the nested object types the schema references", function () {
      assert.deepStrictEqual(checkNestedTypes(schema, pkg), []);
    });

    it("declares the schema's provider configuration variables", function () {
      const variables = schema.config?.variables ?? {};
      assert.deepStrictEqual(
        compareProperties(
          "config",
          pkg.configVariables.map((v) => ({ ...v, optional: true })),
          variables,
          [],
          (p) => plainTypeText(p, "outputs"),
        ),
        [],
      );
    });

    it("reports declarations that disagree with the schema, by name", function () {
      const schemaProperties = { name: { type: "string" }, size: { type: "integer" } };
      const declared = [
        { name: "name", optional: true, typeText: "pulumi.Input<string>" },
        { name: "colour", optional: true, typeText: "pulumi.Input<string>" },
      ];
      assert.deepStrictEqual(
        compareProperties("x:index/y:Y", declared, schemaProperties, ["name"], inputTypeText),
        [
          "x:index/y:Y: declares 'colour', which the schema does not have",
          "x:index/y:Y: 'name' is optional but the schema has it required",
          "x:index/y:Y: missing 'size'",
        ],
      );
    });

    it("registers every resource with exactly the given inputs, the pinned version and the schema's secrets", async function () {
      for (const declared of pkg.classes) {
        const token = runtimeToken(declared.className);
        const resource = schemaForClass(schema, declared.className, token);
        const Class = member<ResourceClass>(declared.className);
        const args = sampleObject(schema, resource.inputProperties ?? {});
        const logicalName = `${lowerFirst(declared.className)}-all-args`;
        mocks.reset();
        const { result: instance, sent } = await captureMonitorRequests(
          async () => new Class(logicalName, args),
        );

        const isProvider = token.startsWith("pulumi:providers:");
        const secretInputs = secretNames(resource.inputProperties);
        const expectedInputs = Object.fromEntries(
          Object.entries(args).map(([k, v]) => {
            // Providers receive their configuration as strings: other values arrive JSON-encoded.
            const sent = isProvider && typeof v !== "string" ? JSON.stringify(v) : v;
            // Mocks see secret inputs in their wire form (they ask for secrets to be kept).
            return [
              k,
              secretInputs.includes(k) ? { [specialSigKey]: secretSig, value: sent } : sent,
            ];
          }),
        );
        assert.deepStrictEqual(
          mocks.one(token, logicalName).inputs,
          expectedInputs,
          `${token}: registered inputs`,
        );
        assert.deepStrictEqual(
          sent
            .filter((r) => r.name === logicalName)
            .map(({ kind, token: t, version, pluginDownloadURL }) => ({
              kind,
              token: t,
              version,
              pluginDownloadURL,
            })),
          [
            {
              kind: "register",
              token,
              version: pinnedVersion,
              pluginDownloadURL: spec.pluginDownloadURL,
            },
          ],
          `${token}: registration request`,
        );
        const request = sent.find((r) => r.name === logicalName)!;
        assert.deepStrictEqual(
          request.additionalSecretOutputs,
          secretNames(resource.properties),
          `${token}: additionalSecretOutputs`,
        );
        assert.deepStrictEqual(request.secretInputs, secretInputs, `${token}: secret inputs`);
        assert.equal(Class.isInstance(instance), true, `${token}: isInstance of its own instance`);
        assert.equal(Class.isInstance({}), false, `${token}: isInstance of a plain object`);
      }
    });

    it("refuses to construct a resource without a required input, naming that input", function () {
      let checked = 0;
      for (const declared of pkg.classes) {
        const token = runtimeToken(declared.className);
        const resource = schemaForClass(schema, declared.className, token);
        const Class = member<ResourceClass>(declared.className);
        for (const missing of resource.requiredInputs ?? []) {
          const args = sampleObject(schema, resource.inputProperties ?? {});
          delete args[missing];
          const expected = `Missing required property '${missing}'`;
          const thrown = errorMessageOf(
            () => new Class(`${lowerFirst(declared.className)}-without-${missing}`, args),
          );
          assert.equal(
            thrown,
            expected,
            `${token} without '${missing}' threw ${JSON.stringify(thrown)}`,
          );
          checked++;
        }
      }
      assert.ok(checked >= spec.minRequiredInputs, `only ${checked} required inputs were checked`);
      assert.deepStrictEqual(mocks.resources, []);
    });

    it("reads existing resources through get() with the given state and the pinned version", async function () {
      for (const declared of pkg.classes.filter((c) => c.state)) {
        const token = runtimeToken(declared.className);
        const resource = schemaForClass(schema, declared.className, token);
        const Class = member<ResourceClass>(declared.className);
        const state = sampleObject(schema, resource.stateInputs?.properties ?? {});
        const logicalName = `${lowerFirst(declared.className)}-existing`;
        mocks.reset();
        const { sent } = await captureMonitorRequests(async () =>
          Class.get!(logicalName, `${logicalName}-id`, state),
        );
        assert.deepStrictEqual(mocks.one(token, logicalName).inputs, state, `${token}: read state`);
        assert.deepStrictEqual(
          sent
            .filter((r) => r.name === logicalName)
            .map(({ kind, version, pluginDownloadURL }) => ({ kind, version, pluginDownloadURL })),
          [{ kind: "read", version: pinnedVersion, pluginDownloadURL: spec.pluginDownloadURL }],
          `${token}: read request`,
        );
      }
    });

    it("invokes every function, in both forms, with its token, exactly the given arguments and the pinned version", async function () {
      for (const declared of pkg.functions) {
        const token = `${schema.name}:index/${declared.name}:${declared.name}`;
        const fn = schema.functions[token];
        assert.ok(fn, `${declared.name}: ${token} is not a function of the schema`);
        const args = sampleObject(schema, fn.inputs?.properties ?? {});
        const result = sampleObject(schema, fn.outputs?.properties ?? {});
        mocks.reset();
        mocks.stubCall(token, () => result);

        // The mocks refuse unstubbed tokens, and the engine's error loses the token on the way back.
        const explain = (error: unknown): Error =>
          new Error(
            `${declared.name}: invoke failed (${String(error)}); the SDK called ` +
              JSON.stringify(mocks.calls.map((c) => c.token)) +
              `, the schema token is ${token}`,
          );
        const plain = await captureMonitorRequests(() =>
          member<InvokeFunction>(declared.name)(args),
        ).catch((error: unknown) => {
          throw explain(error);
        });
        assert.deepStrictEqual(plain.result, result, `${token}: result`);
        const viaOutput = await captureMonitorRequests(() =>
          unwrap(member<InvokeOutputFunction>(`${declared.name}Output`)(args)),
        ).catch((error: unknown) => {
          throw explain(error);
        });
        assert.deepStrictEqual(viaOutput.result, result, `${token}: Output-form result`);

        assert.deepStrictEqual(
          mocks.calls,
          [
            { token, inputs: args },
            { token, inputs: args },
          ],
          `${token}: calls`,
        );
        assert.deepStrictEqual(
          [...plain.sent, ...viaOutput.sent].map(({ kind, token: t, version }) => ({
            kind,
            token: t,
            version,
          })),
          [
            { kind: "invoke", token, version: pinnedVersion },
            { kind: "invoke", token, version: pinnedVersion },
          ],
          `${token}: invoke requests`,
        );
      }
    });

    it(`reads provider configuration from the ${spec.schemaFileName.replace(/\.json$/, "")} namespace`, function () {
      try {
        setConfig(spec.config.set);
        const config = (spec.module as { config: Record<string, unknown> }).config;
        assert.deepStrictEqual(
          Object.fromEntries(Object.keys(spec.config.expect).map((k) => [k, config[k]])),
          spec.config.expect,
        );
      } finally {
        setConfig({});
      }
    });
  });
}

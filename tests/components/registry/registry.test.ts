import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { computeImageTag } from "../../../components/image/manifest";
import { isSecretInput, mocks, reveal, secretEnvelope } from "../../support/harness";
import {
  REGISTRY_PASSWORD,
  REPO_ROOT,
  resolveAll,
  runStack,
  stubVsphere,
  vchStackConfig,
} from "../../support/stack";

const TAG = computeImageTag(REPO_ROOT, ["images/build"]).tag;
const DIGEST = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const IMAGE = "docker-build:index:Image";
const REPO = "registry.example.com/buildenv/build";

const SECRET_NAMES = ["DOCKER_CA", "DOCKER_CERT", "DOCKER_HOST", "DOCKER_KEY", "REGISTRY_PASSWORD"];
const VARIABLES: Record<string, string> = {
  BUILD_IMAGE: `${REPO}@${DIGEST}`,
  DOCKER_TLS_VERIFY: "1",
  OUTPUT_VOLUME: "buildenv-dev-output",
  REGISTRY: "registry.example.com",
  REGISTRY_USERNAME: "buildenv-ci",
  SOURCE_VOLUME: "buildenv-dev-source",
};

describe("registry and CI", () => {
  beforeEach(() => stubVsphere());

  describe("build image in a registry", () => {
    for (const mode of ["preview", "update"] as const) {
      it(`is built on the local engine and pushed under its content tag (${mode})`, async () => {
        await runStack(vchStackConfig(), { mode });
        const image = mocks.one(IMAGE);
        assert.deepStrictEqual(image.inputs, {
          tags: [`${REPO}:${TAG}`],
          context: {
            location: `node_modules/.cache/buildenv/image-context/v1-${TAG}/images/build`,
          },
          dockerfile: {
            location: `node_modules/.cache/buildenv/image-context/v1-${TAG}/images/build/Dockerfile`,
          },
          buildArgs: {},
          platforms: ["linux/amd64"],
          buildOnPreview: false,
          push: true,
          cacheFrom: [{ registry: { ref: `${REPO}:cache` } }],
          cacheTo: [
            {
              registry: {
                ref: `${REPO}:cache`,
                mode: "max",
                imageManifest: true,
                ociMediaTypes: true,
              },
            },
          ],
          registries: secretEnvelope([
            {
              address: "registry.example.com",
              username: "buildenv-ci",
              password: REGISTRY_PASSWORD,
            },
          ]),
          network: "default",
        });
        // Never the VCH: the builder is the local engine.
        assert.deepStrictEqual(mocks.one("pulumi:providers:docker-build").inputs, {
          host: "unix:///var/run/docker.sock",
        });
      });
    }

    it("is pulled by digest on the host's provider, which carries the registry auth", async () => {
      const { outputs } = await runStack(vchStackConfig());
      const pull = mocks.one("docker:index/remoteImage:RemoteImage");
      assert.deepStrictEqual(pull.inputs, { name: `${REPO}@${DIGEST}`, keepLocally: true });
      assert.ok(pull.provider?.includes("::buildenv-dev-docker::"));
      const provider = mocks.one("pulumi:providers:docker");
      assert.deepStrictEqual(JSON.parse(reveal(provider.inputs.registryAuth) as string), [
        { address: "registry.example.com", username: "buildenv-ci", password: REGISTRY_PASSWORD },
      ]);
      assert.ok(isSecretInput(provider.inputs.registryAuth));
      assert.strictEqual(
        await new Promise((r) => outputs.buildImage.apply(r)),
        `${REPO}@${DIGEST}`,
      );
    });

    it("needs no credentials for an anonymous registry", async () => {
      const config = vchStackConfig({
        "buildenv:registry": { server: "registry.local:5000", repository: "build" },
      });
      delete config["buildenv:registryPassword"];
      await runStack(config);
      assert.strictEqual(mocks.one(IMAGE).inputs.registries, undefined);
      assert.strictEqual(mocks.one("pulumi:providers:docker").inputs.registryAuth, undefined);
      assert.deepStrictEqual(mocks.one(IMAGE).inputs.tags, [`registry.local:5000/build:${TAG}`]);
    });

    it("works with a local host too: pushed, then pulled into the local engine", async () => {
      await runStack({
        "buildenv:registry": { server: "registry.local:5000", repository: "team/build" },
      });
      assert.strictEqual(mocks.one(IMAGE).inputs.push, true);
      assert.deepStrictEqual(mocks.one("docker:index/remoteImage:RemoteImage").inputs, {
        name: `registry.local:5000/team/build@${DIGEST}`,
        keepLocally: true,
      });
    });
  });

  describe("CI secrets and variables", () => {
    it("gives every repository the full set of secrets and variables", async () => {
      const { outputs } = await runStack(
        vchStackConfig({ "buildenv:github": { repositories: ["tools", "app"] } }),
      );
      const secrets = mocks.ofType("github:index/actionsSecret:ActionsSecret");
      const variables = mocks.ofType("github:index/actionsVariable:ActionsVariable");
      assert.strictEqual(secrets.length, 2 * SECRET_NAMES.length);
      assert.strictEqual(variables.length, 2 * Object.keys(VARIABLES).length);
      for (const repository of ["app", "tools"]) {
        assert.deepStrictEqual(
          secrets
            .filter((s) => s.inputs.repository === repository)
            .map((s) => s.inputs.secretName)
            .sort(),
          SECRET_NAMES,
        );
        assert.deepStrictEqual(
          Object.fromEntries(
            variables
              .filter((v) => v.inputs.repository === repository)
              .map((v) => [v.inputs.variableName, v.inputs.value]),
          ),
          VARIABLES,
        );
        for (const secret of secrets.filter((s) => s.inputs.repository === repository)) {
          assert.deepStrictEqual(Object.keys(secret.inputs).sort(), [
            "repository",
            "secretName",
            "value",
          ]);
          assert.ok(isSecretInput(secret.inputs.value), `${secret.name} value is secret`);
          assert.deepStrictEqual(mocks.optionsOf(secret.type, secret.name).ignoreChanges, [
            "remoteUpdatedAt",
          ]);
        }
      }
      const value = (name: string) =>
        reveal(
          secrets.find((s) => s.inputs.repository === "app" && s.inputs.secretName === name)?.inputs
            .value,
        );
      assert.strictEqual(value("DOCKER_HOST"), "tcp://vch-alice.build.example.com:2376");
      assert.strictEqual(value("REGISTRY_PASSWORD"), REGISTRY_PASSWORD);
      assert.strictEqual(
        value("DOCKER_CA"),
        "-----BEGIN CERTIFICATE-----\nCERT-OF-buildenv-dev-ca\n-----END CERTIFICATE-----\n",
      );
      // CI has its own client certificate, not the developer's.
      assert.strictEqual(
        value("DOCKER_CERT"),
        "-----BEGIN CERTIFICATE-----\nCERT-OF-buildenv-dev-client-ci-cert\n-----END CERTIFICATE-----\n",
      );
      assert.strictEqual(
        value("DOCKER_KEY"),
        "-----BEGIN PRIVATE KEY-----\nKEY-OF-buildenv-dev-client-ci-key\n-----END PRIVATE KEY-----\n",
      );
      assert.deepStrictEqual(
        mocks.one("tls:index/certRequest:CertRequest", "buildenv-dev-client-ci-csr").inputs.subject,
        {
          commonName: "alice-ci",
          organization: "buildenv",
        },
      );
      assert.deepStrictEqual(await resolveAll(outputs.ciSecrets), {
        secrets: ["app", "tools"].flatMap((r) => SECRET_NAMES.map((n) => `${r}/${n}`)),
        variables: ["app", "tools"].flatMap((r) => Object.keys(VARIABLES).map((n) => `${r}/${n}`)),
      });
    });

    it("scopes everything to a deployment environment, declared per repository", async () => {
      await runStack(
        vchStackConfig({ "buildenv:github": { repositories: ["app"], environment: "build" } }),
      );
      assert.deepStrictEqual(mocks.ofType("github:index/actionsSecret:ActionsSecret"), []);
      assert.deepStrictEqual(mocks.ofType("github:index/actionsVariable:ActionsVariable"), []);
      assert.deepStrictEqual(
        mocks.one("github:index/repositoryEnvironment:RepositoryEnvironment").inputs,
        {
          repository: "app",
          environment: "build",
        },
      );
      const secrets = mocks.ofType(
        "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
      );
      assert.deepStrictEqual(
        secrets.map((s) => [s.inputs.repository, s.inputs.environment, s.inputs.secretName]).sort(),
        SECRET_NAMES.map((n) => ["app", "build", n]),
      );
      assert.ok(secrets.every((s) => isSecretInput(s.inputs.value)));
      const variables = mocks.ofType(
        "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable",
      );
      assert.deepStrictEqual(
        variables.map((v) => [v.inputs.environment, v.inputs.variableName, v.inputs.value]).sort(),
        Object.entries(VARIABLES).map(([k, v]) => ["build", k, v]),
      );
    });

    it("omits the registry password and user for an anonymous registry", async () => {
      const config = vchStackConfig({
        "buildenv:registry": { server: "registry.local:5000", repository: "build" },
        "buildenv:github": { repositories: ["app"] },
      });
      delete config["buildenv:registryPassword"];
      await runStack(config);
      assert.deepStrictEqual(
        mocks
          .ofType("github:index/actionsSecret:ActionsSecret")
          .map((s) => s.inputs.secretName)
          .sort(),
        ["DOCKER_CA", "DOCKER_CERT", "DOCKER_HOST", "DOCKER_KEY"],
      );
      assert.ok(
        !mocks
          .ofType("github:index/actionsVariable:ActionsVariable")
          .some((v) => v.inputs.variableName === "REGISTRY_USERNAME"),
      );
    });

    it("puts no secret into a variable or a name", async () => {
      await runStack(vchStackConfig({ "buildenv:github": { repositories: ["app"] } }));
      const variables = JSON.stringify(
        mocks.ofType("github:index/actionsVariable:ActionsVariable").map((v) => v.inputs),
      );
      const names = JSON.stringify(mocks.resources.map((r) => r.name));
      for (const secret of [REGISTRY_PASSWORD, "KEY-OF-", "s3cret"]) {
        assert.ok(!variables.includes(secret), secret);
        assert.ok(!names.includes(secret), secret);
      }
    });

    it("evaluates identically a second time", async () => {
      const config = vchStackConfig({
        "buildenv:github": { repositories: ["app", "tools"], environment: "build" },
      });
      await runStack(config);
      const first = mocks.snapshot();
      mocks.reset();
      stubVsphere();
      await runStack(config);
      assert.strictEqual(mocks.snapshot(), first);
    });

    it("keeps the registry password secret end to end", async () => {
      const { config } = await runStack(vchStackConfig());
      assert.strictEqual(await pulumi.isSecret(config.registry!.password!), true);
    });
  });
});

import * as assert from "assert";
import * as buildenv from "../../policy/policies";
import { checkResource } from "../support/policyChecks";

describe("GitHub secret value policy", () => {
  const p = buildenv.githubSecretValuePolicy;
  const secret = "github:index/actionsSecret:ActionsSecret";
  const base = { repository: "buildenv", secretName: "REGISTRY_TOKEN" };

  it("passes secrets that set value or valueEncrypted", () => {
    assert.deepStrictEqual(checkResource(p, secret, { ...base, value: "s3cret" }), []);
    const environmentSecret = "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret";
    const props = { ...base, environment: "ci", valueEncrypted: "YmFzZTY0" };
    assert.deepStrictEqual(checkResource(p, environmentSecret, props), []);
  });

  it("reports the deprecated plaintextValue, which also leaves value unset", () => {
    assert.deepStrictEqual(checkResource(p, secret, { ...base, plaintextValue: "s3cret" }), [
      "Secret sets the deprecated plaintextValue; use value instead.",
      "Secret sets neither value nor valueEncrypted.",
    ]);
  });

  it("reports the deprecated encryptedValue on an environment secret", () => {
    const environmentSecret = "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret";
    const props = { ...base, environment: "ci", value: "s3cret", encryptedValue: "YmFzZTY0" };
    assert.deepStrictEqual(checkResource(p, environmentSecret, props), [
      "Secret sets the deprecated encryptedValue; use valueEncrypted instead.",
    ]);
  });

  it("is not applicable to variables", () => {
    const variable = "github:index/actionsVariable:ActionsVariable";
    const props = { repository: "buildenv", variableName: "X", value: "1" };
    assert.deepStrictEqual(checkResource(p, variable, props), {
      notApplicable:
        "Policy only applies to resources of type github:index/actionsSecret:ActionsSecret, " +
        "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret, " +
        "github:index/dependabotSecret:DependabotSecret",
    });
  });
});

describe("GitHub organisation secret policy", () => {
  const p = buildenv.githubOrganizationSecretPolicy;

  it("reports every organisation secret type", () => {
    for (const type of buildenv.ORGANIZATION_SECRET_TYPES) {
      const props = { secretName: "TOKEN", visibility: "all", value: "s3cret" };
      assert.deepStrictEqual(checkResource(p, type, props), [
        `Organisation-wide secrets are not allowed (${type}); declare a repository or environment secret instead.`,
      ]);
    }
    assert.deepStrictEqual(
      buildenv.ORGANIZATION_SECRET_TYPES.filter((type) => /OrganizationSecret:/.test(type)),
      [
        "github:index/actionsOrganizationSecret:ActionsOrganizationSecret",
        "github:index/dependabotOrganizationSecret:DependabotOrganizationSecret",
        "github:index/codespacesOrganizationSecret:CodespacesOrganizationSecret",
      ],
    );
  });

  it("does not apply to repository secrets", () => {
    const props = { repository: "buildenv", secretName: "TOKEN", value: "s3cret" };
    assert.deepStrictEqual(checkResource(p, "github:index/actionsSecret:ActionsSecret", props), {
      notApplicable: `Policy only applies to resources of type ${buildenv.ORGANIZATION_SECRET_TYPES.join(", ")}`,
    });
  });
});

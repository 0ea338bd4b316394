/** GitHub secrets: current value fields only, nothing organisation-wide. */

// The package's index.d.ts re-exports two members its proxy.d.ts strips as internal, which
// fails type-checking without skipLibCheck; the `policy` module declares the whole public API.
import * as policy from "@pulumi/policy/policy";
import { REPOSITORY_SECRET_TYPES, ORGANIZATION_SECRET_TYPES, validateTypes } from "./common";

/** (4) GitHub secrets carry their value in `value` or `valueEncrypted`, not the deprecated fields. */
export const githubSecretValuePolicy: policy.ResourceValidationPolicy = {
  name: "buildenv-github-secret-value",
  description:
    "GitHub repository and environment secrets set value or valueEncrypted, never the " +
    "deprecated plaintextValue or encryptedValue.",
  enforcementLevel: "mandatory",
  validateResource: validateTypes(REPOSITORY_SECRET_TYPES, (props, _args, reportViolation) => {
    const replacements = [
      ["plaintextValue", "value"],
      ["encryptedValue", "valueEncrypted"],
    ] as const;
    for (const [deprecated, replacement] of replacements) {
      if (deprecated in props) {
        reportViolation(`Secret sets the deprecated ${deprecated}; use ${replacement} instead.`);
      }
    }
    if (!("value" in props) && !("valueEncrypted" in props)) {
      reportViolation("Secret sets neither value nor valueEncrypted.");
    }
  }),
};

/** (5) No organisation-wide secret, nor any grant of one to repositories. */
export const githubOrganizationSecretPolicy: policy.ResourceValidationPolicy = {
  name: "buildenv-no-github-organization-secrets",
  description:
    "No GitHub organisation secret is declared: every repository it selects could read it.",
  enforcementLevel: "mandatory",
  validateResource: validateTypes(ORGANIZATION_SECRET_TYPES, (_props, args, reportViolation) => {
    reportViolation(
      `Organisation-wide secrets are not allowed (${args.type}); ` +
        "declare a repository or environment secret instead.",
    );
  }),
};

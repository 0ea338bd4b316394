/**
 * The buildenv policy pack: `pulumi preview --policy-pack policy`. Only constructs the pack, which
 * starts the analyzer's gRPC server; the policies live in `./policies` so tests can import them.
 */

// Not the package index: see the import in ./policies.
import * as policy from "@pulumi/policy/policy";
import * as buildenv from "./policies";

new policy.PolicyPack("buildenv", {
  description:
    "Guards the buildenv build environment: attributable, quota-bound volumes; TLS on VCHs; " +
    "repository-scoped GitHub secrets; memory-limited containers; short-lived developer stacks; " +
    "least-privilege Harbor robots, private and self-cleaning Harbor projects.",
  enforcementLevel: "mandatory",
  policies: buildenv.policies,
});

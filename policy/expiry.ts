/** Developer stacks are short-lived. */

// The package's index.d.ts re-exports two members its proxy.d.ts strips as internal, which
// fails type-checking without skipLibCheck; the `policy` module declares the whole public API.
import * as policy from "@pulumi/policy/policy";
import * as expiry from "../components/lifecycle/expiry";
import { VOLUME_TYPE, LABEL, DEFAULT_MAX_EXPIRY_DAYS, DAY_MS, StackExpiryConfig } from "./common";
import { volumeLabels } from "./docker";

/**
 * (7) Builds the stack policy that keeps developer stacks short-lived: every volume whose
 * `buildenv.shared` label is not "true" belongs to a developer stack and must carry a
 * `buildenv.expires-at` that `parseExpiry` accepts, at most `maxDays` (config, default 30) after
 * now. Shared volumes need no expiry. An expiry already in the past passes: reaping expired
 * stacks is the reaper's job, and the program itself refuses to run them.
 *
 * @param now The clock; tests pass a fixed instant.
 */
export function makeDeveloperStackExpiryPolicy(now: () => Date): policy.StackValidationPolicy {
  return {
    name: "buildenv-developer-stack-expiry",
    description:
      `Volumes of developer stacks ("${LABEL.shared}" not "true") carry a parseable ` +
      `"${LABEL.expiresAt}" at most maxDays after now; "never" only on the local engine ` +
      `(driver "local"), where a stack occupies no shared infrastructure.`,
    enforcementLevel: "mandatory",
    configSchema: {
      properties: {
        maxDays: {
          type: "integer",
          minimum: 1,
          default: DEFAULT_MAX_EXPIRY_DAYS,
          description: "Latest expiry of a developer stack, in days from now.",
        },
      },
    },
    validateStack: (args, reportViolation) => {
      const volumes = args.resources.filter((resource) => resource.type === VOLUME_TYPE);
      if (volumes.length === 0) {
        args.notApplicable("The stack declares no Docker volumes");
      }
      const maxDays = args.getConfig<StackExpiryConfig>().maxDays ?? DEFAULT_MAX_EXPIRY_DAYS;
      const latest = new Date(now().getTime() + maxDays * DAY_MS);
      for (const volume of volumes) {
        const labels = volumeLabels(volume.props);
        if (labels.get(LABEL.shared) === "true") {
          continue;
        }
        const raw = labels.get(LABEL.expiresAt);
        const expiresAt = raw === undefined ? undefined : expiry.parseExpiry(raw);
        const subject = `Developer volume "${volume.name}"`;
        if (raw === "never" && volume.props["driver"] === "local") {
          // As in lifecycle/config.ts: an expiry is optional for a laptop's own engine.
          continue;
        }
        if (raw === undefined) {
          reportViolation(`${subject} has no "${LABEL.expiresAt}" label.`, volume.urn);
        } else if (expiresAt === undefined) {
          reportViolation(
            `${subject} has an unparseable "${LABEL.expiresAt}" label ${JSON.stringify(raw)}.`,
            volume.urn,
          );
        } else if (expiresAt.getTime() > latest.getTime()) {
          reportViolation(
            `${subject} expires at ${expiry.formatExpiry(expiresAt)}, more than ${maxDays} days ` +
              `from now (latest allowed ${expiry.formatExpiry(latest)}).`,
            volume.urn,
          );
        }
      }
    },
  };
}

/** The developer stack expiry policy on the real clock. */
export const developerStackExpiryPolicy = makeDeveloperStackExpiryPolicy(() => new Date());

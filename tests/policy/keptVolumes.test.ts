import * as assert from "assert";
import * as buildenv from "../../policy/policies";
import {
  DEVELOPER_LABELS,
  VCH_CREATE,
  VCH_DELETE,
  checkStack,
  urnOf,
  volume,
} from "../support/policyChecks";

describe("kept volumes keep their VCH's stores policy", () => {
  const p = buildenv.keptVolumeStoresPolicy;
  const vch = (del: string) => ({
    type: buildenv.COMMAND_TYPE,
    name: "vch",
    props: { create: VCH_CREATE, delete: del },
  });
  const kept = (name: string, extra: Record<string, string> = {}) => ({
    name,
    props: volume({ ...DEVELOPER_LABELS, "buildenv.keep": "true", ...extra }),
  });
  const disposable = { name: "scratch", props: volume(DEVELOPER_LABELS) };

  it("reports a forced VCH delete in a stack with kept volumes, a cache among them", () => {
    const cache = kept("cache-go", { "buildenv.volume": "cache-go" });
    assert.deepStrictEqual(
      checkStack(p, [
        kept("source", { "buildenv.volume": "source" }),
        cache,
        disposable,
        vch(VCH_DELETE),
      ]),
      [
        `${urnOf(buildenv.COMMAND_TYPE, "vch")}: VCH delete script passes --force, which deletes the volume stores with the kept volumes buildenv-alice-cache-go, buildenv-alice-source; delete without --force while a volume is kept.`,
      ],
    );
  });

  it("is not applicable to a delete without --force", () => {
    const del = VCH_DELETE.replace(" --force", "");
    assert.deepStrictEqual(checkStack(p, [kept("source"), vch(del)]), {
      notApplicable: "The stack has no kept volume or no VCH deleted with --force",
    });
  });

  it("is not applicable when every volume is disposable, or without a VCH", () => {
    assert.deepStrictEqual(checkStack(p, [disposable, vch(VCH_DELETE)]), {
      notApplicable: "The stack has no kept volume or no VCH deleted with --force",
    });
    assert.deepStrictEqual(checkStack(p, [kept("source")]), {
      notApplicable: "The stack has no kept volume or no VCH deleted with --force",
    });
  });
});

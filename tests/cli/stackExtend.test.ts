import * as assert from "assert/strict";
import { extendStackFile } from "../../cli/lifecycle/stackFileEdit";
import { EXPIRES, throwsMessage } from "../support/stackTemplates";

describe("stack tools", () => {
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
});

import * as assert from "assert";
import { compareUtf8, gitBlobHash, quotePath } from "../../../components/image/gitFormat";
import { gitHashObjectOfFile } from "../../support/manifestFixture";

describe("image/gitFormat", () => {
  describe("gitBlobHash", () => {
    it("matches the well-known blob names of git", () => {
      assert.equal(gitBlobHash(""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
      assert.equal(gitBlobHash("hello\n"), "ce013625030ba8dba906f756967f9e9ca394464a");
      assert.equal(gitBlobHash(Buffer.from("hello\n")), "ce013625030ba8dba906f756967f9e9ca394464a");
    });

    it("hashes strings as UTF-8, like git hash-object of a file holding them", () => {
      assert.equal(gitBlobHash("café \u{1F600}\n"), gitHashObjectOfFile("café \u{1F600}\n"));
    });
  });
  describe("quotePath", () => {
    it("leaves plain paths and spaces alone", () => {
      assert.equal(quotePath("dir/with space/file.txt"), "dir/with space/file.txt");
    });

    it("uses C escapes and octal UTF-8 bytes inside double quotes", () => {
      assert.equal(quotePath('a"b\\c'), '"a\\"b\\\\c"');
      assert.equal(
        quotePath("\u0007\b\t\n\u000b\f\r\u0001\u001f\u007f"),
        '"\\a\\b\\t\\n\\v\\f\\r\\001\\037\\177"',
      );
      assert.equal(quotePath("é\u{1F600}"), '"\\303\\251\\360\\237\\230\\200"');
    });
  });

  describe("compareUtf8", () => {
    it("orders like Buffer.compare of the UTF-8 bytes, unlike JS string order", () => {
      const samples = [
        "a",
        "a-b",
        "a/b",
        "a.b",
        "a0",
        "",
        "\u007f",
        "é",
        "\uE000",
        "\uFFFD",
        "\u{1F600}",
        "\u{10FFFF}",
        "ab",
      ];
      for (const a of samples) {
        for (const b of samples) {
          const expected = Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));
          assert.equal(Math.sign(compareUtf8(a, b)), expected, `${a} vs ${b}`);
        }
      }
      assert.equal("\u{1F600}" < "\uFFFD", true);
      assert.equal(compareUtf8("\u{1F600}", "\uFFFD") > 0, true);
    });
  });
});

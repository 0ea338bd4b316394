import * as assert from "assert";
import { formatExpiry, parseExpiry, parseTtl } from "../../../components/lifecycle/expiry";

describe("expiry parsing", () => {
  const accepted: [string, string][] = [
    ["2026-12-01", "2026-12-01T00:00:00.000Z"],
    ["2024-02-29", "2024-02-29T00:00:00.000Z"],
    ["0050-01-01", "0050-01-01T00:00:00.000Z"],
    ["2026-12-01T18:00Z", "2026-12-01T18:00:00.000Z"],
    ["2026-12-01T18:00:00+01:00", "2026-12-01T17:00:00.000Z"],
    ["2026-12-01T01:30:00-05:30", "2026-12-01T07:00:00.000Z"],
    ["2026-12-01T18:00:00.250Z", "2026-12-01T18:00:00.250Z"],
  ];
  for (const [text, iso] of accepted) {
    it(`reads ${text} as ${iso}`, () => {
      assert.strictEqual(parseExpiry(text)?.toISOString(), iso);
    });
  }

  const rejected = [
    "2023-02-29",
    "0100-02-29",
    "2026-13-01",
    "2026-12-32",
    "2026-12-01T18:00:00",
    "2026-12-01T24:00:00Z",
    "2026-12-01T18:60:00Z",
    "2026-12-01T18:00:00+24:00",
    "2026-12-01 18:00:00Z",
    "next week",
    "",
  ];
  for (const text of rejected) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.strictEqual(parseExpiry(text), undefined);
    });
  }

  it("formats without milliseconds when there are none", () => {
    assert.strictEqual(formatExpiry(new Date("2026-12-01T17:00:00.000Z")), "2026-12-01T17:00:00Z");
    assert.strictEqual(
      formatExpiry(new Date("2026-12-01T17:00:00.250Z")),
      "2026-12-01T17:00:00.250Z",
    );
  });

  it("reads time-to-live in hours, days and weeks", () => {
    assert.deepStrictEqual(["12h", "7d", "2w", "0d", "1.5d", "7", "d7", "-1d"].map(parseTtl), [
      12 * 3_600_000,
      7 * 86_400_000,
      14 * 86_400_000,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

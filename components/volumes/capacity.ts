/**
 * Volume capacities: every accepted spelling is normalised to whole decimal MB here, once (the
 * label, the quota and the local engine use that). A VCH takes a bare `Capacity` as MiB, so
 * host/containerHost.ts converts with vicCapacityMiB (volumes/buildVolume.ts).
 */

const UNIT_BYTES: Record<string, number> = {
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  m: 1e6,
  g: 1e9,
  t: 1e12,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** The largest virtual disk vSphere creates is 62 TB. */
export const MAX_CAPACITY_MB = 62_000_000;

export const CAPACITY_RULE =
  "a whole number of MB, or a positive number with a unit MB, GB, TB (decimal) or MiB, GiB, TiB " +
  "(binary), e.g. 500MB, 2GB, 2GiB; at most 62TB";

/**
 * Why a capacity with a decimal unit cannot be made as written, or undefined. VIC converts a
 * capacity with a unit to whole MB by integer division (lib/apiservers/engine/proxy/
 * storage_proxy.go:676-685 at vmware/vic 9489f63e: `int64(capacity) / int64(units.MB)`), so
 * anything below 1 MB, or a fraction of a MB, is not what the volume gets; it is refused rather
 * than rounded. Binary units are rounded up on purpose (a volume is never smaller than asked).
 */
export function capacityPrecisionProblem(value: string | number): string | undefined {
  if (typeof value !== "string") return undefined;
  const match = CAPACITY.exec(value.trim());
  const unit = match?.[2]?.toLowerCase();
  if (!match || unit === undefined || !["mb", "gb", "tb", "m", "g", "t"].includes(unit)) {
    return undefined;
  }
  const bytes = Math.round(Number(match[1]) * UNIT_BYTES[unit]);
  // Zero included: "0.0000004MB" is no volume at all (VIC: "Invalid size: 0",
  // tests/test-cases/Group1-Docker-Commands/1-19-Docker-Volume-Create.robot:158-160).
  if (Number(match[1]) > 0 && bytes < 1e6) {
    return "is less than 1 MB; VIC sizes a volume in whole MB and would not make it as asked: use at least 1MB";
  }
  if (bytes % 1e6 !== 0) {
    return `is ${bytes / 1e6} MB, not a whole number of MB; VIC sizes a volume in whole MB: use e.g. ${Math.ceil(bytes / 1e6)}MB`;
  }
  return undefined;
}

const CAPACITY = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]+)?$/;

/**
 * Parses a capacity into whole decimal megabytes, rounding binary units up so a volume is never
 * smaller than asked (2GiB → 2148). Returns undefined when the value is not a valid capacity.
 */
export function parseCapacityMB(value: string | number): number | undefined {
  if (typeof value === "number") {
    return Number.isInteger(value) && value > 0 && value <= MAX_CAPACITY_MB ? value : undefined;
  }
  const match = CAPACITY.exec(value.trim());
  if (!match) {
    return undefined;
  }
  const amount = Number(match[1]);
  const unit = match[2]?.toLowerCase();
  if (unit === undefined) {
    // A bare number is MB, as VIC reads it; a fraction of a MB is not something it can make.
    return Number.isInteger(amount) && amount > 0 && amount <= MAX_CAPACITY_MB ? amount : undefined;
  }
  const bytesPerUnit = UNIT_BYTES[unit];
  if (bytesPerUnit === undefined || amount <= 0) {
    return undefined;
  }
  // Round in bytes first so decimal amounts such as 1.1GB do not pick up float noise.
  const megabytes = Math.ceil(Math.round(amount * bytesPerUnit) / 1e6);
  return megabytes <= MAX_CAPACITY_MB ? megabytes : undefined;
}

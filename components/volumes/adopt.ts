/**
 * Getting a kept volume back on a VCH after `pulumi destroy`. Docker answers `VolumeCreate` for
 * an existing name with that volume (moby daemon/volume/service/store.go:596-607), so on the local
 * engine the provider's create adopts it. VIC answers with an error instead ("A volume named %s
 * already exists", vmware/vic lib/apiservers/engine/proxy/storage_proxy.go:120-121), so on a VCH
 * a script first makes sure the volume exists (creating it only when `docker volume inspect`
 * finds nothing) and the `docker.Volume` then always imports it by name: the import reads the
 * volume, whether the script just made it or an earlier stack left it with its data.
 */
import { shellQuote } from "../vic/vicMachine";

/** What the ensure script reads from its environment; all of it is secret material. */
export const ENSURE_ENV = {
  dockerHost: "BUILDENV_DOCKER_HOST",
  ca: "BUILDENV_TLS_CA",
  cert: "BUILDENV_TLS_CERT",
  key: "BUILDENV_TLS_KEY",
} as const;

/** The volume as `docker volume create` makes it. */
export interface EnsuredVolume {
  /** Physical volume name, `buildenv-<stack>-<volume>`. */
  name: string;
  /** Volume driver, `vsphere` on a VCH. */
  driver: string;
  /** Driver options, e.g. VIC's `Capacity` (MiB) and `VolumeStore`. */
  driverOpts: Record<string, string>;
  /** Labels, in the order given. */
  labels: { label: string; value: string }[];
}

/**
 * A bash script (run with vic/vicMachine.ts scriptInterpreter) that creates the volume unless
 * the engine has one of that name, and says which it did. The TLS client material arrives only
 * in the environment ({@link ENSURE_ENV}) and is written to a private directory removed on exit;
 * nothing secret is in the script or in any argument. Deterministic: same volume, same text.
 */
export function ensureVolumeScript(volume: EnsuredVolume): string {
  const name = shellQuote(volume.name);
  const create = [
    "docker volume create",
    `--driver ${shellQuote(volume.driver)}`,
    ...Object.keys(volume.driverOpts)
      .sort()
      .map((key) => `--opt ${shellQuote(`${key}=${volume.driverOpts[key]}`)}`),
    ...volume.labels.map(({ label, value }) => `--label ${shellQuote(`${label}=${value}`)}`),
    name,
  ].join(" ");
  return [
    "set -euo pipefail",
    "umask 077",
    'certs="$(mktemp -d)"',
    `trap 'rm -rf "$certs"' EXIT`,
    `export DOCKER_HOST="$${ENSURE_ENV.dockerHost}"`,
    `if [ -n "\${${ENSURE_ENV.ca}:-}" ]; then`,
    `  printf '%s' "$${ENSURE_ENV.ca}" > "$certs/ca.pem"`,
    `  printf '%s' "$${ENSURE_ENV.cert}" > "$certs/cert.pem"`,
    `  printf '%s' "$${ENSURE_ENV.key}" > "$certs/key.pem"`,
    // A VCH speaks Docker API 1.25 and only over verified TLS.
    '  export DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$certs" DOCKER_API_VERSION=1.25',
    "fi",
    `unset ${ENSURE_ENV.ca} ${ENSURE_ENV.cert} ${ENSURE_ENV.key}`,
    `if docker volume inspect ${name} >/dev/null 2>&1; then`,
    `  echo ${shellQuote(`volume ${volume.name} exists: adopted with its data`)}`,
    "else",
    `  ${create} >/dev/null`,
    `  echo ${shellQuote(`volume ${volume.name} created`)}`,
    "fi",
    "",
  ].join("\n");
}

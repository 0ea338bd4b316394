/**
 * Name rules shared by the config module and the stack tools. VIC host names are limited to 31
 * characters and are built as `buildenv-<owner>`, which is why owners stop at 20.
 */

/** Owner of a stack: lower-case letter first, then lower-case letters, digits and `-`; 1–20. */
export const OWNER_PATTERN = /^[a-z](?:[a-z0-9-]{0,18}[a-z0-9])?$/;
export const OWNER_RULE =
  "1-20 lower-case letters, digits and '-', starting with a letter and not ending with '-'";

/** A Virtual Container Host name: what vic-machine accepts and vSphere shows; at most 31. */
export const VCH_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,29}[a-z0-9])?$/;
export const VCH_NAME_RULE =
  "1-31 lower-case letters, digits and '-', not starting or ending with '-'";

/** A key of `buildenv:volumes`; it becomes part of Docker volume names and CI variable names. */
export const VOLUME_KEY_PATTERN = /^[a-z](?:[a-z0-9-]{0,28}[a-z0-9])?$/;
export const VOLUME_KEY_RULE =
  "1-30 lower-case letters, digits and '-', starting with a letter and not ending with '-'";

/** Physical name of a stack's volume; the stack name keeps two stacks' volumes apart. */
export function volumeName(stack: string, volume: string): string {
  return `buildenv-${stack}-${volume}`;
}

/** The CI variable that carries a volume's physical name, e.g. `source` → `SOURCE_VOLUME`. */
export function volumeVariableName(volume: string): string {
  return `${volume.toUpperCase().replace(/-/g, "_")}_VOLUME`;
}

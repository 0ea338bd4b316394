/**
 * Where `npm run env -- output --push` pushes a stack's output archives: a repository beside the
 * build image's, `<repository>-output` on the same server (for Harbor in the same project, so
 * the same robots and members reach it and the project's retention covers it). Its tags are
 * source tree ids, so it never mixes with the build image's content tags.
 */

/** What the output repository's name adds to the build image repository's. */
export const OUTPUT_REPOSITORY_SUFFIX = "-output";

/** `team/build` → `team/build-output`. */
export function outputRepositoryPath(repository: string): string {
  return `${repository}${OUTPUT_REPOSITORY_SUFFIX}`;
}

/**
 * How many output tags Harbor's retention keeps in the output repository, newest pushed first:
 * outputs are rebuilt from source, so only recent ones are worth their storage.
 */
export const OUTPUT_KEEP = 20;

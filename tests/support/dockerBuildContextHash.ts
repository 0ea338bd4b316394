/**
 * pulumi-docker-build's build context hash, re-implemented from its source so that tests can show
 * what the provider's Diff would compute: pulumi/pulumi-docker-build v0.0.22
 * `provider/internal/context.go`:
 *
 * - `hashBuildContext` (:202-254): sha256 over the Dockerfile's content when it is a local file
 *   (`hashDockerfile`, :285-298, content only, not its name), then the context directory
 *   (`hashPath`, :257-282) through `fsutil.NewFS` (tonistiigi/fsutil `fs.go`: the root with
 *   symlinks resolved, `filepath.WalkDir` under it: lexical order of names per directory,
 *   depth first, symlinks not followed) filtered by `.dockerignore` patterns;
 * - `hashFile` (:164-196): directories and anything but regular files and symlinks skipped; the
 *   content read through the path (a symlink is followed; one to a directory fails with EISDIR and
 *   is skipped), then the slash-separated relative path, then `fileMode.String()`, Go's
 *   `io/fs.FileMode.String` of the `Lstat` mode (`os/stat_linux.go` maps S_IFLNK to `L`, setuid,
 *   setgid and sticky to `u`, `g`, `t`), e.g. `-rw-rw-r--` or `Lrwxrwxrwx`.
 *
 * Named contexts (none here) and `.dockerignore` files are not re-implemented: the hash refuses a
 * context that has an ignore file.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

/** Go's `io/fs.FileMode.String` for the bits a Linux lstat gives a regular file or symlink. */
export function goFileModeString(stMode: number): string {
  // Go's mode letters "dalTLDpSugct?" from the top bit down; only these can occur here.
  const letters =
    ((stMode & fs.constants.S_IFMT) === fs.constants.S_IFLNK ? "L" : "") +
    (stMode & 0o4000 ? "u" : "") +
    (stMode & 0o2000 ? "g" : "") +
    (stMode & 0o1000 ? "t" : "");
  let perms = "";
  const rwx = "rwxrwxrwx";
  for (let i = 0; i < 9; i++) {
    perms += stMode & (1 << (8 - i)) ? rwx[i] : "-";
  }
  return (letters || "-") + perms;
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/**
 * The `contextHash` pulumi-docker-build computes for a local context directory and Dockerfile.
 * Relative paths are resolved against the working directory, as the provider resolves them.
 */
export function dockerBuildContextHash(contextDir: string, dockerfile: string): string {
  for (const ignore of [`${dockerfile}.dockerignore`, path.join(contextDir, ".dockerignore")]) {
    if (fs.existsSync(ignore)) {
      throw new Error(`${ignore}: .dockerignore patterns are not re-implemented here`);
    }
  }
  const hash = crypto.createHash("sha256");
  if (fs.statSync(dockerfile, { throwIfNoEntry: false })?.isFile()) {
    hash.update(fs.readFileSync(dockerfile));
  }
  const walk = (absolute: string, relative: string) => {
    for (const name of fs.readdirSync(absolute).sort(compareBytes)) {
      const childAbsolute = path.join(absolute, name);
      const childRelative = relative === "" ? name : `${relative}/${name}`;
      const stats = fs.lstatSync(childAbsolute);
      if (stats.isDirectory()) {
        walk(childAbsolute, childRelative);
        continue;
      }
      if (!stats.isFile() && !stats.isSymbolicLink()) {
        continue;
      }
      let content: Buffer;
      try {
        content = fs.readFileSync(childAbsolute);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EISDIR") {
          continue;
        }
        throw error;
      }
      hash.update(content);
      hash.update(childRelative);
      hash.update(goFileModeString(stats.mode));
    }
  };
  walk(fs.realpathSync(contextDir), "");
  return hash.digest("hex");
}

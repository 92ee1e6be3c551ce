import { flagValue, flagValues, type ParsedFlyctl } from "./parse.js";

/**
 * flyctl arguments that read (or write) files on the machine flyops runs on. A plan may not use
 * them: what a local file holds is not in the reviewed plan, and a path such as
 * `/root/.fly/config.yml` would upload the operator's credentials into a machine or an image.
 * flyops runs flyctl in an empty temporary folder (src/fly/flyctl.ts), so nothing legitimate
 * lives there to build or upload either. Found in flyctl's source (internal/command/**):
 *
 * - `--file-local GUEST=LOCAL` (machine run/create/update, deploy): reads LOCAL into the machine.
 *   `GUEST=` with nothing after it removes a file and reads nothing; `--file-literal` (inline
 *   content) and `--file-secret` (an app secret already on Fly) read nothing local.
 * - `--machine-config`: a `*.json` file, or inline JSON whose `files[].local_path` flyctl reads.
 * - `--dockerfile`, `--ignorefile`, and a build from a local folder: `deploy [PATH]`, `deploy`
 *   without `--image`, `machine run|create ./dir` and `machine update --image ./dir` (an image
 *   argument starting with `.` or `/` is a folder to build).
 * - `deploy --from-manifest` reads, `--export-manifest` writes a local file; `--buildpacks-volume`
 *   mounts local folders into the builder; `certs import --fullchain/--private-key` read files.
 *
 * `--config` (another fly.toml) has its own rule; `--build-secret` takes NAME=VALUE only (no file
 * form in flyctl) and is refused as a secret on the command line; flyctl has no `--env-file`.
 */

const FILE_FLAGS: Readonly<Record<string, string>> = {
  dockerfile: "--dockerfile reads a local Dockerfile and builds from local files",
  ignorefile: "--ignorefile reads a local file",
  "from-manifest": "--from-manifest reads a local file",
  "export-manifest": "--export-manifest writes a file on this machine",
  "buildpacks-volume": "--buildpacks-volume mounts local folders into the image builder",
  fullchain: "--fullchain reads a local certificate file and uploads it",
  "private-key": "--private-key reads a local private key file and uploads it",
};

/** Go's encoding/json matches keys case-insensitively, so `LOCAL_PATH` reads a file too. */
function namesLocalPath(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(namesLocalPath);
  if (value === null || typeof value !== "object") return false;
  return Object.entries(value).some(
    ([key, item]) => key.normalize("NFKC").toLowerCase() === "local_path" || namesLocalPath(item),
  );
}

function machineConfigProblem(value: string): string | undefined {
  // flyctl: inline JSON only when the value starts with "{"; otherwise a *.json file it reads.
  if (!value.startsWith("{"))
    return "--machine-config names a local file; give the config inline as JSON instead";
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return "--machine-config is not valid JSON, so flyops cannot check it for local_path entries";
  }
  return namesLocalPath(json)
    ? "--machine-config names files with a local_path: flyctl uploads those local files into the machine"
    : undefined;
}

/** An image argument flyctl treats as a folder to build (command_run.go, DetermineImage). */
const isLocalPath = (image: string): boolean => image.startsWith(".") || image.startsWith("/");

const LOCAL_BUILD = "flyctl builds that local folder and uploads it";

function commandProblems(parsed: ParsedFlyctl): string[] {
  const problems: string[] = [];
  const command = parsed.path.join(" ");
  const first = parsed.positionals[0]?.text;
  if (command === "deploy") {
    if (first !== undefined)
      problems.push(
        `the path argument ${JSON.stringify(first)} is a local folder: ${LOCAL_BUILD}, with its fly.toml`,
      );
    if ((flagValue(parsed, "image") ?? "") === "")
      problems.push(
        "without --image, deploy builds an image from local files (and flyops runs flyctl in an empty folder); deploy an image that is already built: --image REF",
      );
  }
  if (
    (command === "machine run" || command === "machine create") &&
    first !== undefined &&
    isLocalPath(first)
  )
    problems.push(`the image argument ${JSON.stringify(first)} is a local folder: ${LOCAL_BUILD}`);
  const image = flagValue(parsed, "image");
  if (command === "machine update" && image !== undefined && isLocalPath(image))
    problems.push(`--image ${JSON.stringify(image)} is a local folder: ${LOCAL_BUILD}`);
  return problems;
}

/** Why the line reads or writes local files; one reason per flag or argument. */
export function localFileProblems(parsed: ParsedFlyctl): string[] {
  const problems = commandProblems(parsed);
  for (const use of parsed.uses) {
    const why = FILE_FLAGS[use.flag.name];
    if (why !== undefined) problems.push(why);
  }
  for (const file of flagValues(parsed, "file-local")) {
    const eq = file.indexOf("=");
    if (eq < 0 || file.slice(eq + 1) !== "")
      problems.push("--file-local reads a file of this machine and uploads it into the Fly machine");
  }
  for (const config of flagValues(parsed, "machine-config")) {
    const why = machineConfigProblem(config);
    if (why !== undefined) problems.push(why);
  }
  return [...new Set(problems)];
}

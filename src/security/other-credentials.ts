/**
 * Credential variables that other tools read from the environment of the person running flyops.
 * A plan's `{ "fromEnv": NAME }` would copy one into an app, where anyone who can deploy or ssh into
 * that app reads it; an operator's shell often holds them without thinking of it. So a plan may
 * name one only when the flyops config file lists it under `secrets.allow_env` (secret-sources.ts).
 * Each list follows the tool's own documentation, cited beside it.
 */

/** The config file key that lets a plan read one of these variables. */
export const ALLOW_ENV_KEY = "secrets.allow_env";

interface Family {
  tool: string;
  names: readonly string[];
}

const FAMILIES: readonly Family[] = [
  {
    // AWS CLI, "Environment variables to configure the AWS CLI"
    // (docs.aws.amazon.com/cli/latest/userguide/cli-configure-envvars.html); AWS_SECURITY_TOKEN is
    // the older name of the session token that SDKs still read.
    tool: "AWS",
    names: ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"],
  },
  {
    // Google's Application Default Credentials (cloud.google.com/docs/authentication), the Terraform
    // Google provider's credential variables (terraform-provider-google, provider_reference), and
    // gcloud's access token file (gcloud topic configurations: auth/access_token_file).
    tool: "Google Cloud",
    names: [
      "GOOGLE_APPLICATION_CREDENTIALS",
      "GOOGLE_CREDENTIALS",
      "GOOGLE_CLOUD_KEYFILE_JSON",
      "GCLOUD_KEYFILE_JSON",
      "GOOGLE_OAUTH_ACCESS_TOKEN",
      "CLOUDSDK_AUTH_ACCESS_TOKEN_FILE",
    ],
  },
  {
    // Azure Identity's EnvironmentCredential (learn.microsoft.com, Azure.Identity.EnvironmentCredential)
    // and the ARM_* variables of the Terraform azurerm provider and backend.
    tool: "Azure",
    names: [
      "AZURE_CLIENT_SECRET",
      "AZURE_CLIENT_CERTIFICATE_PATH",
      "AZURE_CLIENT_CERTIFICATE_PASSWORD",
      "AZURE_PASSWORD",
      "ARM_CLIENT_SECRET",
      "ARM_CLIENT_CERTIFICATE_PASSWORD",
      "ARM_ACCESS_KEY",
    ],
  },
  {
    // gh's environment (cli.github.com/manual/gh_help_environment) and the tokens GitHub Actions
    // gives a job.
    tool: "GitHub",
    names: [
      "GH_TOKEN",
      "GITHUB_TOKEN",
      "GH_ENTERPRISE_TOKEN",
      "GITHUB_ENTERPRISE_TOKEN",
      "ACTIONS_RUNTIME_TOKEN",
      "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    ],
  },
  {
    // npm's token in CI (docs.npmjs.com, "Using private packages in a CI/CD workflow"), the one
    // actions/setup-node writes into .npmrc, npm's `_auth` / `_authToken` given as npm_config_*, and Yarn's.
    tool: "npm",
    names: [
      "NPM_TOKEN",
      "NODE_AUTH_TOKEN",
      "NPM_CONFIG__AUTH",
      "NPM_CONFIG__AUTHTOKEN",
      "YARN_NPM_AUTH_TOKEN",
    ],
  },
  {
    // Registry credentials: GitLab's DOCKER_AUTH_CONFIG and the password variables of its
    // `docker login` examples (docs.gitlab.com/ci/docker/authenticate_registry), and the usual
    // names of a Docker Hub password or token in CI.
    tool: "Docker",
    names: [
      "DOCKER_AUTH_CONFIG",
      "DOCKER_PASSWORD",
      "DOCKER_TOKEN",
      "DOCKERHUB_PASSWORD",
      "DOCKERHUB_TOKEN",
      "DOCKER_REGISTRY_PASS",
      "CI_REGISTRY_PASSWORD",
    ],
  },
];

const TOOL_OF = new Map(FAMILIES.flatMap(({ tool, names }) => names.map((name) => [name, tool] as const)));

/** The tool whose credential variable `name` is (compared in capitals, as Windows does), or undefined. */
export function otherToolOf(name: string): string | undefined {
  return TOOL_OF.get(name.trim().toUpperCase());
}

/**
 * The signals Fly's Machines API takes for `POST …/signal` (machines-openapi.json SignalRequest).
 * One list for the client, the catalog and the sandbox.
 */
export const SIGNALS = [
  "SIGABRT",
  "SIGALRM",
  "SIGFPE",
  "SIGHUP",
  "SIGILL",
  "SIGINT",
  "SIGKILL",
  "SIGPIPE",
  "SIGQUIT",
  "SIGSEGV",
  "SIGTERM",
  "SIGTRAP",
  "SIGUSR1",
  "SIGUSR2",
] as const;
export type MachineSignal = (typeof SIGNALS)[number];

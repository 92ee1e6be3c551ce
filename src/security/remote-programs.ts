/**
 * Program names that a command run in a machine may not start with (or, for shells, wrappers and
 * interpreters, name anywhere). The shape rules of remote-command.ts do the real work; these lists
 * catch what a plain shape can still do. They cannot be complete, which is why a remote command
 * needs --allow-destructive even when it passes. Names are matched after dropping a path and a
 * version suffix, lower-cased (`/usr/bin/Python3.12` is `python`).
 */

/**
 * Shells. flyctl runs `ssh console -C sh|bash` with a terminal (internal/command/ssh/console.go
 * allocates a pseudo-terminal for them), and any shell reads code from its arguments or stdin.
 */
export const SHELLS: ReadonlySet<string> = new Set(
  "sh bash rbash zsh dash ash ksh mksh pdksh oksh loksh yash posh csh tcsh fish nu nushell xonsh elvish pwsh powershell busybox toybox".split(
    " ",
  ),
);

/** They print the environment (which holds the app's secrets) or every shell variable; `ps e` prints every process's. */
export const ENV_PRINTERS: ReadonlySet<string> = new Set(
  "env printenv export declare typeset compgen set local readonly ps".split(" "),
);

/** They run another program named in their arguments: screen that program, not the wrapper. */
export const WRAPPERS: ReadonlySet<string> = new Set(
  "exec eval command builtin source sudo su doas runuser chroot nohup nice ionice taskset chrt timeout stdbuf setsid setpriv unshare nsenter flock script xargs find watch time strace ltrace gdb valgrind unbuffer expect parallel tini dumb-init s6-setuidgid chpst su-exec gosu".split(
    " ",
  ),
);

/**
 * Interpreters of a language. Allowed only as `interpreter SCRIPT ARGS…` with the script first:
 * an option before it (`-c`, `-e`, `--eval`, `-m`, `-`, `-r`) can hand them code or stdin, and
 * with no script at all they start an interactive prompt.
 */
export const INTERPRETERS: ReadonlySet<string> = new Set(
  "python pypy node nodejs deno bun ruby jruby irb perl php lua luajit tclsh wish rscript r julia erl escript elixir iex guile racket sbcl clisp ghci runghc runhaskell ocaml swift kotlin kotlinc scala groovy jshell clojure bb java jrunscript osascript".split(
    " ",
  ),
);

/** Their first argument is a program in their own language: there is no script-file form to allow. */
export const CODE_ONLY: ReadonlySet<string> = new Set(
  "awk gawk mawk nawk sed jq yq gojq dc bc m4".split(" "),
);

/** They wait for a person: full-screen or interactive programs, and database shells with nothing to run. */
export const INTERACTIVE: ReadonlySet<string> = new Set(
  "top htop atop btop iftop iotop nmon glances vi vim nvim view vimdiff nano pico emacs ed ex mc less more most pg man info tmux screen byobu mysql mariadb psql sqlite3 redis-cli valkey-cli mongo mongosh cqlsh clickhouse-client ftp sftp telnet ssh".split(
    " ",
  ),
);

/**
 * Arguments that turn a framework's own command into a prompt or into code given inline
 * (`manage.py shell`, `rails console`, `rails runner CODE`, `artisan tinker`, `deno eval CODE`).
 */
export const INTERACTIVE_ARGS: ReadonlySet<string> = new Set(
  "shell console dbshell tinker repl runner eval irb pry".split(" "),
);

const VERSION_CHARS = new Set("0123456789.");

/**
 * A word's program name, lower-cased: no folder, no version suffix (`/usr/bin/python3.12` is
 * `python`, `perl5.36` is `perl`). A loop, not a regex: `[\d.]+$` backtracks quadratically.
 */
export function programName(word: string): string {
  const base = word.slice(word.lastIndexOf("/") + 1).toLowerCase();
  let end = base.length;
  while (end > 0 && VERSION_CHARS.has(base[end - 1]!)) end -= 1;
  return end === 0 ? base : base.slice(0, end);
}

/**
 * Questions `flyops ask` refuses whatever their words otherwise match: subjects no read tool of
 * the catalog (tools/index.ts) covers, changes (ask only reads), and secret values (never read).
 * Answering them from the tools there are would answer a different question.
 */
const NO_TOOL: ReadonlyArray<[RegExp, string]> = [
  [
    /\b(costs?|bills?|billing|billed|invoices?|pric(?:e|es|ing)|pay|paying|paid|spend(?:ing)?|spent|charges?|budget)\b/i,
    "costs and billing",
  ],
  [/\b(collaborators|invit\w*)\b|\bwho\s+(?:owns|runs|manages|administers)\b/i, "invitations and ownership"],
  [/\b(snapshots?|backups?)\b/i, "volume snapshots"],
  [/\b(env(?:ironment)?\s+var(?:iable)?s?|env vars?)\b/i, "environment variables"],
  [/\b(expir\w*|renew\w*)\b(?![^.?!]*\btokens?\b)/i, "certificate expiry"],
  [
    /\b(how full|(?:almost|nearly|getting) full|disk space|free space|used space|bytes used|space used|how much space)\b/i,
    "volume usage",
  ],
  [/\b(autoscal\w*|auto[- ]?(?:stop|start)\w*|scaling)\b/i, "autoscaling settings"],
  [/\b(dns|nameservers?)\b/i, "DNS records"],
];

/**
 * Words of machine activity no read tool measures (health, failures, exits and checks have
 * their tools: the health shape answers them); of a certificate, "failing" is its status.
 */
const ACTIVITY = /\b(erroring|errors?|dead|idle|busy|overloaded|slow|flapping)\b/i;

const CHANGE =
  /^\s*(?:please\s+)?(?:(?:can|could|would|will)\s+you\s+)?(start|stop|restart|reboot|destroy|delete|remove|create|launch|scale|deploy|set|unset|allocate|release|extend|grow|resize|add|suspend|kill|terminate|rotate|move|rename|update|upgrade|attach|detach|mount|cordon|uncordon)\b/i;

const VALUE_WORD = /\b(?:values?|contents?|plain ?text|decrypt\w*|reveal)\b/;
const SECRET_WORD = /\bsecrets?\b|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/;
const SET_TO = /\bwhat(?:'s| is)\s+[A-Z][A-Z0-9]*_[A-Z0-9_]+\s+set to\b/;

/**
 * A word for a value and a secret (or an environment-variable-shaped name) in one sentence, in
 * either order; or "what is NAME set to". Sentence by sentence: one pattern with `[^?.!]*` between
 * the two words re-read the rest of the sentence from each such word, quadratic in a long one.
 */
function asksSecretValue(text: string): boolean {
  return (
    SET_TO.test(text) ||
    text.split(/[?.!]/).some((sentence) => VALUE_WORD.test(sentence) && SECRET_WORD.test(sentence))
  );
}

const METRICS =
  /\b(metrics?|usage|utili[sz](?:ation|ed)|load|latency|throughput|rps|traffic|bandwidth|response times?|uptime)\b|%|\bper ?cent\b/i;

/** Logs and 5xx counts have shapes of their own (ask-telemetry.ts); their words of failure are their subject. */
const TELEMETRY = /\blogs?\b|\b5xx\b|\bserver errors?\b/i;

/** "Which machines use the most memory?": a ranking by memory or CPU in use (ask-machines.ts, machine-usage.ts). */
const RANKING = /\b(most|least|top|highest|lowest)\b/i;
const RESOURCE = /\b(memory|mem|ram|cpus?)\b/i;
/** "How much memory is X using?", "the cpu usage of X": one machine's or app's use (ask-usage.ts). */
export const USE = /\b(us(?:e|es|ed|ing|age)|consum\w*)\b/i;

/** Databases, tokens and members have their own tools: their health and expiry are answered there. */
const OWN_TOOLS = /(?<![\w-])(databases?|dbs?|postgres(?:ql)?|pg|mpg|redis|tokens|members?)(?![\w-])/i;

/**
 * Why `flyops ask` refuses this question whatever shape its words match, or undefined. A change
 * or a secret value is refused for every provider; the rest speaks of Fly's catalog (no read tool
 * for snapshots, metrics), so it holds only for Fly's shapes: FlyWP has backups, for one.
 */
export function refusalFor(text: string): { reason: string; flyOnly: boolean } | undefined {
  const change = CHANGE.exec(text)?.[1];
  if (change)
    return {
      reason: `flyops ask only reads, and "${change}" asks for a change; write a reviewable plan for it with flyops plan "${text.trim()}"`,
      flyOnly: false,
    };
  if (asksSecretValue(text))
    return {
      reason: "flyops never reads secret values, only their names and digests; ask which secrets an app has",
      flyOnly: false,
    };
  const reason = flyRefusal(text);
  return reason ? { reason, flyOnly: true } : undefined;
}

export function refusalOf(text: string): string | undefined {
  return refusalFor(text)?.reason;
}

function flyRefusal(text: string): string | undefined {
  if (TELEMETRY.test(text) || (RESOURCE.test(text) && (RANKING.test(text) || USE.test(text))))
    return undefined;
  if (METRICS.test(text))
    return 'the built-in local model reads only 5xx counts ("which app has the most 5xx in the last hour?") and the memory or CPU machines use of Fly\'s metrics; for response times, disk, network and more, run `flyops fly metrics --measure NAME` or ask with a configured model';
  const ownTool = OWN_TOOLS.test(text);
  for (const [pattern, subject] of NO_TOOL)
    if (pattern.test(text) && !(ownTool && subject === "certificate expiry"))
      return `flyops has no read tool for ${subject}, so no answer would be the one asked`;
  if (ownTool) return undefined;
  if (ACTIVITY.test(text) && !/\b(certs?|certificates?)\b/i.test(text))
    return 'flyops has no read tool for machine activity such as errors or load, so no answer would be the one asked (for health, ask "is APP healthy?" or "are any health checks failing?")';
  return undefined;
}

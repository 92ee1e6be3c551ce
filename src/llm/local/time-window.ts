/**
 * Time windows in a question ("in the last 7 days", "yesterday", "this week", "since 2026-10-01"),
 * as whole UTC days counted from the date the system prompt gives ("Today's date: 2026-10-10").
 * The local model knows no time of day, so a window in hours is a problem, not a guess; so is a
 * vague one ("recently") or a phrase it does not read ("3 days ago", "before Monday").
 */
export interface TimeWindow {
  /** First day inside the window, YYYY-MM-DD, from 00:00 UTC. */
  since: string;
  /** First day after the window, when it ends before today ("yesterday"). */
  until?: string;
  /** The words of the question that set it. */
  phrase: string;
}

export type WindowReading = { window: TimeWindow } | { problem: string; phrase: string };

const NUMBERS: Readonly<Record<string, number>> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  fourteen: 14,
  thirty: 30,
};

const DAYS_PER: Readonly<Record<string, number>> = { day: 1, week: 7, month: 30, year: 365 };

const LAST_N =
  /\b(?:(?:in|within|during|over|for)\s+)?(?:the\s+)?(?:last|past|previous)\s+(?:(\d{1,4}|an?|one|two|three|four|five|six|seven|eight|nine|ten|fourteen|thirty)\s+)?(hour|day|week|month|year)s?\b/i;
const THIS = /\bthis\s+(week|month|year)\b/i;
const SINCE_DATE = /\bsince\s+(\d{4}-\d{2}-\d{2})\b/i;
const VAGUE = /\b(recent(?:ly)?|lately|of late|a while)\b/i;
const UNREAD =
  /\b(ago|since|before|after|until|between|(?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:jan|febr)uary|march|april|june|july|august|(?:septem|octo|novem|decem)ber)\b/i;

/** Today's date from the system prompt the ask loop renders (prompts/ask.md), if it says. */
export function todayOf(system: string): string | undefined {
  return /today'?s date:?\s*(\d{4}-\d{2}-\d{2})/i.exec(system)?.[1];
}

function shift(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The time window the question sets, a problem with it, or undefined when it sets none. */
export function readWindow(text: string, today: string | undefined): WindowReading | undefined {
  const found =
    LAST_N.exec(text) ?? /\b(today|yesterday)\b/i.exec(text) ?? THIS.exec(text) ?? SINCE_DATE.exec(text);
  if (!found) {
    const vague = VAGUE.exec(text)?.[0];
    if (vague)
      return {
        phrase: vague,
        problem: `"${vague}" is not a window it can apply; say one such as "in the last 7 days"`,
      };
    const unread = UNREAD.exec(text)?.[0];
    if (unread)
      return {
        phrase: unread,
        problem: `it does not read the time phrase "${unread}"; say a window such as "in the last 7 days", "yesterday", "this week" or "since 2026-10-01"`,
      };
    return undefined;
  }
  const phrase = found[0].trim();
  if (!today) return { phrase, problem: "the conversation does not say today's date" };
  const last = LAST_N.exec(phrase);
  if (last) {
    const unit = (last[2] ?? "day").toLowerCase();
    if (unit === "hour")
      return {
        phrase,
        problem: "the local model knows today's date but not the time, so it counts whole days only",
      };
    const word = (last[1] ?? "1").toLowerCase();
    const n = NUMBERS[word] ?? Number.parseInt(word, 10);
    // Without the time of day, "the last 7 days" starts at 00:00 seven days ago: it covers every
    // moment of the last 7×24 hours, and the answer says from which day it counted.
    return { window: { since: shift(today, -n * (DAYS_PER[unit] ?? 1)), phrase } };
  }
  const lower = phrase.toLowerCase();
  if (lower === "today") return { window: { since: today, phrase } };
  if (lower === "yesterday") return { window: { since: shift(today, -1), until: today, phrase } };
  const thisUnit = THIS.exec(phrase)?.[1]?.toLowerCase();
  if (thisUnit === "week") {
    // ISO weeks start on Monday.
    const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7;
    return { window: { since: shift(today, -weekday), phrase } };
  }
  if (thisUnit === "month") return { window: { since: `${today.slice(0, 7)}-01`, phrase } };
  if (thisUnit === "year") return { window: { since: `${today.slice(0, 4)}-01-01`, phrase } };
  return { window: { since: SINCE_DATE.exec(phrase)?.[1] ?? today, phrase } };
}

/** Whether an ISO time falls inside the window. */
export function inWindow(time: string | undefined, window: TimeWindow): boolean {
  if (!time) return false;
  const day = time.slice(0, 10);
  return day >= window.since && (window.until === undefined || day < window.until);
}

/** "since 2026-10-04", or "on 2026-10-09" for one day that has ended. */
export function windowText(window: TimeWindow): string {
  if (window.until !== undefined && shift(window.since, 1) === window.until) return `on ${window.since}`;
  return window.until === undefined ? `since ${window.since}` : `from ${window.since} until ${window.until}`;
}

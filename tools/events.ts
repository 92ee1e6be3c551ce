import { z } from "zod";
import type { MachineEvent } from "../src/fly/schemas.js";
import { defineTool, nowOf } from "./define-tool.js";
import * as f from "./fields.js";
import { exitDetails } from "./machine-health.js";
import { describeWindow, inWindow, isoOf, timeField, windowOf } from "./time-window.js";
import { listView, type Row } from "./view.js";

/**
 * A machine's events: `GET /v1/apps/{app}/machines/{id}/events` (machines-openapi.json
 * Machines_list_events). Fly returns the newest, at most 50 ("max of 50", 20 when `limit` is
 * omitted); so this asks for 50 and filters by window and type here, and says when the window
 * reaches further back than the events Fly returned.
 */

/** Fly's most events per call (machines-openapi.json, Machines_list_events `limit`). */
const FLY_MAX_EVENTS = 50;

interface EventListing {
  events: MachineEvent[];
  /** Whether Fly returned as many events as it can: older ones may exist. */
  full: boolean;
  since?: number;
  before?: number;
}

export const machineEvents = defineTool({
  name: "machine_events",
  command: { verb: "events", noun: "machine", id: "machine_id" },
  description:
    'A machine\'s recent events, newest first: type (launch, start, stop, exit, restart, update, ...), status, source (user or flyd), time, and for exits the exit code and whether it was OOM-killed. Filter by time window and type, e.g. type ["exit"] with since "1h" for "did it crash in the last hour?". Fly keeps the newest 50.',
  access: "read",
  input: z
    .object({
      app: f.app,
      machine_id: f.machineId,
      since: timeField("Only events at or after this time").optional(),
      before: timeField("Only events before this time").optional(),
      type: z
        .array(z.string().regex(/^[a-z_]{1,32}$/, 'expected an event type such as "exit" or "restart"'))
        .min(1)
        .optional()
        .describe('Only events of these types, e.g. ["exit", "restart"]'),
      limit: f.limit.optional(),
    })
    .strict(),
  async run(ctx, input): Promise<EventListing> {
    const events = await ctx.fly.rest.listMachineEvents(
      input.app,
      input.machine_id,
      { limit: FLY_MAX_EVENTS },
      ctx.signal,
    );
    const window = windowOf(input.since, input.before, nowOf(ctx));
    const kept = events
      .filter(
        (e) =>
          inWindow(e.timestamp, window) && (input.type === undefined || input.type.includes(e.type ?? "")),
      )
      .sort((a, b) => (b.timestamp ?? 0) - (a.timestamp ?? 0));
    return { events: kept, full: events.length >= FLY_MAX_EVENTS, ...window };
  },
  view: (listing, input) => {
    const oldest = listing.events.at(-1)?.timestamp;
    const reachesBack =
      listing.full &&
      (listing.since === undefined || (oldest !== null && oldest !== undefined && oldest > listing.since));
    return listView(listing.events.map(eventRow), {
      noun: "events",
      limit: input.limit,
      narrow: "narrow the window or the types",
      notes: [
        `window: ${describeWindow(listing)}`,
        reachesBack
          ? `Fly returns only the newest ${FLY_MAX_EVENTS} events; older ones in the window are not visible`
          : undefined,
      ],
      empty: "no events match",
    });
  },
});

export function eventRow(event: MachineEvent): Row {
  const exit = exitDetails(event);
  return {
    timestamp: isoOf(event.timestamp),
    type: event.type ?? null,
    status: event.status ?? null,
    source: event.source ?? null,
    exit_code: exit?.exit_code ?? null,
    oom_killed: exit ? exit.oom_killed === true : null,
  };
}

export const eventTools = [machineEvents] as const;

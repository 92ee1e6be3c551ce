import { describe, expect, it } from "vitest";
import type { z } from "zod";
import * as ids from "../../tools/id-fields.js";
import { machineIdFor, snapshotIdFor, volumeIdFor } from "../../src/sandbox/ids.js";
import { seedState, type SandboxSeed } from "../../src/sandbox/seeds.js";

/**
 * The sandbox stands in for Fly, so every id and name it seeds or makes up has the shape the
 * catalog accepts: otherwise a test against it would need ids Fly never gives out, or a real
 * Fly id would be refused while the sandbox's passed.
 */

function misfits(schema: z.ZodTypeAny, values: readonly string[]): string[] {
  return values.filter((value) => !schema.safeParse(value).success);
}

describe.each<SandboxSeed>(["demo", "empty", 120])("the %s seed", (seed) => {
  const state = seedState(seed);

  it("has ids and names of Fly's shapes", () => {
    expect(
      misfits(
        ids.orgSlug,
        state.orgs.map((o) => o.slug),
      ),
    ).toEqual([]);
    expect(
      misfits(
        ids.appName,
        state.apps.map((a) => a.name),
      ),
    ).toEqual([]);
    expect(
      misfits(
        ids.machineId,
        state.machines.map((m) => m.id),
      ),
    ).toEqual([]);
    expect(
      misfits(
        ids.machineName,
        state.machines.map((m) => m.name),
      ),
    ).toEqual([]);
    expect(
      misfits(
        ids.regionCode,
        [...state.machines, ...state.volumes].map((r) => r.region),
      ),
    ).toEqual([]);
    expect(
      misfits(
        ids.volumeId,
        state.volumes.map((v) => v.id),
      ),
    ).toEqual([]);
    expect(
      misfits(
        ids.volumeName,
        state.volumes.map((v) => v.name),
      ),
    ).toEqual([]);
    expect(
      misfits(
        ids.snapshotId,
        state.volumes.flatMap((v) => v.snapshots.map((s) => s.id)),
      ),
    ).toEqual([]);
    expect(
      misfits(
        ids.secretName,
        state.secrets.map((s) => s.name),
      ),
    ).toEqual([]);
    expect(
      misfits(
        ids.ipAddress,
        state.ips.map((i) => i.ip),
      ),
    ).toEqual([]);
    expect(
      misfits(
        ids.hostname,
        state.certs.map((c) => c.hostname),
      ),
    ).toEqual([]);
  });
});

describe("ids the sandbox makes up", () => {
  const labels = Array.from({ length: 500 }, (_, i) => `app-${i}:thing-${i * 7}`);

  it("have Fly's shapes", () => {
    expect(misfits(ids.machineId, labels.map(machineIdFor))).toEqual([]);
    expect(misfits(ids.volumeId, labels.map(volumeIdFor))).toEqual([]);
    expect(misfits(ids.snapshotId, labels.map(snapshotIdFor))).toEqual([]);
  });

  it("would be caught if they did not", () => {
    expect(misfits(ids.machineId, ["m1", "148ED123A45678", "148ed123a4567"])).toHaveLength(3);
    expect(misfits(ids.volumeId, ["vol_1", "vol_1234abcd", "VOL_9vw681egy1jj5xm4"])).toHaveLength(3);
  });
});

import { findSizeGb, findVolumeIds } from "./entities.js";
import { attachedMachineOf, nameOf, sizeGbOf } from "./fields.js";
import { appExists, propose, requestApp, requestRegion, requestVolume, steps } from "./plan-common.js";
import { AnswerNow } from "./session.js";
import type { Shape } from "./shape.js";

const VOLUME = /\b(volumes?|vol_[a-z0-9]+|disks?)\b/i;
const VOLUME_NAME = /^[a-z0-9_]{1,30}$/;

function volumeLabel(id: string, record: Record<string, unknown>): string {
  const name = typeof record.name === "string" ? record.name : undefined;
  return name && name !== id ? `${id} (${name})` : id;
}

export const createVolume: Shape = {
  id: "plan-volume-create",
  mode: "plan",
  description: "create a volume with a name, size and region",
  examples: ["create a 10GB volume named data in iad for my-app"],
  applies: [],
  matches: (q) =>
    VOLUME.test(q) && /\b(create|add|make|new|provision)\b/i.test(q) && findVolumeIds(q).length === 0,
  *run(session) {
    const q = session.question;
    const app = yield* requestApp(session);
    const region = yield* requestRegion(session, app, "volume");
    const sizeGb = findSizeGb(q) ?? 1;
    const name = (/\b(?:named|called|name)\s+["'`]?([A-Za-z0-9_-]+)/i.exec(q)?.[1] ?? "data")
      .toLowerCase()
      .replace(/-/g, "_");
    if (!VOLUME_NAME.test(name))
      throw new AnswerNow(
        `"${name}" cannot be a volume name: use lowercase letters, digits and underscores, at most 30.`,
      );
    return yield* propose({
      summary: `Create a ${sizeGb} GB volume ${name} for ${app} in ${region}.`,
      steps: steps({
        tool: "volumes_create",
        reason: `New volume ${name}, ${sizeGb} GB${findSizeGb(q) === undefined ? " (Fly's smallest, since no size was given)" : ""}, in ${region}.`,
        input: { app, name, region, size_gb: sizeGb },
      }),
      preconditions: [appExists(app)],
    });
  },
};

export const extendVolume: Shape = {
  id: "plan-volume-extend",
  mode: "plan",
  description: "extend a volume to a size (or by an amount)",
  examples: ["extend volume vol_3orphq5n2w8c7yjd to 50GB", "grow the data volume of my-app by 10 GB"],
  applies: [],
  matches: (q) => VOLUME.test(q) && /\b(extend|grow|resize|increase|expand|enlarge|bigger)\b/i.test(q),
  *run(session) {
    const q = session.question;
    const { app, id, record } = yield* requestVolume(session);
    const current = sizeGbOf(record);
    if (current === undefined) throw new AnswerNow(`Volume ${id} of ${app} did not report its size.`);
    const amount = findSizeGb(q);
    if (amount === undefined)
      throw new AnswerNow(`To what size? Volume ${id} is ${current} GB; say e.g. "to ${current * 2}GB".`);
    const target = /\bby\s+\d+/i.test(q) ? current + amount : amount;
    if (target <= current) {
      throw new AnswerNow(
        `Volume ${id} of ${app} is already ${current} GB; volumes can only grow, so ${target} GB needs nothing or is not possible.`,
      );
    }
    const label = volumeLabel(id, record);
    return yield* propose({
      summary: `Extend volume ${label} of ${app} from ${current} GB to ${target} GB.`,
      steps: steps({
        tool: "volumes_extend",
        reason: `Grow ${label} from ${current} GB to ${target} GB, as requested.`,
        input: { app, volume_id: id, size_gb: target },
      }),
      preconditions: [{ tool: "volumes_get", input: { app, volume_id: id }, expect: { size_gb: current } }],
    });
  },
};

export const destroyVolume: Shape = {
  id: "plan-volume-destroy",
  mode: "plan",
  description: "destroy an unattached volume",
  examples: ["destroy volume vol_3orphq5n2w8c7yjd", "delete the uploads volume of my-app"],
  applies: [],
  matches: (q) => VOLUME.test(q) && /\b(destroy|delete|remove|drop)\b/i.test(q),
  *run(session) {
    const { app, id, record } = yield* requestVolume(session);
    const label = volumeLabel(id, record);
    const machine = attachedMachineOf(record);
    if (machine)
      throw new AnswerNow(
        `Volume ${label} of ${app} is attached to machine ${machine}; Fly refuses to destroy it until that machine is destroyed.`,
      );
    return yield* propose({
      summary: `Destroy volume ${label} of ${app} (${sizeGbOf(record) ?? "?"} GB, unattached) and all its data.`,
      steps: steps({
        tool: "volumes_destroy",
        reason: `Destroy ${nameOf(record) ?? id}, which no machine uses, as requested; its data is lost.`,
        input: { app, volume_id: id },
      }),
      preconditions: [{ tool: "volumes_get", input: { app, volume_id: id }, expect: { exists: true } }],
    });
  },
};

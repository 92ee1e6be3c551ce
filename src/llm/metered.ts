import { addUsage, emptyUsage, type ChatModel, type Usage } from "./types.js";

/** A model that adds up what every reply of it reported, failed conversations included. */
export interface MeteredModel {
  model: ChatModel;
  /** Tokens of every reply so far. */
  usage(): Usage;
  /** Replies so far (model turns). */
  turns(): number;
}

export function meter(model: ChatModel): MeteredModel {
  let usage = emptyUsage();
  let turns = 0;
  return {
    model: {
      id: model.id,
      async chat(request) {
        const response = await model.chat(request);
        usage = addUsage(usage, response.usage);
        turns += 1;
        return response;
      },
    },
    usage: () => ({ ...usage }),
    turns: () => turns,
  };
}

export { createLocalModel, LOCAL_MODEL_ID } from "./model.js";
export { CONFIGURE_REAL_MODEL_HINT, LocalModelCannotAnswer } from "./errors.js";
export { SHAPES as LOCAL_MODEL_SHAPES, supportedShapeLines } from "./shapes.js";
export type { Shape as LocalModelShape } from "./shape.js";

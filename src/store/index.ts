export { writeAtomically, writeAtomicallyWith } from "./file-durability.js";
export { damagedLine, type FilePrefix, JsonLinesFile, type OpenOptions } from "./json-lines-file.js";
export type { Line } from "./line-reader.js";
export { type BotState, type ProposalJson, STATE_VERSION, type State, stateSchema } from "./schema.js";
export { lockHolder, Store, StoreError, type StoreOptions } from "./store.js";

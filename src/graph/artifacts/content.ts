// Moved to http/byteRanges.ts, shared with the control API's content routes (the dashboard plays recordings).
export { parseRange, sendStream } from '../../http/byteRanges.js';

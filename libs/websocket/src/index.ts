export { DEFAULT_FRAME_LIMITS, LIMIT_CLOSE_CODE, SocketFrames, type FrameLimits } from './socket-frames.js';
export { UsedTickets } from './used-tickets.js';

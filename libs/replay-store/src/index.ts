export { DirectoryReplayStore, isReplayFileName, PLAYLIST, replayContentType, type ReplayReader, type ReplayWriter } from './replay-store.js';

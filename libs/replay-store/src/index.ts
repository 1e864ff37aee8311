export { DirectoryReplayStore, isReplayFileName, PLAYLIST, type ReplayReader, type ReplayWriter } from './replay-store.js';

// What a person reads when something fails: words keyed by the API's stable error codes (and
// the SFU's and chat's close reasons), falling back to the server's own message.
import { ApiError, NETWORK_UNREACHABLE } from './api-client';

const SIGN_IN_AGAIN = 'Your session has ended. Please sign in again.';
const SFU_BUSY = 'The video servers are busy right now. Try again in a few seconds.';

const WORDS: Record<string, string> = {
  [NETWORK_UNREACHABLE]: 'OnAir cannot be reached. Check your connection and try again.',
  'AUTH.TOKEN_MISSING': 'Please sign in first.',
  'AUTH.TOKEN_EXPIRED': SIGN_IN_AGAIN,
  'AUTH.TOKEN_INVALID': SIGN_IN_AGAIN,
  'AUTH.TOKEN_REVOKED': SIGN_IN_AGAIN,
  'IDENTITY.REFRESH_TOKEN_INVALID': SIGN_IN_AGAIN,
  'IDENTITY.REFRESH_TOKEN_REUSED': SIGN_IN_AGAIN,
  'IDENTITY.INVALID_CREDENTIALS': 'That handle or email and password do not match an account.',
  'IDENTITY.SIGN_IN_RATE_LIMITED': 'Too many sign-in attempts. Wait a minute, then try again.',
  'IDENTITY.BUSY': 'Sign-in is busy right now. Try again in a moment.',
  'IDENTITY.HANDLE_TAKEN': 'That handle is taken. Pick another one.',
  'IDENTITY.EMAIL_TAKEN': 'An account already uses that email. Sign in instead.',
  'REQUEST.VALIDATION_FAILED': 'Some of what you entered needs another look.',
  'EDGE.UPSTREAM_UNAVAILABLE': 'Part of OnAir is not available right now. Try again shortly.',
  'EDGE.UPSTREAM_TIMEOUT': 'OnAir took too long to answer. Try again.',
  'STREAM_SESSIONS.NO_SFU_AVAILABLE': 'No video server is ready yet. Try again in a few seconds.',
  'STREAM_SESSIONS.BROADCAST_NOT_FOUND': 'This broadcast does not exist.',
  'STREAM_SESSIONS.BROADCAST_NOT_LIVE': 'This broadcast is not live.',
  'STREAM_SESSIONS.BROADCAST_OVER': 'This broadcast has ended.',
  'STREAM_SESSIONS.BROADCAST_TAKEN_DOWN': "This broadcast was taken down by OnAir's operators.",
  'STREAM_SESSIONS.NOT_ADMITTED': 'This broadcast is for its followers or a circle only.',
  'STREAM_SESSIONS.PUBLISH_NOT_ALLOWED': 'Only the broadcaster can go live with this broadcast.',
  'STREAM_SESSIONS.NOT_OWNER': 'Only the broadcaster can do that.',
  'STREAM_SESSIONS.REPLAY_EXPIRED': 'This replay has expired: replays last 24 hours after the broadcast ends.',
  'STREAM_SESSIONS.REPLAY_NOT_READY': 'There is no replay of this broadcast yet.',
  'STREAM_SESSIONS.REPLAY_FILE_NOT_FOUND': 'Part of this replay is missing.',
  'CHAT.REPLAY_GONE': 'This replay has expired, and its chat with it.',
  'CHAT.TICKET_MISMATCH': 'The chat of this replay could not be opened. Reload the page.',
  'STREAM_SESSIONS.SOCIAL_GRAPH_UNAVAILABLE': 'OnAir cannot check who may watch right now. Try again shortly.',
  'SFU.ROOM_FULL': SFU_BUSY,
  'SFU.DRAINING': SFU_BUSY,
  'SFU.NO_WORKER': SFU_BUSY,
  'SFU.RELAY_UNAVAILABLE': SFU_BUSY,
  'SFU.DISCONNECTED': 'The connection to the video server was lost.',
  'SFU.UNREACHABLE': 'The video server could not be reached again.',
  'SFU.ADMISSION_REVOKED': 'You can no longer watch this broadcast.',
  'SFU.BROADCAST_ENDED': 'The broadcast has ended.',
  'MEDIA.TICKET_EXPIRED': 'Joining took too long. Try again.',
  'DISCOVERY.SEARCH_UNAVAILABLE': 'The list of broadcasts is not available right now.',
  'DISCOVERY.NOTHING_LIVE': 'Nobody is live in public right now.',
  'DISCOVERY.SOCIAL_GRAPH_UNAVAILABLE': 'OnAir cannot tell who you follow right now. Try again shortly.',
  'DISCOVERY.BOX_WRAPS_WORLD': 'The map could not show this part of the world. Move it a little.',
  'DISCOVERY.BOX_INVERTED': 'The map could not show this part of the world. Move it a little.',
  'CHAT.RATE_LIMITED': 'Slow down: one message a second.',
  'CHAT.MUTED': 'You are muted in this chat.',
  'CHAT.FOLLOWERS_ONLY': 'Only followers of the broadcaster can write here.',
  'CHAT.COMMENTS_FULL': 'Comments are full: the broadcaster’s followers and the first commenters write now.',
  'CHAT.ROOM_NOT_LIVE': 'The chat opens when the broadcast goes live.',
  'CHAT.BROADCAST_ENDED': 'The broadcast has ended; so has its chat.',
  'CHAT.ADMISSION_REVOKED': 'You can no longer take part in this chat.',
  'CHAT.FLOOD': 'Too many messages were refused; the chat closed.',
  'CHAT.NOT_BROADCASTER': 'Only the broadcaster can moderate this chat.',
  'CHAT.JURIES_OFF': 'The broadcaster has turned flash juries off.',
  'CHAT.MESSAGE_NOT_FOUND': 'That message is too old to report.',
  'CHAT.OWN_MESSAGE': 'You cannot report your own message.',
  'CHAT.BROADCASTER_MESSAGE': 'The broadcaster’s messages cannot be reported.',
  'CHAT.NO_JURORS': 'Nobody else is here to judge that message right now.',
  'CHAT.ALREADY_REPORTED': 'That message has been reported already.',
  'CHAT.NOT_A_JUROR': 'You are not on this jury.',
  'CHAT.JURY_CLOSED': 'This jury has closed: its time is up.',
  'CHAT.ALREADY_VOTED': 'You have voted already.',
  'NOTIFICATIONS.PUSH_ENDPOINT_REFUSED': 'OnAir cannot send push notifications through this browser’s push service.',
  'NOTIFICATIONS.TOO_MANY_SUBSCRIPTIONS': 'Push notifications are on for too many of your devices. Turn them off on one first.',
  'NOTIFICATIONS.SUBSCRIPTION_NOT_FOUND': 'Push notifications were already off for this device.',
  'NOTIFICATIONS.NOT_FOUND': 'This notification is no longer in your inbox.',
  'NOTIFICATIONS.INVALID_CURSOR': 'The inbox could not load more. Reload the page.',
  'IDENTITY.USER_NOT_FOUND': 'Nobody on OnAir has that handle.',
  'IDENTITY.AVATAR_UNSUPPORTED_TYPE': 'That file is not a PNG, JPEG or WebP image. Choose another picture.',
  'REQUEST.BODY_TOO_LARGE': 'That file is too large. Choose a smaller one.',
  'SOCIAL_GRAPH.CANNOT_FOLLOW_SELF': 'You cannot follow yourself.',
  'SOCIAL_GRAPH.CANNOT_BLOCK_SELF': 'You cannot block yourself.',
  'SOCIAL_GRAPH.BLOCKED': 'You cannot do that: one of you has blocked the other.',
  'SOCIAL_GRAPH.ACCOUNT_DELETED': 'This account has been deleted.',
  'SOCIAL_GRAPH.CIRCLE_NOT_FOUND': 'This circle no longer exists. Reload the page.',
  'SOCIAL_GRAPH.CIRCLE_NAME_TAKEN': 'You already have a circle with that name. Pick another.',
  'SOCIAL_GRAPH.CIRCLE_LIMIT_REACHED': 'You have as many circles as you can (50). Delete one first.',
  'SOCIAL_GRAPH.CIRCLE_FULL': 'This circle is full (5,000 members).',
  'SOCIAL_GRAPH.NOT_A_FOLLOWER': 'This person does not follow you. Only your followers can be in your circles.',
  'OPS.CANNOT_REPORT_SELF': 'You cannot report your own account.',
  'OPS.TOO_MANY_OPEN_REPORTS': 'You have many reports waiting already. Wait until OnAir’s operators have looked at them.',
  'OPS.REPORT_TARGET_NOT_FOUND': 'Nobody has reported this.',
  'OPS.NO_OPEN_REPORTS': 'Its reports were dismissed already.',
  'OPS.ALREADY_TAKEN_DOWN': 'This broadcast was taken down already.',
  'OPS.BROADCAST_NOT_FOUND': 'There is no such broadcast.',
  'OPS.NOT_SUSPENDED': 'This account is not suspended.',
  'AUTH.ROLE_REQUIRED': 'Only OnAir’s operators can do that.',
};

/** Words for a code, or `fallback` (the server's message) for codes the client does not know. */
export function wordsFor(code: string, fallback: string): string {
  return WORDS[code] ?? fallback;
}

/** The code of an error from the API, the SFU or chat, if it has one. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** What to show for any failure: words for a known code, else the server's (or the error's) message. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const fields = err.code === 'REQUEST.VALIDATION_FAILED' ? fieldIssues(err.details) : '';
    return `${wordsFor(err.code, err.serverMessage)}${fields}`;
  }
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  return code ? wordsFor(code, message) : message;
}

/** `details.fields` of REQUEST.VALIDATION_FAILED: which field and why, as the server said it. */
function fieldIssues(details: Record<string, unknown>): string {
  const fields = Array.isArray(details.fields) ? (details.fields as Array<{ field?: string; issue?: string }>) : [];
  const named = fields.filter((f) => f.field).map((f) => `${f.field}: ${f.issue}`);
  return named.length ? ` (${named.join('; ')})` : '';
}

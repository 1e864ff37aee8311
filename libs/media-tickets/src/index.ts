export {
  MEDIA_TICKET_AUDIENCE,
  MEDIA_TICKET_ISSUER,
  MediaTicketExpiredError,
  MediaTicketInvalidError,
  MediaTicketUsedError,
  MediaTicketWrongNodeError,
  signMediaTicket,
  verifyMediaTicket,
  verifyRelayTicket,
  type BroadcastAudience,
  type MediaTicket,
  type VerifiedMediaTicket,
} from './media-ticket.js';

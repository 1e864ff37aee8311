export {
  MEDIA_TICKET_AUDIENCE,
  MEDIA_TICKET_ISSUER,
  MediaTicketExpiredError,
  MediaTicketInvalidError,
  MediaTicketWrongNodeError,
  signMediaTicket,
  verifyMediaTicket,
  verifyRelayTicket,
  type MediaTicket,
} from './media-ticket.js';

export {
  MEDIA_TICKET_AUDIENCE,
  MEDIA_TICKET_ISSUER,
  MediaTicketExpiredError,
  MediaTicketInvalidError,
  MediaTicketWrongNodeError,
  signMediaTicket,
  verifyMediaTicket,
  type MediaTicket,
} from './media-ticket.js';

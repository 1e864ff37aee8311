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
export { ADMISSION_CHANGE_EVENTS, admissionChangeOf, losesAdmission, RecentAdmissionChanges, type AdmissionChange } from './audience-changes.js';
export {
  CHAT_TICKET_AUDIENCE,
  isOwnerTicket,
  signChatTicket,
  verifyChatTicket,
  type ChatTicket,
  type VerifiedChatTicket,
} from './chat-ticket.js';

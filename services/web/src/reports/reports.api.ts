// Viewers' reports to OnAir's operators (ops, POST /v1/reports): a broadcast or an account, for
// one of a fixed list of reasons (ops' VIEWER_REASONS), in the reporter's words if they like.
import { apiAsSignedIn } from '../session/session';

export type ReportTargetType = 'broadcast' | 'account' | 'message';

/** The reasons ops accepts, in the order a person reads them, with their words. */
export const REPORT_REASONS = [
  ['spam', 'Spam or scam'],
  ['harassment', 'Harassment or bullying'],
  ['hate', 'Hate speech'],
  ['violence', 'Violence or threats'],
  ['nudity', 'Nudity or sexual content'],
  ['self_harm', 'Self-harm'],
  ['illegal', 'Something illegal'],
  ['other', 'Something else'],
] as const;
export type ReportReason = (typeof REPORT_REASONS)[number][0];

/** Words for a reason from the API; chat's jury reports have `chat_jury`. */
export function reasonWords(reason: string): string {
  if (reason === 'chat_jury') return 'Chat jury';
  return REPORT_REASONS.find(([r]) => r === reason)?.[1] ?? reason;
}

/** The API's limit on the reporter's own words (report.bodies.ts). */
export const REPORT_TEXT_MAX = 500;

/**
 * 201 for a new report, 200 when this person had reported it before (their report is updated,
 * and open again): both mean "reported".
 */
export function fileReport(report: { targetType: 'broadcast' | 'account'; targetId: string; reason: ReportReason; text?: string }): Promise<{ id: string }> {
  return apiAsSignedIn('POST', '/v1/reports', report);
}

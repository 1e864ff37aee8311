/**
 * One account in the accounts index: its profile (for owner names on broadcasts) and the lists
 * that queries read by terms lookup: whom it follows, who blocked it, whom it blocked.
 */
export interface AccountDocument {
  account_id: string;
  handle?: string | null;
  display_name?: string | null;
  following: string[];
  blocked_by: string[];
  blocking: string[];
}

export const emptyAccount = (accountId: string): AccountDocument => ({ account_id: accountId, following: [], blocked_by: [], blocking: [] });

/** `list` with `id` added or removed (the same array when nothing changes). */
export function withMember(list: string[], id: string, present: boolean): string[] {
  const has = list.includes(id);
  if (has === present) return list;
  return present ? [...list, id] : list.filter((x) => x !== id);
}
